// Server transactions (RFC 3261 §17.2): 100 Trying, absorption of
// retransmitted requests, response retransmission (G), Timers H, I, J.
#include <gtest/gtest.h>

#include "tests/unit/sip_txn/txn_fixture.h"

namespace siplab::sip::test {
namespace {

using siplab::testing::make_request;

TEST_F(TxnTest, SilentTuGetsAutomatic100AfterTwoHundredMs) {
  send(make_request("INVITE", "sip:bob@192.0.2.2", "call-t"), bob_udp());
  net_.run_until(std::chrono::seconds(1));
  // INVITE arrives at 10 ms; §17.2.1: 100 Trying 200 ms later.
  EXPECT_EQ(send_times("bob", response_is(100)), (std::vector<int64_t>{210}));
  EXPECT_EQ(timers("bob"), (std::vector<std::string>{"Trying@210"}));
  // alice got it at 220 ms: Timer A stopped before its 500 ms firing.
  EXPECT_EQ(send_times("alice", request_is("INVITE")), (std::vector<int64_t>{0}));
}

TEST_F(TxnTest, RetransmittedInviteIsAbsorbedAndTheLastProvisionalResent) {
  // Every response bob sends is lost, so alice keeps retransmitting.
  net_.set_drop_rule([](const Packet& p) { return p.from_node == "bob"; });
  send(make_request("INVITE", "sip:bob@192.0.2.2", "call-r"), bob_udp());
  net_.run_until(std::chrono::seconds(2));
  // Requests at 10 (new), 510, 1510 (retransmissions); 100 at 210 by the
  // timer, then resent for each retransmission (§17.2.1).
  EXPECT_EQ(send_times("bob", response_is(100)), (std::vector<int64_t>{210, 510, 1510}));
  std::vector<bool> flags;
  for (const Packet* p : net_.sent_by("bob")) flags.push_back(p->retransmit);
  EXPECT_EQ(flags, (std::vector<bool>{false, true, true}));
  EXPECT_EQ(events_of<RequestReceived>("bob").size(), 1u);  // the TU saw it once
  EXPECT_EQ(bob_.counters().absorbed_requests, 2u);
}

TEST_F(TxnTest, ImmediateTryingForAProxy) {
  SipStackConfig proxy_config = siplab::testing::stack_config("192.0.2.3");
  proxy_config.timers.immediate_trying = true;
  SeededRandom random(3);
  SipStack proxy(proxy_config, random);
  net_.attach("proxy", proxy);
  send(make_request("INVITE", "sip:bob@192.0.2.3", "call-px"),
       Target{Transport::Udp, siplab::testing::endpoint("192.0.2.3:5060")});
  net_.run_until(std::chrono::seconds(1));
  EXPECT_EQ(send_times("proxy", response_is(100)), (std::vector<int64_t>{10}));
}

TEST_F(TxnTest, FinalResponseRetransmittedOnTimerGUntilTimerH) {
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e); r && r->txn != kNoTxn) {
      s.send_response(net_.now(), r->txn, make_response(r->request, 603, {}, "bobtag"));
    }
  };
  // Every ACK is lost: bob never leaves Completed.
  net_.set_drop_rule([](const Packet& p) { return p.is_request("ACK"); });
  send(make_request("INVITE", "sip:bob@192.0.2.2", "call-g"), bob_udp());
  net_.run_until(std::chrono::seconds(40));
  // §17.2.1: G from T1 doubling to T2; H = 64*T1 after the 603 (10 ms).
  EXPECT_EQ(send_times("bob", response_is(603)),
            (std::vector<int64_t>{10, 510, 1510, 3510, 7510, 11510, 15510, 19510, 23510, 27510, 31510}));
  const auto failures = events_of<ServerTxnFailed>("bob");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].reason, ServerFailure::NoAck);
  EXPECT_EQ(states("bob", "/INVITE/server"),
            (std::vector<std::string>{"Proceeding@10", "Completed@10", "Terminated@32010"}));
  EXPECT_EQ(timers("bob").back(), "H@32010");
  // alice re-ACKs each retransmitted 603 but passes only the first up.
  EXPECT_EQ(send_times("alice", request_is("ACK")).size(), 11u);
  EXPECT_EQ(events_of<ResponseReceived>("alice").size(), 1u);
}

TEST_F(TxnTest, NonInviteServerResendsLastResponseAndLingersForTimerJ) {
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) s.send_response(net_.now(), r->txn, make_response(r->request, 200, {}, "bobtag"));
  };
  int oks = 0;
  net_.set_drop_rule([&oks](const Packet& p) { return p.is_response(200) && oks++ == 0; });
  send(make_request("OPTIONS", "sip:bob@192.0.2.2", "call-j"), bob_udp());
  net_.run_until(std::chrono::seconds(40));
  EXPECT_EQ(send_times("bob", response_is(200)), (std::vector<int64_t>{10, 510}));
  EXPECT_EQ(events_of<RequestReceived>("bob").size(), 1u);
  EXPECT_EQ(states("bob", "/OPTIONS/server"),
            (std::vector<std::string>{"Trying@10", "Completed@10", "Terminated@32010"}));  // J = 64*T1
  EXPECT_EQ(states("alice", "/OPTIONS/client"),
            (std::vector<std::string>{"Trying@0", "Completed@520", "Terminated@5520"}));  // K = T4
}

TEST_F(TxnTest, ServerRefusesResponsesAfterFinal) {
  TxnId txn = kNoTxn;
  Message req;
  bob_tu_ = [&](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) {
      txn = r->txn;
      req = r->request;
      s.send_response(net_.now(), r->txn, make_response(r->request, 404, {}, "t"));
    }
  };
  send(make_request("OPTIONS", "sip:bob@192.0.2.2", "call-m"), bob_udp());
  net_.run_until(std::chrono::milliseconds(50));
  EXPECT_EQ(bob_.send_response(net_.now(), txn, make_response(req, 200)).error,
            "server transaction is Completed: it takes no more responses");
  EXPECT_EQ(bob_.send_response(net_.now(), 999, make_response(req, 200)).error, "no server transaction with that id");
}

TEST_F(TxnTest, TimersFollowConfiguredT1T2T4) {
  SipStackConfig fast = siplab::testing::stack_config("192.0.2.9");
  fast.timers.t1 = std::chrono::milliseconds(100);
  fast.timers.t2 = std::chrono::milliseconds(300);
  fast.timers.t4 = std::chrono::milliseconds(700);
  SeededRandom random(9);
  SipStack carol(fast, random);
  net_.attach("carol", carol);
  net_.set_drop_rule([](const Packet& p) { return p.from_node == "carol"; });
  ASSERT_TRUE(carol.send_request(net_.now(), make_request("OPTIONS", "sip:bob@192.0.2.2", "c"), bob_udp()).ok());
  net_.drain("carol");
  net_.run_until(std::chrono::seconds(10));
  // E: 100, 200, 300 (cap), 300 ...; F = 64*T1 = 6.4 s.
  std::vector<int64_t> expected{0, 100, 300, 600};
  for (int64_t t = 900; t < 6400; t += 300) expected.push_back(t);
  EXPECT_EQ(send_times("carol", request_is("OPTIONS")), expected);
}

}  // namespace
}  // namespace siplab::sip::test
