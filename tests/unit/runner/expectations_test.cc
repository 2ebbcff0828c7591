// `expect:` checks evaluated on a hand-written trace of a short call.
#include <gtest/gtest.h>

#include <sstream>

#include "sim/runner/expectations.h"
#include "sim/scenario/scenario_loader.h"

namespace siplab::runner {
namespace {

// peter-pc calls; the INVITE is retransmitted once; 180 at 0.5 s; 200 at
// 2.5 s; ACK; ivan registers one device (binding added) and one binding of
// another contact expires.
constexpr const char* kTrace = R"({"t":0,"node":"peter-pc","kind":"node.info","label":"peter-pc","roles":["ua"],"addresses":["198.51.100.10"]}
{"t":0,"node":"ivan-laptop","kind":"node.info","label":"ivan-laptop","roles":["ua"],"addresses":["198.51.100.22"]}
{"t":0.1,"node":"ivan-laptop","kind":"sip.send","transport":"UDP","src":"198.51.100.22:5060","dst":"192.0.2.10:5060","bytes":10,"first_line":"REGISTER sip:domain.ru SIP/2.0","call_id":"r1","cseq":"1 REGISTER","branch":"z9hG4bKr1","from_tag":"f","to_tag":"","retransmit":false,"msg":""}
{"t":0.3,"node":"ivan-laptop","kind":"sip.recv","transport":"UDP","src":"192.0.2.10:5060","dst":"198.51.100.22:5060","bytes":10,"first_line":"SIP/2.0 200 OK","call_id":"r1","cseq":"1 REGISTER","branch":"z9hG4bKr1","from_tag":"f","to_tag":"t","msg":""}
{"t":0.3,"node":"proxy","kind":"reg.binding","aor":"sip:ivan@domain.ru","contact":"sip:ivan@198.51.100.22","expires":3600,"action":"added"}
{"t":0.3,"node":"proxy","kind":"reg.binding","aor":"sip:ivan@domain.ru","contact":"sip:ivan@198.51.100.21","expires":3600,"action":"added"}
{"t":0.4,"node":"proxy","kind":"reg.binding","aor":"sip:ivan@domain.ru","contact":"sip:ivan@198.51.100.21","expires":0,"action":"expired"}
{"t":1,"node":"peter-pc","kind":"call.event","call":1,"event":"started","call_id":"c1"}
{"t":1,"node":"peter-pc","kind":"sip.send","transport":"UDP","src":"198.51.100.10:5060","dst":"192.0.2.10:5060","bytes":10,"first_line":"INVITE sip:ivan@domain.ru SIP/2.0","call_id":"c1","cseq":"1 INVITE","branch":"z9hG4bK1","from_tag":"a","to_tag":"","retransmit":false,"msg":""}
{"t":1.5,"node":"peter-pc","kind":"sip.send","transport":"UDP","src":"198.51.100.10:5060","dst":"192.0.2.10:5060","bytes":10,"first_line":"INVITE sip:ivan@domain.ru SIP/2.0","call_id":"c1","cseq":"1 INVITE","branch":"z9hG4bK1","from_tag":"a","to_tag":"","retransmit":true,"msg":""}
{"t":1.6,"node":"peter-pc","kind":"sip.recv","transport":"UDP","src":"192.0.2.10:5060","dst":"198.51.100.10:5060","bytes":10,"first_line":"SIP/2.0 100 Trying","call_id":"c1","cseq":"1 INVITE","branch":"z9hG4bK1","from_tag":"a","to_tag":"","msg":""}
{"t":1.7,"node":"peter-pc","kind":"sip.recv","transport":"UDP","src":"192.0.2.10:5060","dst":"198.51.100.10:5060","bytes":10,"first_line":"SIP/2.0 180 Ringing","call_id":"c1","cseq":"1 INVITE","branch":"z9hG4bK1","from_tag":"a","to_tag":"b","msg":""}
{"t":3.5,"node":"peter-pc","kind":"sip.recv","transport":"UDP","src":"192.0.2.10:5060","dst":"198.51.100.10:5060","bytes":10,"first_line":"SIP/2.0 200 OK","call_id":"c1","cseq":"1 INVITE","branch":"z9hG4bK1","from_tag":"a","to_tag":"b","msg":""}
{"t":3.6,"node":"peter-pc","kind":"sip.recv","transport":"UDP","src":"192.0.2.10:5060","dst":"198.51.100.10:5060","bytes":10,"first_line":"SIP/2.0 200 OK","call_id":"c1","cseq":"1 INVITE","branch":"z9hG4bK1","from_tag":"a","to_tag":"b","msg":""}
{"t":3.6,"node":"peter-pc","kind":"sip.send","transport":"UDP","src":"198.51.100.10:5060","dst":"198.51.100.22:5060","bytes":10,"first_line":"ACK sip:ivan@198.51.100.22 SIP/2.0","call_id":"c1","cseq":"1 ACK","branch":"z9hG4bK2","from_tag":"a","to_tag":"b","retransmit":false,"msg":""}
{"t":3.6,"node":"peter-pc","kind":"call.event","call":1,"event":"established","call_id":"c1"}
)";

constexpr const char* kScenario = R"(
name: expect-test
stop: 10s
nodes: [peter-pc, ivan-laptop, proxy, router]
links:
  - { a: peter-pc, b: router, delay: 10ms }
  - { a: ivan-laptop, b: router, delay: 10ms }
  - { a: proxy, b: router, delay: 10ms }
proxies:
  - { node: proxy, domain: domain.ru }
users:
  - { aor: "sip:ivan@domain.ru", devices: [ivan-laptop] }
  - { aor: "sip:peter@example.org", devices: [peter-pc] }
events:
  - { at: 1s, call: { from: "sip:peter@example.org", to: "sip:ivan@domain.ru", answer: { device: ivan-laptop, after: 2s } } }
expect:
EOF_MARKER)";

std::vector<ExpectationResult> run_checks(const std::string& expect_lines) {
  std::string yaml = std::string(kScenario);
  yaml.replace(yaml.find("EOF_MARKER"), 10, expect_lines);
  auto loaded = scenario::load_scenario_text(yaml, "expect-test.yaml", ".");
  EXPECT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].message);
  if (!loaded.ok()) return {};
  std::istringstream in(kTrace);
  return check_expectations(*loaded.spec, report::load_trace(in, "trace.jsonl"));
}

TEST(Expectations, CallEstablishedWithinSetupDelay) {
  auto results = run_checks("  - { call: 1, established: true, setup_delay_max: 800ms }\n");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed) << results[0].detail;
}

TEST(Expectations, SetupDelayIsMeasuredToTheFirstNon100Response) {
  // INVITE at 1.0 s, 180 at 1.7 s: 700 ms (the 100 at 1.6 s does not count).
  auto results = run_checks("  - { call: 1, setup_delay_max: 650ms }\n");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_EQ(results[0].detail, "setup delay 0.700s exceeds 0.650s");
}

TEST(Expectations, ExpectedFailureCodeFailsOnAnEstablishedCall) {
  auto results = run_checks("  - { call: 1, established: false, code: 486 }\n");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_EQ(results[0].detail,
            "established: expected false, call established; final code: expected 486, call established");
}

TEST(Expectations, SequenceCountsRetransmissionsOnce) {
  auto results = run_checks("  - { call: 1, sequence: [INVITE, \"100\", \"180\", \"200\", ACK] }\n");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed) << results[0].detail;
  auto wrong = run_checks("  - { call: 1, sequence: [INVITE, \"180\", \"200\", ACK] }\n");
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_FALSE(wrong[0].passed);
  EXPECT_EQ(wrong[0].detail,
            "sequence at peter-pc: expected [INVITE, 180, 200, ACK], saw [INVITE, 100, 180, 200, ACK]");
}

TEST(Expectations, RegistrationCountsLiveBindingsAtTheEnd) {
  auto results = run_checks("  - { registration: \"sip:ivan@domain.ru\", devices: 1, delay_max: 200ms }\n");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed) << results[0].detail;
  auto none = run_checks("  - { registration: \"sip:ivan@domain.ru\", devices: 0 }\n");
  ASSERT_EQ(none.size(), 1u);
  EXPECT_FALSE(none[0].passed);
  EXPECT_EQ(none[0].detail, "1 binding(s) at the end, expected 0");
}

TEST(Expectations, RetransmissionsAreCountedPerMethod) {
  auto one = run_checks("  - { retransmissions: { method: INVITE, min: 1, max: 1 } }\n");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_TRUE(one[0].passed) << one[0].detail;
  auto none = run_checks("  - { retransmissions: { method: BYE, min: 1 } }\n");
  ASSERT_EQ(none.size(), 1u);
  EXPECT_FALSE(none[0].passed);
  EXPECT_EQ(none[0].detail, "0 retransmission(s), expected at least 1");
}

}  // namespace
}  // namespace siplab::runner
