// What a transaction keeps, and for how long: a node holds thousands of
// transactions waiting for Timer J or K, so only what a later step reads is
// kept (RFC 3261 §17.1.2.2, §17.2.2).
#include "tests/unit/sip_txn/txn_fixture.h"

namespace siplab::sip::test {
namespace {

using siplab::testing::make_request;

TEST_F(TxnTest, SendRequestFromLeavesARefusedRequestAsItWas) {
  Message ack = make_request("ACK", "sip:bob@192.0.2.2", "call-refused");
  const Message before = ack;
  const SendResult r = alice_.send_request_from(net_.now(), ack, bob_udp());
  EXPECT_EQ(r.error, "ACK is not sent in a transaction (use send_stateless_request)");
  EXPECT_EQ(ack, before);
  EXPECT_EQ(alice_.transaction_count(), 0u);
}

TEST_F(TxnTest, SendRequestFromMovesTheRequestIntoTheTransaction) {
  Message options = make_request("OPTIONS", "sip:bob@192.0.2.2", "call-moved");
  const SendResult r = alice_.send_request_from(net_.now(), options, bob_udp());
  ASSERT_TRUE(r.ok()) << r.error;
  const Message* kept = alice_.request(r.txn);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->call_id(), "call-moved");
  ASSERT_EQ(kept->headers().front().id, HeaderId::Via);
  EXPECT_TRUE(kept->headers().front().value.starts_with("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK"));
  EXPECT_TRUE(kept->headers().front().value.ends_with(";rport"));
}

TEST_F(TxnTest, NonInviteClientDropsItsRequestOnceCompleted) {
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) s.send_response(net_.now(), r->txn, make_response(r->request, 200, {}, "b"));
  };
  const TxnId txn = send(make_request("OPTIONS", "sip:bob@192.0.2.2", "call-k"), bob_udp());
  EXPECT_NE(alice_.request(txn), nullptr);  // Trying: Timer E may resend, Timer F answers 408 from it
  net_.run_until(std::chrono::milliseconds(100));
  EXPECT_EQ(alice_.state(txn), TxnState::Completed);
  EXPECT_EQ(alice_.request(txn), nullptr);  // Completed only absorbs (§17.1.2.2)
  net_.run_until(std::chrono::seconds(6));
  EXPECT_EQ(alice_.state(txn), std::nullopt);  // Timer K
}

TEST_F(TxnTest, ServerKeepsTheRequestOnlyForInvite) {
  std::vector<RequestReceived> received;
  bob_tu_ = [&](SipStack&, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) received.push_back(*r);
  };
  send(make_request("OPTIONS", "sip:bob@192.0.2.2", "call-o"), bob_udp());
  send(make_request("INVITE", "sip:bob@192.0.2.2", "call-i"), bob_udp());
  net_.run_until(std::chrono::milliseconds(50));
  ASSERT_EQ(received.size(), 2u);
  // The TU has the OPTIONS; its transaction answers from its own state.
  EXPECT_EQ(bob_.request(received[0].txn), nullptr);
  EXPECT_EQ(bob_.state(received[0].txn), TxnState::Trying);
  // The INVITE's sends its own 100 Trying (§17.2.1) and matches CANCELs from it.
  const Message* invite = bob_.request(received[1].txn);
  ASSERT_NE(invite, nullptr);
  EXPECT_EQ(invite->method(), "INVITE");
  EXPECT_EQ(invite->call_id(), "call-i");
  // The OPTIONS is still answered along its top Via (§18.2.2).
  const int64_t answered_at = ms(net_.now());
  EXPECT_TRUE(bob_.send_response(net_.now(), received[0].txn, make_response(received[0].request, 200, {}, "b")).ok());
  net_.drain("bob");
  net_.run_until(std::chrono::milliseconds(300));
  EXPECT_EQ(send_times("bob", response_is(200)), (std::vector<int64_t>{answered_at}));
  EXPECT_EQ(send_times("bob", response_is(100)), (std::vector<int64_t>{210}));
  std::vector<int> codes;
  for (const auto& r : events_of<ResponseReceived>("alice")) codes.push_back(r.response.status_code());
  EXPECT_EQ(codes, (std::vector<int>{200, 100}));
}

}  // namespace
}  // namespace siplab::sip::test
