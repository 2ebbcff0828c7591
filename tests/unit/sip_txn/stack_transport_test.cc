// The transport duties of the stack (RFC 3261 §18, RFC 3581): Via on
// requests, received/rport on arrival, response routing, parse drops,
// validation answers, and the §18.1.2 Via check on responses.
#include <gtest/gtest.h>

#include "models/sip/message/parser.h"
#include "models/sip/message/serializer.h"
#include "models/sip/transport/branch.h"
#include "tests/support/sip_builders.h"

namespace siplab::sip::test {
namespace {

using siplab::testing::endpoint;

class StackTransportTest : public ::testing::Test {
 protected:
  StackTransportTest() : random_(5), bob_(siplab::testing::stack_config("192.0.2.2"), random_) {}
  std::vector<Transmit> transmits() {
    std::vector<Transmit> out;
    while (auto t = bob_.poll_transmit()) out.push_back(std::move(*t));
    return out;
  }
  std::vector<TuEvent> events() {
    std::vector<TuEvent> out;
    while (auto e = bob_.poll_event()) out.push_back(std::move(*e));
    return out;
  }
  SeededRandom random_;
  SipStack bob_;
};

constexpr std::string_view kNattedOptions =
    "OPTIONS sip:bob@192.0.2.2 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKnat1;rport\r\n"
    "From: <sip:alice@a.example>;tag=a1\r\nTo: <sip:bob@b.example>\r\nCall-ID: nat@a\r\n"
    "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

TEST_F(StackTransportTest, RportAndReceivedAreFilledAndTheResponseFollowsThem) {
  bob_.handle_datagram(Instant{}, endpoint("203.0.113.7:40000"), endpoint("192.0.2.2:5060"), kNattedOptions);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  const auto& req = std::get<RequestReceived>(ev[0]);
  const Via via = *req.request.top_via();
  EXPECT_EQ(via.received(), "203.0.113.7");
  EXPECT_EQ(via.rport(), 40000);
  ASSERT_TRUE(bob_.send_response(Instant{}, req.txn, make_response(req.request, 200, {}, "b")).ok());
  auto out = transmits();
  ASSERT_EQ(out.size(), 1u);
  // RFC 3581 §4: to the source address and port, from where it arrived.
  EXPECT_EQ(out[0].destination, endpoint("203.0.113.7:40000"));
  EXPECT_EQ(out[0].source, endpoint("192.0.2.2:5060"));
  auto response = parse_message(out[0].bytes);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->top_via()->to_string(),
            "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKnat1;rport=40000;received=203.0.113.7");
}

TEST_F(StackTransportTest, ReceivedWithoutRportUsesTheSentByPort) {
  std::string text(kNattedOptions);
  text.replace(text.find(";rport"), 6, "");
  bob_.handle_datagram(Instant{}, endpoint("203.0.113.7:40000"), endpoint("192.0.2.2:5060"), text);
  const auto req = std::get<RequestReceived>(events()[0]);
  EXPECT_EQ(req.request.top_via()->received(), "203.0.113.7");
  EXPECT_FALSE(req.request.top_via()->has_rport());
  bob_.send_response(Instant{}, req.txn, make_response(req.request, 200, {}, "b"));
  EXPECT_EQ(transmits()[0].destination, endpoint("203.0.113.7:5060"));  // §18.2.2
}

TEST_F(StackTransportTest, NoReceivedWhenSentByIsTheSource) {
  std::string text(kNattedOptions);
  text.replace(text.find("10.0.0.5:5060;branch=z9hG4bKnat1;rport"), 38, "192.0.2.1:5070;branch=z9hG4bKnat1");
  bob_.handle_datagram(Instant{}, endpoint("192.0.2.1:5070"), endpoint("192.0.2.2:5060"), text);
  const auto req = std::get<RequestReceived>(events()[0]);
  EXPECT_EQ(req.request.top_via()->received(), std::nullopt);
  bob_.send_response(Instant{}, req.txn, make_response(req.request, 200, {}, "b"));
  EXPECT_EQ(transmits()[0].destination, endpoint("192.0.2.1:5070"));
}

TEST_F(StackTransportTest, UnparseableDatagramIsDroppedAndCounted) {
  bob_.handle_datagram(Instant{}, endpoint("192.0.2.1:5060"), endpoint("192.0.2.2:5060"), "HELLO WORLD\r\n\r\n");
  EXPECT_TRUE(events().empty());
  EXPECT_TRUE(transmits().empty());
  EXPECT_EQ(bob_.transport_counters().parse_errors, 1u);
  auto trace = bob_.poll_trace();
  ASSERT_TRUE(trace.has_value());
  const auto& drop = std::get<MessageEvent>(*trace);
  EXPECT_EQ(drop.action, MessageAction::Dropped);
  EXPECT_EQ(drop.cause, DropCause::ParseError);
  EXPECT_EQ(drop_cause_name(drop.cause), "parse-error");
  EXPECT_EQ(drop.summary.first_line, "HELLO WORLD");
  EXPECT_EQ(drop.bytes, 15u);
}

TEST_F(StackTransportTest, InvalidRequestGetsTheMessageLayersRejection) {
  std::string text(kNattedOptions);
  text.insert(text.find("Max-Forwards"), "Require: frobnicate\r\n");
  bob_.handle_datagram(Instant{}, endpoint("203.0.113.7:40000"), endpoint("192.0.2.2:5060"), text);
  EXPECT_TRUE(events().empty());
  auto out = transmits();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].destination, endpoint("203.0.113.7:40000"));
  auto response = parse_message(out[0].bytes);
  ASSERT_TRUE(response.ok());
  // §8.2.2.3: 420 Bad Extension naming the option tag in Unsupported.
  EXPECT_EQ(response->status_code(), 420);
  EXPECT_EQ(response->header("Unsupported"), "frobnicate");
  EXPECT_EQ(bob_.counters().rejected_requests, 1u);
  EXPECT_EQ(bob_.transaction_count(), 0u);
}

// §17: no response is ever sent to an ACK; one that fails validation (here
// a body type the UAS does not take, which would earn another request a
// 415) is dropped, with validate_request's reason as the drop's.
TEST_F(StackTransportTest, InvalidAckIsDroppedNotAnswered) {
  std::string text(kNattedOptions);
  text.replace(0, 7, "ACK");
  text.replace(text.find("1 OPTIONS"), 9, "1 ACK");
  text.replace(text.find("Content-Length: 0\r\n\r\n"), 21, "Content-Type: application/unknown\r\nContent-Length: 2\r\n\r\nxx");
  bob_.handle_datagram(Instant{}, endpoint("203.0.113.7:40000"), endpoint("192.0.2.2:5060"), text);
  EXPECT_TRUE(events().empty());
  EXPECT_TRUE(transmits().empty());
  EXPECT_EQ(bob_.counters().rejected_requests, 0u);
  bool dropped = false;
  while (auto trace = bob_.poll_trace())
    if (const auto* e = std::get_if<MessageEvent>(&*trace); e && e->action == MessageAction::Dropped) {
      EXPECT_EQ(e->cause, DropCause::Invalid);
      EXPECT_EQ(e->summary.first_line, "ACK sip:bob@192.0.2.2 SIP/2.0");
      dropped = true;
    }
  EXPECT_TRUE(dropped);
}

TEST_F(StackTransportTest, UnsupportedMethodIsAnswered405ByValidation) {
  std::string text(kNattedOptions);
  text.replace(text.find("OPTIONS sip"), 7, "PUBLISH");
  text.replace(text.find("CSeq: 1 OPTIONS"), 15, "CSeq: 1 PUBLISH");
  bob_.handle_datagram(Instant{}, endpoint("192.0.2.1:5060"), endpoint("192.0.2.2:5060"), text);
  auto out = transmits();
  ASSERT_EQ(out.size(), 1u);
  auto response = parse_message(out[0].bytes);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status_code(), 405);
  ASSERT_TRUE(response->header("Allow").has_value());
}

TEST_F(StackTransportTest, RequestsCarryOurViaWithAFreshBranchAndRport) {
  ASSERT_TRUE(bob_.send_request(Instant{}, siplab::testing::make_request("OPTIONS", "sip:a@192.0.2.1", "v1"),
                                Target{Transport::Udp, endpoint("192.0.2.1:5060")}).ok());
  ASSERT_TRUE(bob_.send_request(Instant{}, siplab::testing::make_request("OPTIONS", "sip:a@192.0.2.1", "v2"),
                                Target{Transport::Udp, endpoint("192.0.2.1:5060")}).ok());
  auto out = transmits();
  ASSERT_EQ(out.size(), 2u);
  auto a = parse_message(out[0].bytes);
  auto b = parse_message(out[1].bytes);
  ASSERT_TRUE(a.ok() && b.ok());
  const Via va = *a->top_via();
  EXPECT_EQ(va.transport, "UDP");
  EXPECT_EQ(va.sent_by(), "192.0.2.2:5060");
  EXPECT_TRUE(va.has_rport());
  EXPECT_TRUE(is_rfc3261_branch(*va.branch()));
  EXPECT_EQ(va.branch()->size(), 7u + 12u + 2u);  // cookie, random part, ".1"
  EXPECT_EQ(branch_sequence(*va.branch()), 1u);   // the stack numbers its branches
  EXPECT_EQ(branch_sequence(*b->top_via()->branch()), 2u);
  EXPECT_NE(*va.branch(), *b->top_via()->branch());
}

TEST_F(StackTransportTest, ResponseWithForeignViaIsDropped) {
  constexpr std::string_view foreign =
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKzz\r\n"
      "From: <sip:a@a>;tag=1\r\nTo: <sip:b@b>;tag=2\r\nCall-ID: f\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  bob_.handle_datagram(Instant{}, endpoint("192.0.2.1:5060"), endpoint("192.0.2.2:5060"), foreign);
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(bob_.counters().via_mismatches, 1u);
  // Ours, but no transaction: passed up as a stray response (§18.1.2).
  std::string ours(foreign);
  ours.replace(ours.find("198.51.100.1"), 12, "192.0.2.2");
  bob_.handle_datagram(Instant{}, endpoint("192.0.2.1:5060"), endpoint("192.0.2.2:5060"), ours);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<StrayResponse>(ev[0]));
}

TEST_F(StackTransportTest, TraceRecordsSendsWithRetransmitFlagAndStateChanges) {
  SendResult r = bob_.send_request(Instant{}, siplab::testing::make_request("OPTIONS", "sip:a@192.0.2.1", "t1"),
                                   Target{Transport::Udp, endpoint("192.0.2.1:5060")});
  ASSERT_TRUE(r.ok());
  bob_.handle_timeout(std::chrono::milliseconds(500));
  std::vector<std::string> kinds;
  while (auto e = bob_.poll_trace()) {
    if (auto* m = std::get_if<MessageEvent>(&*e)) {
      kinds.push_back(std::string("send") + (m->retransmit ? "(re)" : "") + "@" + std::to_string(m->t.count() / 1000000) +
                      " " + m->summary.cseq);
    } else if (auto* s = std::get_if<TxnStateChange>(&*e)) {
      kinds.push_back("state " + std::string(state_name(s->to)) + " " + s->txn.substr(s->txn.find('/')));
    } else if (auto* f = std::get_if<TimerFired>(&*e)) {
      kinds.push_back("timer " + std::string(timer_name(f->timer)) + " #" + std::to_string(f->retransmit));
    }
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"state Trying /OPTIONS/client", "send@0 1 OPTIONS", "timer E #1",
                                             "send(re)@500 1 OPTIONS"}));
}

TEST_F(StackTransportTest, TraceObserverReceivesEventsInEmissionOrder) {
  std::vector<std::string> seen;
  bob_.set_trace_observer([&seen](TraceEvent&& e) {
    if (std::holds_alternative<MessageEvent>(e)) seen.push_back("message");
    if (std::holds_alternative<TxnStateChange>(e)) seen.push_back("state");
    if (std::holds_alternative<TimerFired>(e)) seen.push_back("timer");
  });
  bob_.handle_datagram(Instant{}, endpoint("203.0.113.7:40000"), endpoint("192.0.2.2:5060"), kNattedOptions);
  const auto req = std::get<RequestReceived>(events()[0]);
  bob_.send_response(Instant{}, req.txn, make_response(req.request, 200, {}, "b"));
  bob_.handle_timeout(std::chrono::seconds(32));
  // recv, Trying, send 200, Completed, J fires, Terminated.
  EXPECT_EQ(seen, (std::vector<std::string>{"message", "state", "message", "state", "timer", "state"}));
  EXPECT_FALSE(bob_.poll_trace().has_value());
}

TEST_F(StackTransportTest, TracingOffBuildsNoTraceButSendsTheSameBytes) {
  bob_.set_tracing(false);
  EXPECT_FALSE(bob_.tracing());
  bob_.handle_datagram(Instant{}, endpoint("203.0.113.7:40000"), endpoint("192.0.2.2:5060"), kNattedOptions);
  const auto req = std::get<RequestReceived>(events()[0]);
  bob_.send_response(Instant{}, req.txn, make_response(req.request, 200, {}, "b"));
  auto out = transmits();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].destination, endpoint("203.0.113.7:40000"));
  EXPECT_TRUE(out[0].bytes.starts_with("SIP/2.0 200 OK\r\n"));
  EXPECT_FALSE(bob_.poll_trace().has_value());
  EXPECT_EQ(bob_.transport_counters().received, 1u);
  EXPECT_EQ(bob_.transport_counters().sent, 1u);
  // Switched on while the transaction lives: the retransmitted 200 is traced
  // with the summary recovered from its bytes and the transaction's id.
  bob_.set_tracing(true);
  bob_.handle_datagram(std::chrono::milliseconds(500), endpoint("203.0.113.7:40000"), endpoint("192.0.2.2:5060"),
                       kNattedOptions);
  std::vector<std::string> seen;
  while (auto e = bob_.poll_trace()) {
    if (auto* m = std::get_if<MessageEvent>(&*e)) {
      seen.push_back(std::string(m->action == MessageAction::Sent ? "send" : "recv") + (m->retransmit ? "(re) " : " ") +
                     m->summary.first_line + " " + m->summary.cseq + " " + m->summary.branch + " " + m->summary.to_tag);
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"recv OPTIONS sip:bob@192.0.2.2 SIP/2.0 1 OPTIONS z9hG4bKnat1 ",
                                            "send(re) SIP/2.0 200 OK 1 OPTIONS z9hG4bKnat1 b"}));
  bob_.handle_timeout(std::chrono::seconds(33));
  std::vector<std::string> ids;
  while (auto e = bob_.poll_trace()) {
    if (auto* f = std::get_if<TimerFired>(&*e)) ids.push_back("timer " + std::string(timer_name(f->timer)) + " " + f->txn);
    if (auto* s = std::get_if<TxnStateChange>(&*e)) ids.push_back("state " + std::string(state_name(s->to)) + " " + s->txn);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"timer J z9hG4bKnat1/OPTIONS/server",
                                           "state Terminated z9hG4bKnat1/OPTIONS/server"}));
}

}  // namespace
}  // namespace siplab::sip::test

namespace siplab::sip::test {
namespace {

// A proxy's own requests (the CANCEL it sends to the other branches, §16.7
// step 10) are answered with only its Via; those responses are its own to
// consume, while a stray single-Via response has nowhere to go (§16.7 step 3).
TEST(ProxyStackResponses, OwnRequestsSingleViaResponseIsConsumedStrayOneDropped) {
  SeededRandom random(9);
  SipStackConfig config = siplab::testing::stack_config("192.0.2.10");
  config.validation.role = Role::Proxy;
  SipStack proxy(config, random);
  SendResult sent = proxy.send_request(Instant{}, siplab::testing::make_request("OPTIONS", "sip:bob@192.0.2.2", "own@p"),
                                       Target{Transport::Udp, endpoint("192.0.2.2:5060")});
  ASSERT_TRUE(sent.ok()) << sent.error;
  auto out = proxy.poll_transmit();
  ASSERT_TRUE(out);
  auto request = parse_message(out->bytes);
  ASSERT_TRUE(request.ok());
  Message ok = make_response(*request, 200, {}, "t1");
  proxy.handle_datagram(Instant{std::chrono::milliseconds(20)}, endpoint("192.0.2.2:5060"),
                        endpoint("192.0.2.10:5060"), serialize(ok));
  auto event = proxy.poll_event();
  ASSERT_TRUE(event);
  auto* response = std::get_if<ResponseReceived>(&*event);
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(response->txn, sent.txn);
  EXPECT_EQ(response->response.status_code(), 200);

  // A response for a branch we never sent, with only our Via, is dropped.
  Message stray = ok;
  Via via = *stray.top_via();
  via.set_branch("z9hG4bKnever-sent");
  stray.set_top_via(via);
  const uint64_t invalid_before = proxy.counters().invalid_responses;
  proxy.handle_datagram(Instant{std::chrono::milliseconds(30)}, endpoint("192.0.2.2:5060"),
                        endpoint("192.0.2.10:5060"), serialize(stray));
  EXPECT_FALSE(proxy.poll_event());
  EXPECT_EQ(proxy.counters().invalid_responses, invalid_before + 1);
}

}  // namespace
}  // namespace siplab::sip::test

namespace siplab::sip::test {
namespace {

// RFC 4475 §3.1.2.17 (mismatch01): a request the parser rejects, but whose
// Via, From, To, Call-ID and CSeq still parse, gets its 400 statelessly,
// back to where it came from; rows the answer echoes are repaired as RFC
// 4475 suggests (quotbal's missing closing quote, §3.1.2.6).  An
// unparsable ACK or response, or a request without those rows, gets nothing.
class UnparsableRequests : public ::testing::Test {
 protected:
  UnparsableRequests() : random_(3), bob_(siplab::testing::stack_config("192.0.2.2"), random_) {}
  std::vector<Transmit> deliver(std::string_view text) {
    bob_.handle_datagram(Instant{}, endpoint("203.0.113.7:40000"), endpoint("192.0.2.2:5060"), text);
    std::vector<Transmit> out;
    while (auto t = bob_.poll_transmit()) out.push_back(std::move(*t));
    return out;
  }
  SeededRandom random_;
  SipStack bob_;
};

constexpr std::string_view kMismatchedCSeq =
    "OPTIONS sip:bob@192.0.2.2 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKq1;rport\r\n"
    "To: \"Mr. J. User\" <sip:j.user@example.com>\r\n"
    "From: <sip:caller@example.net>;tag=93334\r\nCall-ID: quotbal@a\r\n"
    "CSeq: 8 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

TEST_F(UnparsableRequests, ReadableEnoughRequestGets400BackToItsSource) {
  auto out = deliver(kMismatchedCSeq);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].destination, endpoint("203.0.113.7:40000"));
  auto response = parse_message(out[0].bytes);
  ASSERT_TRUE(response.ok()) << response.error().reason;
  EXPECT_EQ(response->status_code(), 400);
  EXPECT_EQ(response->call_id(), "quotbal@a");
  EXPECT_EQ(response->cseq()->method, "INVITE");
  // RFC 3581 §4: received and rport stamped on the echoed Via.
  EXPECT_EQ(response->top_via()->received(), "203.0.113.7");
  EXPECT_EQ(response->top_via()->rport(), 40000);
  EXPECT_EQ(bob_.counters().rejected_requests, 1u);
  EXPECT_EQ(bob_.transport_counters().parse_errors, 1u);
}

TEST_F(UnparsableRequests, UnterminatedDisplayNameGets400WithTheQuoteInferred) {
  std::string unbalanced(kMismatchedCSeq);
  unbalanced.replace(unbalanced.find("Mr. J. User\""), 12, "Mr. J. User");
  auto out = deliver(unbalanced);
  ASSERT_EQ(out.size(), 1u);
  auto response = parse_message(out[0].bytes);
  ASSERT_TRUE(response.ok()) << response.error().reason;
  EXPECT_EQ(response->status_code(), 400);
  EXPECT_EQ(response->header(HeaderId::To), "\"Mr. J. User\" <sip:j.user@example.com>");
  EXPECT_EQ(response->top_via()->branch(), "z9hG4bKq1");
}

TEST_F(UnparsableRequests, BadVersionGets505) {
  std::string text(kMismatchedCSeq);
  text.replace(text.find("SIP/2.0\r\n"), 7, "SIP/7.0");
  auto out = deliver(text);
  ASSERT_EQ(out.size(), 1u);
  auto response = parse_message(out[0].bytes);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status_code(), 505);
}

// RFC 4475 §3.1.2.18 (mismatch02): an unknown method with a CSeq mismatch
// earns a UAS's 501; a proxy, which forwards unknown methods, answers 400.
TEST_F(UnparsableRequests, UnknownMethodMismatchGets501AtAUasAnd400AtAProxy) {
  std::string text(kMismatchedCSeq);
  text.replace(0, 7, "NEWMETHOD");
  auto out = deliver(text);
  ASSERT_EQ(out.size(), 1u);
  auto uas_answer = parse_message(out[0].bytes);
  ASSERT_TRUE(uas_answer.ok());
  EXPECT_EQ(uas_answer->status_code(), 501);

  SipStackConfig config = siplab::testing::stack_config("192.0.2.2");
  config.validation.role = Role::Proxy;
  SipStack proxy(config, random_);
  proxy.handle_datagram(Instant{}, endpoint("203.0.113.7:40000"), endpoint("192.0.2.2:5060"), text);
  auto sent = proxy.poll_transmit();
  ASSERT_TRUE(sent);
  auto proxy_answer = parse_message(sent->bytes);
  ASSERT_TRUE(proxy_answer.ok());
  EXPECT_EQ(proxy_answer->status_code(), 400);
  EXPECT_EQ(proxy_answer->reason(), "Bad Request");
}

TEST_F(UnparsableRequests, AckResponsesAndHeaderlessRequestsGetNothing) {
  std::string ack(kMismatchedCSeq);
  ack.replace(0, 7, "ACK");
  EXPECT_TRUE(deliver(ack).empty());
  EXPECT_TRUE(deliver("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKx\r\n\r\n").empty());
  EXPECT_TRUE(deliver("INVITE sip:bob@192.0.2.2 SIP/2.0\r\nTo: \"x\r\n\r\n").empty());
  EXPECT_TRUE(deliver("\x01\x02 garbage").empty());
  EXPECT_EQ(bob_.counters().rejected_requests, 0u);
}

}  // namespace
}  // namespace siplab::sip::test

namespace siplab::sip::test {
namespace {

// A dual-stack node: requests to an IPv6 target leave from its IPv6
// address and name it in the Via; responses carrying either address in
// the top Via are its own (§18.1.2).
TEST(DualStackTransport, TheDestinationsFamilyPicksSourceAndVia) {
  SeededRandom random(5);
  SipStackConfig config = siplab::testing::stack_config("192.0.2.2");
  config.transport.address6 = IpAddress::parse("fd00::2");
  SipStack bob(config, random);
  const Target v6{Transport::Udp, endpoint("[fd00::7]:5060")};
  const Target v4{Transport::Udp, endpoint("192.0.2.7:5060")};
  ASSERT_TRUE(bob.send_request(Instant{}, siplab::testing::make_request("OPTIONS", "sip:al@[fd00::7]", "c6"), v6).ok());
  ASSERT_TRUE(bob.send_request(Instant{}, siplab::testing::make_request("OPTIONS", "sip:al@192.0.2.7", "c4"), v4).ok());
  std::vector<Transmit> out;
  while (auto t = bob.poll_transmit()) out.push_back(std::move(*t));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].source, endpoint("[fd00::2]:5060"));
  EXPECT_EQ(out[1].source, endpoint("192.0.2.2:5060"));
  auto request6 = parse_message(out[0].bytes);
  auto request4 = parse_message(out[1].bytes);
  ASSERT_TRUE(request6.ok() && request4.ok());
  EXPECT_EQ(request6->top_via()->host, "fd00::2");
  EXPECT_EQ(request6->top_via()->to_string().substr(0, 28), "SIP/2.0/UDP [fd00::2]:5060;b");
  EXPECT_EQ(request4->top_via()->host, "192.0.2.2");
  // Both answers match their transactions: neither Via is "not ours".
  for (auto* request : {&request6.value(), &request4.value()}) {
    const Message ok = make_response(*request, 200, {}, "t");
    const Endpoint from = request == &request6.value() ? endpoint("[fd00::7]:5060") : endpoint("192.0.2.7:5060");
    bob.handle_datagram(Instant{}, from, request == &request6.value() ? endpoint("[fd00::2]:5060") : endpoint("192.0.2.2:5060"),
                        serialize(ok));
  }
  int finals = 0;
  while (auto e = bob.poll_event())
    if (const auto* r = std::get_if<ResponseReceived>(&*e)) finals += r->response.status_code() == 200;
  EXPECT_EQ(finals, 2);
  EXPECT_EQ(bob.counters().via_mismatches, 0u);
}

}  // namespace
}  // namespace siplab::sip::test

namespace siplab::sip::test {
namespace {

// §8.1.1 / §20 table and RFC 4475 §3.3.8: a response missing To, From,
// Call-ID or CSeq, or repeating one, is dropped before any client
// transaction sees it; the well-formed one that follows is delivered.
TEST(ClientStackResponses, ResponseMissingOrRepeatingMandatoryHeadersIsDropped) {
  SeededRandom random(11);
  SipStack alice(siplab::testing::stack_config("192.0.2.1"), random);
  SendResult sent = alice.send_request(Instant{}, siplab::testing::make_request("OPTIONS", "sip:bob@192.0.2.2", "mand@a"),
                                       Target{Transport::Udp, endpoint("192.0.2.2:5060")});
  ASSERT_TRUE(sent.ok()) << sent.error;
  auto out = alice.poll_transmit();
  ASSERT_TRUE(out);
  auto request = parse_message(out->bytes);
  ASSERT_TRUE(request.ok());
  const std::string ok = serialize(make_response(*request, 200, {}, "t1"));
  auto without = [&](std::string_view name) {
    std::string text = ok;
    const std::size_t at = text.find(std::string("\r\n") + std::string(name) + ":") + 2;
    text.erase(at, text.find("\r\n", at) + 2 - at);
    return text;
  };
  auto repeating = [&](std::string_view row) {
    std::string text = ok;
    text.insert(text.find("\r\n") + 2, std::string(row) + "\r\n");
    return text;
  };
  const std::string bad[] = {without("To"), without("From"), without("Call-ID"), without("CSeq"),
                             repeating("Call-ID: other@a"), repeating("CSeq: 9 OPTIONS")};
  int ms = 10;
  for (const std::string& text : bad) {
    const uint64_t invalid_before = alice.counters().invalid_responses;
    alice.handle_datagram(Instant{std::chrono::milliseconds(ms += 10)}, endpoint("192.0.2.2:5060"),
                          endpoint("192.0.2.1:5060"), text);
    EXPECT_FALSE(alice.poll_event()) << text;
    EXPECT_EQ(alice.counters().invalid_responses, invalid_before + 1) << text;
    EXPECT_EQ(alice.state(sent.txn), TxnState::Trying) << text;
  }
  alice.handle_datagram(Instant{std::chrono::milliseconds(ms + 10)}, endpoint("192.0.2.2:5060"),
                        endpoint("192.0.2.1:5060"), ok);
  auto event = alice.poll_event();
  ASSERT_TRUE(event);
  auto* response = std::get_if<ResponseReceived>(&*event);
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(response->txn, sent.txn);
  EXPECT_EQ(response->response.status_code(), 200);
}

}  // namespace
}  // namespace siplab::sip::test
