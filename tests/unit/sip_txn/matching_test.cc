// Request → server transaction matching (RFC 3261 §17.2.3, with the RFC
// 2543 fallback), CANCEL matching (§9.2), response → client transaction
// matching (§17.1.3); driven by injecting datagrams into one stack.
#include <gtest/gtest.h>

#include <string>

#include "models/sip/message/parser.h"
#include "models/sip/txn/matching.h"
#include "tests/support/sip_builders.h"

namespace siplab::sip::test {
namespace {

using siplab::testing::endpoint;

class MatchingTest : public ::testing::Test {
 protected:
  MatchingTest() : random_(7), bob_(siplab::testing::stack_config("192.0.2.2"), random_) {}

  void inject(const std::string& text, const std::string& from = "192.0.2.1:5060") {
    bob_.handle_datagram(now_, endpoint(from), endpoint("192.0.2.2:5060"), text);
  }
  std::vector<TuEvent> events() {
    std::vector<TuEvent> out;
    while (auto e = bob_.poll_event()) out.push_back(std::move(*e));
    return out;
  }
  std::vector<Transmit> transmits() {
    std::vector<Transmit> out;
    while (auto t = bob_.poll_transmit()) out.push_back(std::move(*t));
    return out;
  }

  Instant now_{};
  SeededRandom random_;
  SipStack bob_;
};

std::string rfc2543(std::string_view method, std::string_view cseq_method, uint32_t cseq,
                    std::string_view to_tag = {}, std::string_view via = "SIP/2.0/UDP 192.0.2.1:5060") {
  std::string m = std::string(method) + " sip:bob@192.0.2.2 SIP/2.0\r\n";
  m += "Via: " + std::string(via) + "\r\n";
  m += "From: <sip:alice@a.example>;tag=a1\r\n";
  m += "To: <sip:bob@b.example>" + (to_tag.empty() ? std::string() : ";tag=" + std::string(to_tag)) + "\r\n";
  m += "Call-ID: c2543@a.example\r\n";
  m += "CSeq: " + std::to_string(cseq) + " " + std::string(cseq_method) + "\r\n";
  m += "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  return m;
}

TEST_F(MatchingTest, Rfc2543InviteRetransmissionAndAckMatchWithoutBranch) {
  inject(rfc2543("INVITE", "INVITE", 7));
  auto first = events();
  ASSERT_EQ(first.size(), 1u);
  const auto& req = std::get<RequestReceived>(first[0]);
  ASSERT_NE(req.txn, kNoTxn);
  EXPECT_EQ(bob_.counters().absorbed_requests, 0u);

  // The same INVITE again (no magic cookie): matched by Request-URI, tags,
  // Call-ID, CSeq and top Via, absorbed.
  inject(rfc2543("INVITE", "INVITE", 7));
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(bob_.counters().absorbed_requests, 1u);

  // A different CSeq is a new transaction.
  inject(rfc2543("INVITE", "INVITE", 8));
  auto second = events();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(std::get<RequestReceived>(second[0]).txn, req.txn);

  ASSERT_TRUE(bob_.send_response(now_, req.txn, make_response(req.request, 486, {}, "b7")).ok());
  transmits();
  // ACK: To tag must equal the tag of our response.  A wrong tag does not
  // match and goes to the TU as an ACK without transaction.
  inject(rfc2543("ACK", "ACK", 7, "other"));
  auto stray = events();
  ASSERT_EQ(stray.size(), 1u);
  EXPECT_EQ(std::get<RequestReceived>(stray[0]).txn, kNoTxn);
  EXPECT_EQ(bob_.state(req.txn), TxnState::Completed);

  inject(rfc2543("ACK", "ACK", 7, "b7"));
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(bob_.state(req.txn), TxnState::Confirmed);
}

TEST_F(MatchingTest, Rfc2543NonInviteRetransmissionGetsTheLastResponse) {
  inject(rfc2543("OPTIONS", "OPTIONS", 3));
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  const auto& req = std::get<RequestReceived>(ev[0]);
  ASSERT_TRUE(bob_.send_response(now_, req.txn, make_response(req.request, 200, {}, "x")).ok());
  ASSERT_EQ(transmits().size(), 1u);
  inject(rfc2543("OPTIONS", "OPTIONS", 3));
  EXPECT_TRUE(events().empty());
  auto resent = transmits();
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_TRUE(resent[0].retransmit);
  EXPECT_TRUE(resent[0].bytes.starts_with("SIP/2.0 200 OK\r\n"));
  // A different top Via (another hop) is another transaction.
  inject(rfc2543("OPTIONS", "OPTIONS", 3, {}, "SIP/2.0/UDP 192.0.2.1:5070"));
  EXPECT_EQ(events().size(), 1u);
}

std::string rfc3261(std::string_view method, std::string_view branch, std::string_view sent_by = "192.0.2.1:5060",
                    uint32_t cseq = 1) {
  std::string m = std::string(method) + " sip:bob@192.0.2.2 SIP/2.0\r\n";
  m += "Via: SIP/2.0/UDP " + std::string(sent_by) + ";branch=" + std::string(branch) + "\r\n";
  m += "From: <sip:alice@a.example>;tag=a1\r\nTo: <sip:bob@b.example>\r\nCall-ID: c3261@a.example\r\n";
  m += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
  m += "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  return m;
}

TEST_F(MatchingTest, BranchAndSentByAndMethodKeyServerTransactions) {
  inject(rfc3261("INVITE", "z9hG4bKabc"));
  inject(rfc3261("INVITE", "z9hG4bKabc"));  // retransmission
  inject(rfc3261("INVITE", "z9hG4bKabc", "192.0.2.1:5070"));  // same branch, other sent-by
  inject(rfc3261("OPTIONS", "z9hG4bKabc"));  // same branch, other method
  auto ev = events();
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(std::get<RequestReceived>(ev[0]).request.method(), "INVITE");
  EXPECT_EQ(std::get<RequestReceived>(ev[1]).request.top_via()->port, 5070);
  EXPECT_EQ(std::get<RequestReceived>(ev[2]).request.method(), "OPTIONS");
  EXPECT_EQ(bob_.counters().absorbed_requests, 1u);
}

TEST_F(MatchingTest, CancelNamesTheInviteItCancels) {
  inject(rfc3261("INVITE", "z9hG4bKinv"));
  const TxnId invite = std::get<RequestReceived>(events()[0]).txn;
  inject(rfc3261("CANCEL", "z9hG4bKinv"));
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  const auto& cancel = std::get<RequestReceived>(ev[0]);
  EXPECT_NE(cancel.txn, invite);  // the CANCEL has its own transaction
  EXPECT_EQ(cancel.cancels, invite);
  // A CANCEL for no INVITE: cancels is empty (the TU answers 481, §9.2).
  inject(rfc3261("CANCEL", "z9hG4bKnone"));
  EXPECT_EQ(std::get<RequestReceived>(events()[0]).cancels, std::nullopt);
}

TEST_F(MatchingTest, Rfc2543CancelMatchesOnCSeqNumberCallIdTagsAndVia) {
  inject(rfc2543("INVITE", "INVITE", 9));
  const TxnId invite = std::get<RequestReceived>(events()[0]).txn;
  inject(rfc2543("CANCEL", "CANCEL", 9));
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<RequestReceived>(ev[0]).cancels, invite);
  inject(rfc2543("CANCEL", "CANCEL", 10));
  EXPECT_EQ(std::get<RequestReceived>(events()[0]).cancels, std::nullopt);
}

TEST(ClientKey, CSeqMethodSeparatesCancelFromInvite) {
  auto invite_ok = parse_message(
      "SIP/2.0 487 Request Terminated\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\n"
      "From: <sip:a@a>;tag=1\r\nTo: <sip:b@b>;tag=2\r\nCall-ID: k\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
  auto cancel_ok = parse_message(
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\n"
      "From: <sip:a@a>;tag=1\r\nTo: <sip:b@b>;tag=2\r\nCall-ID: k\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(invite_ok.ok());
  ASSERT_TRUE(cancel_ok.ok());
  EXPECT_EQ(client_key(*invite_ok), client_key("z9hG4bKx", "INVITE"));
  EXPECT_EQ(client_key(*cancel_ok), client_key("z9hG4bKx", "CANCEL"));
  EXPECT_NE(client_key(*invite_ok), client_key(*cancel_ok));
}

}  // namespace
}  // namespace siplab::sip::test
