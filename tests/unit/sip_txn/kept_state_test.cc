// What a transaction keeps, and for how long: a node holds thousands of
// transactions waiting for Timer J or K, so only what a later step reads is
// kept (RFC 3261 §17.1.2.2, §17.2.2).
#include "models/sip/message/parser.h"
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
  Message invite = make_request("INVITE", "sip:bob@192.0.2.2", "call-moved");
  const SendResult r = alice_.send_request_from(net_.now(), invite, bob_udp());
  ASSERT_TRUE(r.ok()) << r.error;
  const Message* kept = alice_.request(r.txn);  // an INVITE client builds its ACK and CANCEL from it
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->call_id(), "call-moved");
  ASSERT_EQ(kept->headers().front().id, HeaderId::Via);
  EXPECT_TRUE(kept->headers().front().value.starts_with("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK"));
  EXPECT_TRUE(kept->headers().front().value.ends_with(";rport"));
}

TEST_F(TxnTest, NonInviteClientKeepsOnlyTheBytesItSent) {
  bob_tu_ = [this](SipStack& s, TuEvent& e) {
    if (auto* r = std::get_if<RequestReceived>(&e)) s.send_response(net_.now(), r->txn, make_response(r->request, 200, {}, "b"));
  };
  const TxnId txn = send(make_request("OPTIONS", "sip:bob@192.0.2.2", "call-k"), bob_udp());
  EXPECT_EQ(alice_.state(txn), TxnState::Trying);
  EXPECT_EQ(alice_.request(txn), nullptr);  // Timer E resends the bytes; Timer F's 408 is built from them
  net_.run_until(std::chrono::milliseconds(100));
  EXPECT_EQ(alice_.state(txn), TxnState::Completed);
  EXPECT_EQ(alice_.request(txn), nullptr);  // Completed only absorbs (§17.1.2.2)
  net_.run_until(std::chrono::seconds(6));
  EXPECT_EQ(alice_.state(txn), std::nullopt);  // Timer K
}

// The rows §8.2.6.2 copies into a response, as "Name: value".
std::vector<std::string> reply_rows(const Message& m) {
  std::vector<std::string> rows;
  for (const Header& h : m.headers()) {
    if (h.id == HeaderId::Via || h.id == HeaderId::From || h.id == HeaderId::To || h.id == HeaderId::CallId ||
        h.id == HeaderId::CSeq)
      rows.push_back(std::string(h.name) + ": " + std::string(h.value));
  }
  return rows;
}

TEST_F(TxnTest, NonInviteTimeoutAnswersFromTheBytesItSent) {
  net_.set_drop_rule([](const Packet& p) { return p.from_node == "alice"; });
  Message options = make_request("OPTIONS", "sip:bob@192.0.2.2", "call-f");
  options.add_header("Via", "SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bKupstream");  // as a proxy forwards it
  send(options, bob_udp());
  net_.run_until(std::chrono::seconds(33));
  const auto responses = events_of<ResponseReceived>("alice");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].response.status_code(), 408);
  EXPECT_EQ(responses[0].origin, ResponseOrigin::Timeout);
  // §8.1.3.1: the 408 looks like one from the peer: the request's Vias
  // (ours on top), From, To, Call-ID and CSeq, exactly as they were sent.
  const auto sent = parse_message(net_.sent_by("alice").front()->bytes);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(reply_rows(responses[0].response), reply_rows(sent.value()));
  EXPECT_EQ(reply_rows(responses[0].response).size(), 6u);
}

TEST_F(TxnTest, NonInviteTimeoutAnswersEvenWhenOurParserRefusesWhatTheTuBuilt) {
  // A From with an unclosed display-name quote: the stack sends what the
  // TU built, and its own parser would refuse those bytes (RFC 4475
  // §3.1.2.6); the 408 still carries the rows, read the salvage way.
  net_.set_drop_rule([](const Packet& p) { return p.from_node == "alice"; });
  Message options = make_request("OPTIONS", "sip:bob@192.0.2.2", "call-q");
  options.set_header("From", "\"Alice <sip:alice@192.0.2.1>;tag=q1");
  send(options, bob_udp());
  ASSERT_FALSE(parse_message(net_.sent_by("alice").front()->bytes).ok());
  net_.run_until(std::chrono::seconds(33));
  const auto responses = events_of<ResponseReceived>("alice");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].response.status_code(), 408);
  EXPECT_EQ(responses[0].response.call_id(), "call-q");
  ASSERT_TRUE(responses[0].response.cseq().has_value());
  EXPECT_EQ(responses[0].response.cseq()->method, "OPTIONS");
  ASSERT_TRUE(responses[0].response.top_via().has_value());
  EXPECT_TRUE(responses[0].response.top_via()->branch().has_value());
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
