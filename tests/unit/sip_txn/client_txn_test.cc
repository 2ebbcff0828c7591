// Client transactions (RFC 3261 §17.1): retransmission instants, timeouts,
// ACK for non-2xx, reliable transports.
#include <gtest/gtest.h>

#include "models/sip/message/parser.h"
#include "tests/unit/sip_txn/txn_fixture.h"

namespace siplab::sip::test {
namespace {

using siplab::testing::make_request;

TEST_F(TxnTest, InviteRetransmitsAtTimerAInstantsAndTimesOutWithTimerB) {
  net_.set_drop_rule([](const Packet& p) { return p.from_node == "alice"; });
  const TxnId id = send(make_request("INVITE", "sip:bob@192.0.2.2", "call-a"), bob_udp());
  net_.run_until(std::chrono::seconds(40));

  // §17.1.1.2 with T1 = 500 ms: A doubles from T1, B = 64*T1 = 32 s.
  EXPECT_EQ(send_times("alice", request_is("INVITE")),
            (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  std::vector<bool> flags;
  for (const Packet* p : net_.sent_by("alice")) flags.push_back(p->retransmit);
  EXPECT_EQ(flags, (std::vector<bool>{false, true, true, true, true, true, true}));
  EXPECT_EQ(timers("alice"), (std::vector<std::string>{"A@500", "A@1500", "A@3500", "A@7500", "A@15500",
                                                       "A@31500", "B@32000"}));
  EXPECT_EQ(states("alice", "/INVITE/client"), (std::vector<std::string>{"Calling@0", "Terminated@32000"}));

  const auto responses = events_of<ResponseReceived>("alice");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].txn, id);
  EXPECT_EQ(responses[0].origin, ResponseOrigin::Timeout);
  EXPECT_EQ(responses[0].response.status_code(), 408);
  EXPECT_EQ(responses[0].response.call_id(), "call-a");
  ASSERT_EQ(events_of<TxnTerminated>("alice").size(), 1u);
  EXPECT_EQ(alice_.transaction_count(), 0u);
  EXPECT_EQ(alice_.poll_timeout(), std::nullopt);
}

TEST_F(TxnTest, NonInviteRetransmissionsAreCappedAtT2AndTimerFGives408) {
  net_.set_drop_rule([](const Packet& p) { return p.from_node == "alice"; });
  send(make_request("OPTIONS", "sip:bob@192.0.2.2", "call-o"), bob_udp());
  net_.run_until(std::chrono::seconds(40));

  // §17.1.2.2: E doubles from T1 up to T2 = 4 s; F = 64*T1.
  EXPECT_EQ(send_times("alice", request_is("OPTIONS")),
            (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
  const auto responses = events_of<ResponseReceived>("alice");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].response.status_code(), 408);
  EXPECT_EQ(responses[0].origin, ResponseOrigin::Timeout);
  EXPECT_EQ(timers("alice").back(), "F@32000");
}

TEST_F(TxnTest, NonInviteRetransmitsEveryT2OnceProceeding) {
  // bob answers 100 at once but never a final; alice's 100 arrives at 20 ms.
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) s.send_response(net_.now(), r->txn, make_response(r->request, 100));
  };
  send(make_request("OPTIONS", "sip:bob@192.0.2.2", "call-p"), bob_udp());
  net_.run_until(std::chrono::seconds(40));
  // E fires at 500 ms in Proceeding → reset to T2: 4.5, 8.5, ... (§17.1.2.2).
  EXPECT_EQ(send_times("alice", request_is("OPTIONS")),
            (std::vector<int64_t>{0, 500, 4500, 8500, 12500, 16500, 20500, 24500, 28500}));
  EXPECT_EQ(states("alice", "/OPTIONS/client"),
            (std::vector<std::string>{"Trying@0", "Proceeding@20", "Terminated@32000"}));
  // The 100 for each retransmission is passed up each time (§17.1.2.2).
  EXPECT_EQ(events_of<ResponseReceived>("alice").size(), 9u + 1u);
}

TEST_F(TxnTest, ProvisionalStopsTimersAAndB) {
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) s.send_response(net_.now(), r->txn, make_response(r->request, 180, {}, "bobtag"));
  };
  const TxnId id = send(make_request("INVITE", "sip:bob@192.0.2.2", "call-b"), bob_udp());
  net_.run_until(std::chrono::seconds(60));
  EXPECT_EQ(send_times("alice", request_is("INVITE")), (std::vector<int64_t>{0}));
  EXPECT_EQ(alice_.state(id), TxnState::Proceeding);  // no timer in Proceeding (Figure 5)
  EXPECT_TRUE(timers("alice").empty());
}

TEST_F(TxnTest, NonTwoHundredFinalIsAckedHopByHopAndTimerDAbsorbsRetransmissions) {
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e); r && r->txn != kNoTxn) {
      s.send_response(net_.now(), r->txn, make_response(r->request, 486, {}, "bobtag"));
    }
  };
  Message invite = make_request("INVITE", "sip:bob@192.0.2.2", "call-c");
  invite.add_header("Route", "<sip:proxy.example;lr>");
  send(invite, bob_udp());
  net_.run_until(std::chrono::seconds(40));

  // alice: INVITE at 0, ACK at 20 ms; bob: 486 at 10 ms; ACK arrives at 30.
  EXPECT_EQ(send_times("alice", request_is("ACK")), (std::vector<int64_t>{20}));
  EXPECT_EQ(states("alice", "/INVITE/client"),
            (std::vector<std::string>{"Calling@0", "Completed@20", "Terminated@32020"}));  // D = 32 s
  EXPECT_EQ(states("bob", "/INVITE/server"),
            (std::vector<std::string>{"Proceeding@10", "Completed@10", "Confirmed@30", "Terminated@5030"}));  // I = T4
  EXPECT_EQ(events_of<RequestReceived>("bob").size(), 1u);  // the ACK was absorbed

  // §17.1.1.3: the ACK's exact form.
  const Packet* ack = nullptr;
  for (const Packet* p : net_.sent_by("alice")) if (p->is_request("ACK")) ack = p;
  ASSERT_NE(ack, nullptr);
  auto parsed = parse_message(ack->bytes);
  ASSERT_TRUE(parsed.ok());
  std::optional<Message> original;
  for (const Packet* p : net_.sent_by("alice")) {
    if (p->is_request("INVITE")) original = *parse_message(p->bytes);
  }
  ASSERT_TRUE(original.has_value());
  EXPECT_EQ(parsed->request_uri(), original->request_uri());
  EXPECT_EQ(parsed->vias().size(), 1u);
  EXPECT_EQ(parsed->top_via(), original->top_via());
  EXPECT_EQ(parsed->to_tag(), "bobtag");
  EXPECT_EQ(parsed->from_tag(), "fromtag1");
  EXPECT_EQ(parsed->call_id(), "call-c");
  EXPECT_EQ(parsed->cseq(), (CSeq{1, "ACK"}));
  ASSERT_EQ(parsed->routes().size(), 1u);
  EXPECT_EQ(parsed->routes()[0].uri.host, "proxy.example");
  EXPECT_EQ(parsed->max_forwards(), 70u);
  EXPECT_EQ(parsed->body(), "");
}

TEST_F(TxnTest, RetransmittedFinalInCompletedGetsTheAckAgainAndIsNotPassedUp) {
  // alice's first ACK is lost, so bob's Timer G resends the 486 at 510 ms;
  // alice (Completed) re-sends the ACK and does not pass the 486 up again.
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e); r && r->txn != kNoTxn) {
      s.send_response(net_.now(), r->txn, make_response(r->request, 486, {}, "bobtag"));
    }
  };
  int acks = 0;
  net_.set_drop_rule([&acks](const Packet& p) { return p.is_request("ACK") && acks++ == 0; });
  send(make_request("INVITE", "sip:bob@192.0.2.2", "call-d"), bob_udp());
  net_.run_until(std::chrono::seconds(40));
  EXPECT_EQ(send_times("bob", response_is(486)), (std::vector<int64_t>{10, 510}));
  EXPECT_EQ(send_times("alice", request_is("ACK")), (std::vector<int64_t>{20, 520}));
  EXPECT_EQ(events_of<ResponseReceived>("alice").size(), 1u);
  EXPECT_EQ(alice_.counters().absorbed_responses, 1u);
  EXPECT_EQ(timers("bob"), (std::vector<std::string>{"G@510", "I@5530"}));
  EXPECT_EQ(states("bob", "/INVITE/server"),
            (std::vector<std::string>{"Proceeding@10", "Completed@10", "Confirmed@530", "Terminated@5530"}));
}

TEST_F(TxnTest, TwoHundredEndsInviteClientAndLateRetransmissionIsStray) {
  TxnId bob_txn = kNoTxn;
  Message bob_request;
  InboundContext bob_path;
  bob_tu_ = [&](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e); r && r->txn != kNoTxn) {
      bob_txn = r->txn;
      bob_request = r->request;
      bob_path = r->from;
      s.send_response(net_.now(), r->txn, make_response(r->request, 200, {}, "bobtag"));
    }
  };
  const TxnId id = send(make_request("INVITE", "sip:bob@192.0.2.2", "call-e"), bob_udp());
  net_.run_until(std::chrono::milliseconds(100));
  EXPECT_EQ(alice_.state(id), std::nullopt);  // Terminated on 2xx (§17.1.1.2)
  EXPECT_EQ(bob_.state(bob_txn), std::nullopt);
  ASSERT_EQ(events_of<ResponseReceived>("alice").size(), 1u);

  // bob's UA core retransmits the 2xx itself (§13.3.1.4): alice's stack has
  // no transaction left, so the UA core gets it as a stray response.
  ASSERT_TRUE(bob_.send_stateless_response(net_.now(), make_response(bob_request, 200, {}, "bobtag"), bob_path).ok());
  net_.drain("bob");
  net_.run_for(std::chrono::milliseconds(100));
  const auto strays = events_of<StrayResponse>("alice");
  ASSERT_EQ(strays.size(), 1u);
  EXPECT_EQ(strays[0].response.status_code(), 200);

  // The ACK for the 2xx is sent outside any transaction and reaches bob's TU
  // with no transaction (§17.2.3).
  Message ack = make_request("ACK", "sip:bob@192.0.2.2", "call-e");
  ack.set_to_tag("bobtag");
  ASSERT_TRUE(alice_.send_stateless_request(net_.now(), ack, bob_udp()).ok());
  net_.drain("alice");
  net_.run_for(std::chrono::milliseconds(100));
  const auto requests = events_of<RequestReceived>("bob");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].request.method(), "ACK");
  EXPECT_EQ(requests[1].txn, kNoTxn);
}

TEST_F(TxnTest, RejectsRequestsItCannotStart) {
  Message bad = make_request("INVITE", "sip:bob@192.0.2.2", "x");
  bad.set_cseq(CSeq{1, "BYE"});
  EXPECT_EQ(alice_.send_request(net_.now(), bad, bob_udp()).error, "CSeq method differs from the request method");
  EXPECT_EQ(alice_.send_request(net_.now(), make_request("ACK", "sip:bob@192.0.2.2", "x"), bob_udp()).error,
            "ACK is not sent in a transaction (use send_stateless_request)");
  EXPECT_EQ(alice_.send_cancel(net_.now(), 42).error, "no INVITE client transaction with that id");
  EXPECT_EQ(alice_.transaction_count(), 0u);
}

}  // namespace
}  // namespace siplab::sip::test
