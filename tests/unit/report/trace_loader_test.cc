#include <gtest/gtest.h>

#include <sstream>

#include "sim/report/trace.h"

namespace siplab::report {
namespace {

const std::string kSeed = std::string(REPORT_TEST_DATA_DIR) + "/seed_call.jsonl";

std::string load_error(const std::string& text) {
  std::istringstream in(text);
  try {
    load_trace(in, "t.jsonl");
  } catch (const TraceError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(LoadTrace, ReadsTheSeedTrace) {
  Trace t = load_trace(kSeed);
  EXPECT_EQ(t.source, kSeed);
  ASSERT_EQ(t.events.size(), 112u);
  ASSERT_EQ(t.nodes.size(), 6u);
  EXPECT_EQ(t.nodes[1].name, "proxy");
  EXPECT_EQ(t.nodes[1].label, "proxy (domain.ru)");
  EXPECT_EQ(t.nodes[1].roles, (std::vector<std::string>{"proxy", "registrar"}));
  ASSERT_NE(t.node_by_address("192.0.2.10:5060"), nullptr);
  EXPECT_EQ(t.node_by_address("192.0.2.10:5060")->name, "proxy");
  EXPECT_EQ(t.node_by_address("192.0.2.99:5060"), nullptr);

  const TraceEvent& drop = *std::find_if(t.events.begin(), t.events.end(),
                                         [](const TraceEvent& e) { return e.kind == EventKind::SipDrop; });
  EXPECT_EQ(drop.t, Instant{5'161'000'000});
  EXPECT_EQ(drop.node, "ivan-mobile");
  EXPECT_EQ(drop.cause, "link-loss");
  EXPECT_EQ(drop.link, "ivan-mobile--router");
  EXPECT_EQ(drop.first_line, "INVITE sip:ivan@203.0.113.21:5060 SIP/2.0");
  EXPECT_EQ(drop.bytes, 584);
  EXPECT_EQ(drop.line, 70u);
}

TEST(LoadTrace, ParsesTimesToTheNanosecond) {
  std::istringstream in(
      "{\"t\":5.000000001,\"node\":\"a\",\"kind\":\"x.y\"}\n"
      "{\"t\":12345.123456789,\"node\":\"a\",\"kind\":\"x.y\"}\n");
  Trace t = load_trace(in, "t");
  EXPECT_EQ(t.events[0].t, Instant{5'000'000'001});
  EXPECT_EQ(t.events[1].t, Instant{12'345'123'456'789});
  EXPECT_EQ(t.events[1].kind, EventKind::Other);  // unknown kinds are kept, not errors
  EXPECT_EQ(t.events[1].kind_name, "x.y");
}

TEST(LoadTrace, BadJsonNamesFileLineAndColumn) {
  EXPECT_EQ(load_error("{\"t\":0,\"node\":\"a\",\"kind\":\"x\"}\n{\"t\":1,,}\n").substr(0, 30),
            "t.jsonl:2:8: invalid JSON: [js");
}

TEST(LoadTrace, MissingFieldNamesTheField) {
  EXPECT_EQ(load_error("{\"t\":0,\"node\":\"a\",\"kind\":\"sip.send\",\"transport\":\"UDP\"}\n"),
            "t.jsonl:1: missing field \"src\"");
  EXPECT_EQ(load_error("{\"node\":\"a\",\"kind\":\"x\"}\n"), "t.jsonl:1: missing field \"t\"");
  EXPECT_EQ(load_error("{\"t\":0,\"kind\":\"x\"}\n"), "t.jsonl:1: missing field \"node\"");
}

TEST(LoadTrace, WrongTypesAreErrors) {
  EXPECT_EQ(load_error("{\"t\":\"0\",\"node\":\"a\",\"kind\":\"x\"}\n"),
            "t.jsonl:1: field \"t\" must be a non-negative number of seconds");
  EXPECT_EQ(load_error("{\"t\":0,\"node\":\"a\",\"kind\":\"link.stats\",\"link\":\"a--b\",\"from\":\"a\","
                       "\"to\":\"b\",\"sent\":\"3\",\"lost\":0,\"queue_drops\":0,\"bytes\":1}\n"),
            "t.jsonl:1: field \"sent\" must be an integer");
  EXPECT_EQ(load_error("[1,2]\n"), "t.jsonl:1: a trace line must be a JSON object");
  EXPECT_EQ(load_error("{\"t\":0,\"node\":\"a\",\"kind\":\"node.info\",\"label\":\"a\",\"roles\":[1],"
                       "\"addresses\":[]}\n"),
            "t.jsonl:1: field \"roles\" must be a list of strings");
}

TEST(LoadTrace, RejectsTimeGoingBackwards) {
  EXPECT_EQ(load_error("{\"t\":2,\"node\":\"a\",\"kind\":\"x\"}\n\n{\"t\":1.5,\"node\":\"a\",\"kind\":\"x\"}\n"),
            "t.jsonl:3: time goes backwards (events must be in time order)");
}

TEST(LoadTrace, RejectsUnknownDropCauseAndDuplicateNodes) {
  std::string drop =
      "{\"t\":0,\"node\":\"a\",\"kind\":\"sip.drop\",\"transport\":\"UDP\",\"src\":\"1.1.1.1:5060\","
      "\"dst\":\"2.2.2.2:5060\",\"bytes\":1,\"first_line\":\"BYE sip:a SIP/2.0\",\"call_id\":\"c\","
      "\"cseq\":\"1 BYE\",\"branch\":\"b\",\"from_tag\":\"f\",\"to_tag\":\"\",\"msg\":\"m\",\"cause\":\"gremlins\"}\n";
  EXPECT_EQ(load_error(drop), "t.jsonl:1: unknown drop cause \"gremlins\"");
  std::string node = "{\"t\":0,\"node\":\"a\",\"kind\":\"node.info\",\"label\":\"a\",\"roles\":[],\"addresses\":[]}\n";
  EXPECT_EQ(load_error(node + node), "t.jsonl:2: second node.info for node \"a\"");
}

TEST(LoadTrace, MissingFileIsAnError) {
  try {
    load_trace("/nonexistent/trace.jsonl");
    FAIL() << "no error";
  } catch (const TraceError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/trace.jsonl: cannot open trace file");
  }
}

TEST(SipHelpers, SplitFirstLinesAndEndpoints) {
  EXPECT_EQ(request_method("INVITE sip:ivan@domain.ru SIP/2.0"), "INVITE");
  EXPECT_EQ(request_method("SIP/2.0 180 Ringing"), "");
  EXPECT_EQ(response_code("SIP/2.0 180 Ringing"), 180);
  EXPECT_EQ(response_code("SIP/2.0 1x0 Ringing"), 0);
  EXPECT_EQ(response_code("BYE sip:a SIP/2.0"), 0);
  EXPECT_EQ(response_status("SIP/2.0 487 Request Terminated"), "487 Request Terminated");
  EXPECT_EQ(cseq_method("231 BYE"), "BYE");
  EXPECT_EQ(endpoint_host("192.0.2.10:5060"), "192.0.2.10");
  EXPECT_EQ(endpoint_host("[2001:db8::1]:5060"), "2001:db8::1");
  EXPECT_EQ(endpoint_host("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(endpoint_host("192.0.2.10"), "192.0.2.10");
}

}  // namespace
}  // namespace siplab::report
