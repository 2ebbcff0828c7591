// Recognises a 2xx to INVITE sent again outside any transaction.  A UAS
// core retransmits its 2xx itself (RFC 3261 §13.3.1.4) and a proxy forwards
// those retransmissions statelessly once its client transaction has ended
// with the first 2xx (§16.7 step 2, §17.1.1.2); no transaction is there to
// know that the message is a resend, so the trace's `retransmit` flag comes
// from here: the same bytes sent again within the window.  Identical bytes
// mean the same Call-ID, CSeq, Via branch, first line and To tag: a 2xx
// from another fork differs in its To tag and is not counted.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "models/common/time.h"

namespace siplab::sip {

class ResendMemory {
 public:
  // `window`: how long a message is remembered after it was last sent (a
  // 2xx is retransmitted for at most 64*T1, at intervals of at most T2).
  explicit ResendMemory(Duration window) : window_(window) {}

  // Records that `bytes` were sent at `now`; true when the same bytes were
  // sent before, within the window.
  bool note(Instant now, std::string_view bytes) {
    forget_before(now - window_);
    auto [it, fresh] = last_sent_.try_emplace(std::string(bytes), now);
    if (!fresh && it->second == now) return true;  // its send record is there
    it->second = now;
    // Each entry's latest send record is its last one in sends_, so the
    // entry is erased only after every record pointing at its key is gone
    // (`now` never goes back).  A node-based map keeps the key in place.
    sends_.emplace_back(now, &it->first);
    return !fresh;
  }

  std::size_t size() const { return last_sent_.size(); }

 private:
  void forget_before(Instant cutoff) {
    while (!sends_.empty() && sends_.front().first < cutoff) {
      const auto [at, key] = sends_.front();
      sends_.pop_front();
      // Only the entry's latest send lets it go (an earlier one was renewed).
      auto it = last_sent_.find(*key);
      if (it != last_sent_.end() && it->second == at) last_sent_.erase(it);
    }
  }

  Duration window_;
  std::unordered_map<std::string, Instant> last_sent_;      // bytes → last sent
  std::deque<std::pair<Instant, const std::string*>> sends_;  // in send order
};

}  // namespace siplab::sip
