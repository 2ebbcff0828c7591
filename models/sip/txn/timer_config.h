// RFC 3261 timer values (§17.1.1.1, Table 4 in Appendix A).  Scenarios set
// T1/T2/T4 (`sip: { t1: 500ms, t2: 4s, t4: 5s }`); every other timer derives
// from them.
#pragma once

#include <algorithm>

#include "models/common/time.h"

namespace siplab::sip {

struct TimerConfig {
  Duration t1 = std::chrono::milliseconds(500);  // RTT estimate
  Duration t2 = std::chrono::seconds(4);         // cap on non-INVITE / response retransmit interval
  Duration t4 = std::chrono::seconds(5);         // max time a message stays in the network
  // §17.2.1: a UAS INVITE server transaction sends 100 Trying itself unless
  // the TU answers within 200 ms.
  Duration trying_delay = std::chrono::milliseconds(200);
  // §16.2 / §17.2.1: a stateful proxy sends the 100 Trying at once.
  bool immediate_trying = false;

  Duration timer_b() const { return 64 * t1; }  // INVITE client timeout
  Duration timer_f() const { return 64 * t1; }  // non-INVITE client timeout
  Duration timer_h() const { return 64 * t1; }  // wait for ACK
  Duration timer_j(bool reliable) const { return reliable ? Duration::zero() : 64 * t1; }
  Duration timer_k(bool reliable) const { return reliable ? Duration::zero() : t4; }
  Duration timer_i(bool reliable) const { return reliable ? Duration::zero() : t4; }
  // Timer D: "at least 32 seconds for unreliable transports" (§17.1.1.2); we
  // use max(32 s, 64*T1) so a large T1 never ends it before Timer B would.
  Duration timer_d(bool reliable) const {
    return reliable ? Duration::zero() : std::max<Duration>(std::chrono::seconds(32), 64 * t1);
  }
};

}  // namespace siplab::sip
