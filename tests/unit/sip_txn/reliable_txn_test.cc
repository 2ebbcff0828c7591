// Transactions over TCP (no retransmission timers, D/I/J/K = 0), connection
// reuse, transport errors (503), the §18.1.1 size rule, and CANCEL end to end.
#include <gtest/gtest.h>

#include "models/sip/message/parser.h"
#include "tests/unit/sip_txn/txn_fixture.h"

namespace siplab::sip::test {
namespace {

using siplab::testing::make_request;

TEST_F(TxnTest, InviteOverTcpHasNoRetransmissionsAndZeroTimersDAndI) {
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e); r && r->txn != kNoTxn) {
      s.send_response(net_.now(), r->txn, make_response(r->request, 486, {}, "bobtag"));
    }
  };
  net_.set_drop_rule([](const Packet&) { return true; });  // datagram loss must not matter on TCP
  send(make_request("INVITE", "sip:bob@192.0.2.2", "call-tcp"), bob_tcp());
  net_.run_until(std::chrono::seconds(40));
  EXPECT_EQ(send_times("alice", request_is("INVITE")), (std::vector<int64_t>{0}));
  EXPECT_EQ(states("alice", "/INVITE/client"),
            (std::vector<std::string>{"Calling@0", "Completed@20", "Terminated@20"}));
  EXPECT_EQ(states("bob", "/INVITE/server"),
            (std::vector<std::string>{"Proceeding@10", "Completed@10", "Confirmed@30", "Terminated@30"}));
  // Everything rode one connection, opened once by alice.
  for (const Packet* p : net_.sent_by("alice")) EXPECT_EQ(p->transport, Transport::Tcp);
  for (const Packet* p : net_.sent_by("bob")) EXPECT_EQ(p->transport, Transport::Tcp);
  auto invite = parse_message(net_.sent_by("alice")[0]->bytes);
  ASSERT_TRUE(invite.ok());
  EXPECT_EQ(invite->top_via()->transport, "TCP");
}

TEST_F(TxnTest, NonInviteOverTcpReusesTheConnectionAndEndsAtOnce) {
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) s.send_response(net_.now(), r->txn, make_response(r->request, 200, {}, "t"));
  };
  send(make_request("OPTIONS", "sip:bob@192.0.2.2", "o1"), bob_tcp());
  net_.run_until(std::chrono::seconds(1));
  send(make_request("OPTIONS", "sip:bob@192.0.2.2", "o2"), bob_tcp());
  net_.run_until(std::chrono::seconds(2));
  EXPECT_EQ(send_times("alice", request_is("OPTIONS")), (std::vector<int64_t>{0, 1000}));
  // Both over the same connection: same ephemeral source port in the log.
  const auto sent = net_.sent_by("alice");
  EXPECT_EQ(sent[0]->src.port, sent[1]->src.port);
  EXPECT_EQ(states("alice", "/OPTIONS/client"),
            (std::vector<std::string>{"Trying@0", "Completed@20", "Terminated@20", "Trying@1000",
                                      "Completed@1020", "Terminated@1020"}));  // K = 0
  EXPECT_EQ(states("bob", "/OPTIONS/server"),
            (std::vector<std::string>{"Trying@10", "Completed@10", "Terminated@10", "Trying@1010",
                                      "Completed@1010", "Terminated@1010"}));  // J = 0
  EXPECT_EQ(alice_.transaction_count(), 0u);
  EXPECT_EQ(bob_.transaction_count(), 0u);
}

TEST_F(TxnTest, RefusedConnectionIsATransportErrorReportedAs503) {
  net_.refuse_connections("bob");
  const TxnId id = send(make_request("INVITE", "sip:bob@192.0.2.2", "call-503"), bob_tcp());
  net_.run_until(std::chrono::seconds(1));
  const auto responses = events_of<ResponseReceived>("alice");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].txn, id);
  EXPECT_EQ(responses[0].origin, ResponseOrigin::TransportError);
  EXPECT_EQ(responses[0].response.status_code(), 503);
  EXPECT_EQ(states("alice", "/INVITE/client"), (std::vector<std::string>{"Calling@0", "Terminated@20"}));
}

TEST_F(TxnTest, UnreachableDatagramIsATransportError) {
  const TxnId id = send(make_request("OPTIONS", "sip:bob@192.0.2.2", "icmp"), bob_udp());
  alice_.handle_unreachable(net_.now(), Transport::Udp, siplab::testing::endpoint("192.0.2.2:5060"));
  net_.drain("alice");
  const auto responses = events_of<ResponseReceived>("alice");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].txn, id);
  EXPECT_EQ(responses[0].response.status_code(), 503);
}

TEST_F(TxnTest, LargeUdpRequestMovesToTcp) {
  Message big = make_request("MESSAGE", "sip:bob@192.0.2.2", "big");
  big.set_body(std::string(1400, 'x'), "text/plain");
  send(big, bob_udp());
  ASSERT_EQ(net_.packets().size(), 1u);
  EXPECT_EQ(net_.packets()[0].transport, Transport::Tcp);  // §18.1.1: over 1300 bytes
  auto sent = parse_message(net_.packets()[0].bytes);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->top_via()->transport, "TCP");

  send(make_request("MESSAGE", "sip:bob@192.0.2.2", "small"), bob_udp());
  EXPECT_EQ(net_.packets()[1].transport, Transport::Udp);
}

TEST_F(TxnTest, SizeMovedRequestFallsBackToUdpWhenTcpFails) {
  net_.refuse_connections("bob");
  Message big = make_request("MESSAGE", "sip:bob@192.0.2.2", "fallback");
  big.set_body(std::string(1400, 'x'), "text/plain");
  send(big, bob_udp());
  net_.run_until(std::chrono::milliseconds(25));
  // TCP attempt at 0 fails at 20 ms (one RTT); the same transaction resends
  // over UDP at once (§18.1.1), with a UDP Via and the same branch.
  ASSERT_EQ(net_.packets().size(), 2u);
  EXPECT_EQ(net_.packets()[0].transport, Transport::Tcp);
  EXPECT_EQ(net_.packets()[1].transport, Transport::Udp);
  EXPECT_EQ(ms(net_.packets()[1].sent_at), 20);
  auto tcp = parse_message(net_.packets()[0].bytes);
  auto udp = parse_message(net_.packets()[1].bytes);
  ASSERT_TRUE(tcp.ok() && udp.ok());
  EXPECT_EQ(udp->top_via()->transport, "UDP");
  EXPECT_EQ(udp->top_via()->branch(), tcp->top_via()->branch());
  EXPECT_TRUE(events_of<ResponseReceived>("alice").empty());
  // bob validates MESSAGE as not allowed (405): the answer reaches the transaction.
  net_.run_until(std::chrono::milliseconds(200));
  const auto responses = events_of<ResponseReceived>("alice");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].response.status_code(), 405);
}

TEST_F(TxnTest, ServerTransportErrorWhenTheResponseCannotBeDelivered) {
  TxnId bob_txn = kNoTxn;
  Message bob_request;
  bob_tu_ = [&](SipStack&, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) {
      bob_txn = r->txn;
      bob_request = r->request;
      // alice's connection goes away before bob answers.
      bob_.handle_connection_closed(net_.now(), *r->from.connection, false);
    }
  };
  net_.refuse_connections("alice");
  send(make_request("INVITE", "sip:bob@192.0.2.2", "srv-err"), bob_tcp());
  net_.run_until(std::chrono::milliseconds(50));
  ASSERT_NE(bob_txn, kNoTxn);
  // §18.2.2: a new connection to received / sent-by port — refused.  (A
  // non-INVITE would already be Terminated, J = 0 on TCP; the INVITE waits
  // in Completed for its ACK.)
  ASSERT_TRUE(bob_.send_response(net_.now(), bob_txn, make_response(bob_request, 486, {}, "t")).ok());
  net_.drain("bob");
  ASSERT_EQ(net_.sent_by("bob").size(), 1u);
  EXPECT_EQ(net_.sent_by("bob")[0]->dst, siplab::testing::endpoint("192.0.2.1:5060"));
  net_.run_until(std::chrono::milliseconds(200));
  const auto failures = events_of<ServerTxnFailed>("bob");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].txn, bob_txn);
  EXPECT_EQ(failures[0].reason, ServerFailure::TransportError);
}

TEST_F(TxnTest, ResponseAfterTheConnectionClosedGoesToSentByPortOnANewConnection) {
  TxnId bob_txn = kNoTxn;
  Message bob_request;
  std::optional<ConnectionId> conn;
  bob_tu_ = [&](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e); r && r->txn != kNoTxn) {
      bob_txn = r->txn;
      bob_request = r->request;
      conn = r->from.connection;
      s.send_response(net_.now(), r->txn, make_response(r->request, 180, {}, "t"));
    }
  };
  send(make_request("INVITE", "sip:bob@192.0.2.2", "reroute"), bob_tcp());
  net_.run_until(std::chrono::milliseconds(50));
  ASSERT_TRUE(conn.has_value());
  ASSERT_EQ(net_.sent_by("bob").size(), 1u);
  EXPECT_EQ(net_.sent_by("bob")[0]->dst.port, 49152);  // the 180 rode alice's connection
  bob_.handle_connection_closed(net_.now(), *conn, false);
  ASSERT_TRUE(bob_.send_response(net_.now(), bob_txn, make_response(bob_request, 486, {}, "t")).ok());
  net_.drain("bob");
  ASSERT_EQ(net_.sent_by("bob").size(), 2u);
  // §18.2.2: received address, sent-by port (5060), not the old ephemeral port.
  EXPECT_EQ(net_.sent_by("bob")[1]->dst, siplab::testing::endpoint("192.0.2.1:5060"));
  net_.run_until(std::chrono::milliseconds(100));
  const auto responses = events_of<ResponseReceived>("alice");
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[1].response.status_code(), 486);
}

TEST_F(TxnTest, CancelEndToEnd) {
  std::optional<TxnId> cancelled;
  TxnId bob_invite = kNoTxn;
  Message bob_invite_request;
  bob_tu_ = [&](SipStack& s, TuEvent& e) {
    auto* r = std::get_if<RequestReceived>(&e);
    if (!r || r->txn == kNoTxn) return;
    if (r->request.method() == "INVITE") {
      bob_invite = r->txn;
      bob_invite_request = r->request;
      s.send_response(net_.now(), r->txn, make_response(r->request, 180, {}, "bobtag"));
    } else if (r->request.method() == "CANCEL") {
      cancelled = r->cancels;
      s.send_response(net_.now(), r->txn, make_response(r->request, 200, {}, "bobtag"));
      s.send_response(net_.now(), *r->cancels, make_response(bob_invite_request, 487, {}, "bobtag"));
    }
  };
  const TxnId invite = send(make_request("INVITE", "sip:bob@192.0.2.2", "call-x"), bob_udp());
  // Before any provisional the CANCEL must wait (§9.1).
  EXPECT_EQ(alice_.send_cancel(net_.now(), invite).error, "INVITE transaction is Calling, not Proceeding");
  net_.run_until(std::chrono::milliseconds(100));
  SendResult cancel = alice_.send_cancel(net_.now(), invite);
  ASSERT_TRUE(cancel.ok()) << cancel.error;
  net_.drain("alice");
  net_.run_until(std::chrono::milliseconds(300));
  EXPECT_EQ(cancelled, bob_invite);

  // The CANCEL reuses the INVITE's branch and CSeq number (§9.1).
  const Packet* cancel_packet = nullptr;
  for (const Packet* p : net_.sent_by("alice")) if (p->is_request("CANCEL")) cancel_packet = p;
  ASSERT_NE(cancel_packet, nullptr);
  auto c = parse_message(cancel_packet->bytes);
  auto i = parse_message(net_.sent_by("alice")[0]->bytes);
  ASSERT_TRUE(c.ok() && i.ok());
  EXPECT_EQ(c->top_via(), i->top_via());
  EXPECT_EQ(c->cseq(), (CSeq{1, "CANCEL"}));

  // alice: 180, 200 (CANCEL), 487 (INVITE) each reach the right transaction.
  const auto responses = events_of<ResponseReceived>("alice");
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].response.status_code(), 180);
  EXPECT_EQ(responses[1].response.status_code(), 200);
  EXPECT_EQ(responses[1].txn, cancel.txn);
  EXPECT_EQ(responses[2].response.status_code(), 487);
  EXPECT_EQ(responses[2].txn, invite);
  EXPECT_EQ(send_times("alice", request_is("ACK")).size(), 1u);
}

}  // namespace
}  // namespace siplab::sip::test
