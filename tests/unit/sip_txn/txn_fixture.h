// Two stacks, alice (192.0.2.1) and bob (192.0.2.2), on the in-memory
// network with 10 ms one-way latency.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/common/random.h"
#include "tests/support/sip_builders.h"
#include "tests/support/test_network.h"

namespace siplab::sip::test {

using siplab::testing::Packet;

inline int64_t ms(Instant t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t).count(); }

class TxnTest : public ::testing::Test {
 protected:
  explicit TxnTest(SipStackConfig alice_config = siplab::testing::stack_config("192.0.2.1"),
                   SipStackConfig bob_config = siplab::testing::stack_config("192.0.2.2"))
      : alice_random_(1), bob_random_(2), alice_(alice_config, alice_random_), bob_(bob_config, bob_random_) {
    net_.attach("alice", alice_);
    net_.attach("bob", bob_);
    net_.on_event = [this](const std::string& node, SipStack& stack, TuEvent& event) {
      if (node == "bob" && bob_tu_) bob_tu_(stack, event);
      if (node == "alice" && alice_tu_) alice_tu_(stack, event);
    };
  }

  Target bob_udp() const { return Target{Transport::Udp, siplab::testing::endpoint("192.0.2.2:5060")}; }
  Target bob_tcp() const { return Target{Transport::Tcp, siplab::testing::endpoint("192.0.2.2:5060")}; }

  TxnId send(const Message& request, const Target& target) {
    SendResult r = alice_.send_request(net_.now(), request, target);
    EXPECT_TRUE(r.ok()) << r.error;
    net_.drain("alice");
    return r.txn;
  }

  // Send instants (ms) of `node`'s packets for which `pred` holds.
  std::vector<int64_t> send_times(const std::string& node, const std::function<bool(const Packet&)>& pred) const {
    std::vector<int64_t> out;
    for (const Packet* p : net_.sent_by(node)) {
      if (pred(*p)) out.push_back(ms(p->sent_at));
    }
    return out;
  }

  // All events of type T a node's TU saw.
  template <typename T>
  std::vector<T> events_of(const std::string& node) {
    std::vector<T> out;
    for (const TuEvent& e : net_.events(node)) {
      if (auto* v = std::get_if<T>(&e)) out.push_back(*v);
    }
    return out;
  }

  // "state@ms" for every state change of the transaction whose trace id ends with `suffix`.
  std::vector<std::string> states(const std::string& node, const std::string& suffix) {
    std::vector<std::string> out;
    for (const TraceEvent& e : net_.traces(node)) {
      if (auto* s = std::get_if<TxnStateChange>(&e)) {
        if (s->txn.ends_with(suffix)) out.push_back(std::string(state_name(s->to)) + "@" + std::to_string(ms(s->t)));
      }
    }
    return out;
  }

  // "timer@ms" for every timer firing of `node`.
  std::vector<std::string> timers(const std::string& node) {
    std::vector<std::string> out;
    for (const TraceEvent& e : net_.traces(node)) {
      if (auto* f = std::get_if<TimerFired>(&e)) out.push_back(std::string(timer_name(f->timer)) + "@" + std::to_string(ms(f->t)));
    }
    return out;
  }

  siplab::testing::TestNetwork net_;
  SeededRandom alice_random_;
  SeededRandom bob_random_;
  SipStack alice_;
  SipStack bob_;
  std::function<void(SipStack&, TuEvent&)> bob_tu_;
  std::function<void(SipStack&, TuEvent&)> alice_tu_;
};

inline std::function<bool(const Packet&)> request_is(std::string method) {
  return [method](const Packet& p) { return p.is_request(method); };
}
inline std::function<bool(const Packet&)> response_is(int code) {
  return [code](const Packet& p) { return p.is_response(code); };
}

}  // namespace siplab::sip::test
