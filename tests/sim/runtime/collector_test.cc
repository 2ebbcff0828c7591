// The collector's exact trace.jsonl lines for each kind of observation.
#include <gtest/gtest.h>

#include <sstream>

#include "models/dns/records.h"
#include "sim/trace/collector.h"

namespace siplab::trace {
namespace {

using namespace std::chrono_literals;

const Endpoint kA{*IpAddress::parse("10.0.0.1"), 5060};
const Endpoint kB{*IpAddress::parse("10.0.0.2"), 5060};

struct Fixture {
  std::ostringstream out;
  TraceWriter writer{out};
  Collector collector{writer};
};

TEST(Collector, NodeInfoLine) {
  Fixture f;
  f.collector.node_info("proxy", "proxy (domain.ru)", {"proxy", "registrar"}, {*IpAddress::parse("192.0.2.10")});
  EXPECT_EQ(f.out.str(),
            "{\"t\":0,\"node\":\"proxy\",\"kind\":\"node.info\",\"label\":\"proxy (domain.ru)\","
            "\"roles\":[\"proxy\",\"registrar\"],\"addresses\":[\"192.0.2.10\"]}\n");
}

TEST(Collector, SipSendCarriesEverySummaryFieldAndTheText) {
  Fixture f;
  sip::MessageEvent m;
  m.t = 5015ms;
  m.action = sip::MessageAction::Sent;
  m.src = kA;
  m.dst = kB;
  m.bytes = 12;
  m.retransmit = true;
  m.summary = {"OPTIONS sip:b SIP/2.0", "c1", "1 OPTIONS", "z9hG4bK1", "ft", ""};
  m.text = "OPTIONS sip:b SIP/2.0\r\n";
  f.collector.node_trace("a", sip::NodeTrace{sip::TraceEvent{m}});
  EXPECT_EQ(f.out.str(),
            "{\"t\":5.015,\"node\":\"a\",\"kind\":\"sip.send\",\"transport\":\"UDP\",\"src\":\"10.0.0.1:5060\","
            "\"dst\":\"10.0.0.2:5060\",\"bytes\":12,\"first_line\":\"OPTIONS sip:b SIP/2.0\",\"call_id\":\"c1\","
            "\"cseq\":\"1 OPTIONS\",\"branch\":\"z9hG4bK1\",\"from_tag\":\"ft\",\"to_tag\":\"\","
            "\"retransmit\":true,\"msg\":\"OPTIONS sip:b SIP/2.0\\r\\n\"}\n");
}

TEST(Collector, ParseErrorIsASipDropAndOtherDiscardsAreNot) {
  Fixture f;
  sip::MessageEvent m;
  m.t = 1s;
  m.action = sip::MessageAction::Dropped;
  m.cause = sip::DropCause::ParseError;
  m.detail = "bad header at 12";
  m.src = kA;
  m.dst = kB;
  m.bytes = 3;
  m.summary.first_line = "BAD";
  m.text = "BAD";
  f.collector.node_trace("b", sip::NodeTrace{sip::TraceEvent{m}});
  m.cause = sip::DropCause::ViaMismatch;
  m.detail.clear();
  f.collector.node_trace("b", sip::NodeTrace{sip::TraceEvent{m}});
  EXPECT_EQ(f.out.str(),
            "{\"t\":1,\"node\":\"b\",\"kind\":\"sip.drop\",\"cause\":\"parse-error\",\"detail\":\"bad header at "
            "12\",\"transport\":\"UDP\",\"src\":\"10.0.0.1:5060\",\"dst\":\"10.0.0.2:5060\",\"bytes\":3,"
            "\"first_line\":\"BAD\",\"call_id\":\"\",\"cseq\":\"\",\"branch\":\"\",\"from_tag\":\"\",\"to_tag\":"
            "\"\",\"msg\":\"BAD\"}\n"
            "{\"t\":1,\"node\":\"b\",\"kind\":\"sip.discard\",\"cause\":\"via-mismatch\",\"transport\":\"UDP\","
            "\"src\":\"10.0.0.1:5060\",\"dst\":\"10.0.0.2:5060\",\"bytes\":3,\"first_line\":\"BAD\",\"call_id\":"
            "\"\",\"cseq\":\"\",\"branch\":\"\",\"from_tag\":\"\",\"to_tag\":\"\",\"msg\":\"BAD\"}\n");
}

TEST(Collector, TransactionStateAndTimerLines) {
  Fixture f;
  f.collector.node_trace("a", sip::NodeTrace{sip::TraceEvent{sip::TxnStateChange{
                                  1s, "z9hG4bK1/OPTIONS/client", sip::TxnState::Calling, sip::TxnState::Trying, true}}});
  f.collector.node_trace("a", sip::NodeTrace{sip::TraceEvent{sip::TxnStateChange{
                                  2s, "z9hG4bK1/OPTIONS/client", sip::TxnState::Trying, sip::TxnState::Completed}}});
  f.collector.node_trace(
      "a", sip::NodeTrace{sip::TraceEvent{sip::TimerFired{2500ms, "z9hG4bK1/OPTIONS/client", sip::TimerName::E, 3}}});
  f.collector.node_trace(
      "a", sip::NodeTrace{sip::TraceEvent{sip::TimerFired{7s, "z9hG4bK1/OPTIONS/client", sip::TimerName::K, 0}}});
  EXPECT_EQ(f.out.str(),
            "{\"t\":1,\"node\":\"a\",\"kind\":\"txn.state\",\"txn\":\"z9hG4bK1/OPTIONS/client\",\"from\":\"\","
            "\"to\":\"Trying\"}\n"
            "{\"t\":2,\"node\":\"a\",\"kind\":\"txn.state\",\"txn\":\"z9hG4bK1/OPTIONS/client\",\"from\":"
            "\"Trying\",\"to\":\"Completed\"}\n"
            "{\"t\":2.5,\"node\":\"a\",\"kind\":\"timer.fire\",\"txn\":\"z9hG4bK1/OPTIONS/client\",\"timer\":\"E\","
            "\"retransmit\":3}\n"
            "{\"t\":7,\"node\":\"a\",\"kind\":\"timer.fire\",\"txn\":\"z9hG4bK1/OPTIONS/client\",\"timer\":\"K\"}\n");
}

TEST(Collector, ResolverQueryAnswerAndTimeoutLines) {
  Fixture f;
  const Endpoint local{*IpAddress::parse("10.0.0.1"), 5353};
  const Endpoint server{*IpAddress::parse("10.0.0.9"), 53};
  dns::ResolverEvent q;
  q.kind = dns::ResolverEventKind::QuerySent;
  q.at = 1s;
  q.id = 4;
  q.message_id = 40000;
  q.name = "domain.ru.";
  q.type = dns::RrType::A;
  q.attempt = 1;
  q.server = server;
  f.collector.node_trace("a", sip::NodeTrace{sip::ResolverTrace{q, local}});
  dns::ResolverEvent a = q;
  a.kind = dns::ResolverEventKind::Answer;
  a.at = 1010ms;
  a.status = dns::LookupStatus::NxDomain;
  f.collector.node_trace("a", sip::NodeTrace{sip::ResolverTrace{a, local}});
  dns::ResolverEvent t = q;
  t.kind = dns::ResolverEventKind::Timeout;
  t.at = 3s;
  t.attempt = 2;
  f.collector.node_trace("a", sip::NodeTrace{sip::ResolverTrace{t, local}});
  EXPECT_EQ(f.out.str(),
            "{\"t\":1,\"node\":\"a\",\"kind\":\"dns.query\",\"src\":\"10.0.0.1:5353\",\"dst\":\"10.0.0.9:53\","
            "\"id\":40000,\"lookup\":4,\"name\":\"domain.ru.\",\"type\":\"A\",\"attempt\":1}\n"
            "{\"t\":1.01,\"node\":\"a\",\"kind\":\"dns.answer\",\"src\":\"10.0.0.9:53\",\"dst\":\"10.0.0.1:5353\","
            "\"id\":40000,\"lookup\":4,\"name\":\"domain.ru.\",\"type\":\"A\",\"rcode\":\"NXDOMAIN\",\"answers\":[]}\n"
            "{\"t\":3,\"node\":\"a\",\"kind\":\"dns.timeout\",\"name\":\"domain.ru.\",\"type\":\"A\",\"server\":"
            "\"10.0.0.9:53\",\"attempt\":2}\n");
}

TEST(Collector, TuTraceKindsAreWrittenVerbatim) {
  Fixture f;
  sip::TuTrace t;
  t.t = 5s;
  t.kind = "call.event";
  t.fields = {{"call", int64_t{1}}, {"event", std::string("failed")}, {"call_id", std::string("c1")},
              {"code", int64_t{486}}};
  f.collector.node_trace("peter-pc", sip::NodeTrace{t});
  EXPECT_EQ(f.out.str(),
            "{\"t\":5,\"node\":\"peter-pc\",\"kind\":\"call.event\",\"call\":1,\"event\":\"failed\",\"call_id\":"
            "\"c1\",\"code\":486}\n");
}

TEST(Collector, LinkDropOfASipDatagramIsSummarizedFromItsPayload) {
  Fixture f;
  const std::string payload =
      "OPTIONS sip:ivan@10.0.0.2 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:peter@example.org>;tag=ft\r\n"
      "To: <sip:ivan@10.0.0.2>\r\n"
      "Call-ID: c1\r\n"
      "CSeq: 7 OPTIONS\r\n"
      "Content-Length: 0\r\n\r\n";
  LinkDrop d;
  d.t = 10ms;
  d.node = "b";
  d.link = "a--b";
  d.cause = "link-loss";
  d.src = kA;
  d.dst = kB;
  d.payload = payload;
  EXPECT_TRUE(f.collector.link_drop(d));
  nlohmann::json line = nlohmann::json::parse(f.out.str());
  EXPECT_EQ(line["kind"], "sip.drop");
  EXPECT_EQ(line["node"], "b");
  EXPECT_EQ(line["cause"], "link-loss");
  EXPECT_EQ(line["link"], "a--b");
  EXPECT_EQ(line["first_line"], "OPTIONS sip:ivan@10.0.0.2 SIP/2.0");
  EXPECT_EQ(line["call_id"], "c1");
  EXPECT_EQ(line["cseq"], "7 OPTIONS");
  EXPECT_EQ(line["branch"], "z9hG4bKabc");
  EXPECT_EQ(line["from_tag"], "ft");
  EXPECT_EQ(line["to_tag"], "");
  EXPECT_EQ(line["bytes"], payload.size());
  EXPECT_EQ(line["msg"], payload);

  // A payload that is neither DNS nor SIP (a bare TCP ACK) writes nothing.
  d.payload = "";
  d.transport = Transport::Tcp;
  EXPECT_FALSE(f.collector.link_drop(d));
  d.payload = "hello";
  EXPECT_FALSE(f.collector.link_drop(d));
  EXPECT_EQ(f.writer.events_written(), 1u);
}

TEST(Collector, LinkDropOfADnsQueryIsADnsDrop) {
  Fixture f;
  dns::Message query;
  query.id = 77;
  query.rd = true;
  query.questions.push_back({"domain.ru.", dns::RrType::NAPTR});
  const auto wire = dns::encode(query);
  LinkDrop d;
  d.t = 2s;
  d.node = "dns";
  d.link = "r--dns";
  d.cause = "queue";
  d.src = {*IpAddress::parse("10.0.0.1"), 5353};
  d.dst = {*IpAddress::parse("10.0.0.9"), 53};
  const std::string payload(wire.begin(), wire.end());
  d.payload = payload;
  EXPECT_TRUE(f.collector.link_drop(d));
  EXPECT_EQ(f.out.str(), "{\"t\":2,\"node\":\"dns\",\"kind\":\"dns.drop\",\"cause\":\"queue\",\"link\":\"r--dns\","
                         "\"src\":\"10.0.0.1:5353\",\"dst\":\"10.0.0.9:53\",\"bytes\":" +
                             std::to_string(payload.size()) +
                             ",\"id\":77,\"name\":\"domain.ru.\",\"type\":\"NAPTR\"}\n");
}

TEST(Collector, DnsServeAndLinkStatsLines) {
  Fixture f;
  dns::Message query;
  query.id = 9;
  query.questions.push_back({"proxy.domain.ru.", dns::RrType::A});
  dns::Message answer = query;
  answer.qr = true;
  answer.rcode = dns::Rcode::NxDomain;
  f.collector.dns_serve(1s, "dns", {*IpAddress::parse("10.0.0.1"), 5353}, {*IpAddress::parse("10.0.0.9"), 53},
                        query, answer);
  f.collector.dns_serve(1s, "dns", {*IpAddress::parse("10.0.0.1"), 5353}, {*IpAddress::parse("10.0.0.9"), 53},
                        std::nullopt, std::nullopt);
  f.collector.link_stats(40s, {"a--b", "a", "b", 12, 3, 1, 4500});
  EXPECT_EQ(f.out.str(),
            "{\"t\":1,\"node\":\"dns\",\"kind\":\"dns.serve\",\"src\":\"10.0.0.1:5353\",\"dst\":\"10.0.0.9:53\","
            "\"id\":9,\"name\":\"proxy.domain.ru.\",\"type\":\"A\",\"rcode\":\"NXDOMAIN\"}\n"
            "{\"t\":40,\"node\":\"a\",\"kind\":\"link.stats\",\"link\":\"a--b\",\"from\":\"a\",\"to\":\"b\","
            "\"sent\":12,\"lost\":3,\"queue_drops\":1,\"bytes\":4500}\n");
}

}  // namespace
}  // namespace siplab::trace
