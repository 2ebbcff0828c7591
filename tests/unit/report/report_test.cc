#include <gtest/gtest.h>

#include "golden.h"
#include "sim/report/report.h"
#include "sim/report/rfc6076_metrics.h"
#include "sim/report/summary_stats.h"
#include "trace_builder.h"

namespace siplab::report {
namespace {

using J = nlohmann::ordered_json;
using testing::TraceBuilder;

const std::string kSeed = std::string(REPORT_TEST_DATA_DIR) + "/seed_call.jsonl";

TEST(Summarize, NearestRankPercentiles) {
  J s = summarize({10, 1, 9, 2, 8, 3, 7, 4, 6, 5});
  EXPECT_EQ(s.dump(), R"({"count":10,"mean":5.5,"p50":5.0,"p90":9.0,"p99":10.0,"max":10.0})");
  EXPECT_EQ(summarize({}).dump(), R"({"count":0})");
  EXPECT_EQ(summarize({42}).dump(), R"({"count":1,"mean":42.0,"p50":42.0,"p90":42.0,"p99":42.0,"max":42.0})");
}

TEST(Report, SeedRegistrationsIncludeTheChallengeRoundTrip) {
  J r = compute_report(load_trace(kSeed));
  const J& regs = r["rfc6076"]["registrations"];
  ASSERT_EQ(regs.size(), 2u);
  EXPECT_EQ(regs[0].dump(),
            R"({"node":"ivan-laptop","aor":"sip:ivan@domain.ru","call_id":"reg-5e1d2c@203.0.113.22",)"
            R"("start_s":0.042,"outcome":"registered","final_code":200,"challenges":1,"rrd_ms":28.0,)"
            R"("ineffective":false})");
  EXPECT_EQ(regs[1]["node"], "ivan-mobile");
  EXPECT_EQ(regs[1]["rrd_ms"], 168.0);
  const J& agg = r["rfc6076"]["aggregate"];
  EXPECT_EQ(agg["rrd_ms"].dump(), R"({"count":2,"mean":98.0,"p50":28.0,"p90":168.0,"p99":168.0,"max":168.0})");
  EXPECT_EQ(agg["ira"].dump(), R"({"numerator":0,"denominator":2,"percent":0.0})");
}

TEST(Report, SeedCallMetrics) {
  J r = compute_report(load_trace(kSeed));
  const J& sessions = r["rfc6076"]["sessions"];
  ASSERT_EQ(sessions.size(), 1u);  // the proxy's forks are not session attempts
  const J& s = sessions[0];
  EXPECT_EQ(s["call"], 1);
  EXPECT_EQ(s["node"], "peter-pc");
  EXPECT_EQ(s["outcome"], "established");
  EXPECT_EQ(s["final_code"], 200);
  EXPECT_EQ(s["srd_first_provisional_ms"], 48.0);  // 5.102 INVITE -> 5.150 180
  EXPECT_EQ(s["srd_final_2xx_ms"], 2048.0);        // -> 7.150 200
  EXPECT_TRUE(s["srd_failure_ms"].is_null());
  EXPECT_EQ(s["sdd_ms"], 40.0);                    // laptop's BYE 27.126 -> 200 at 27.166
  EXPECT_EQ(s["bye_sender"], "ivan-laptop");
  EXPECT_NEAR(s["sdt_s"].get<double>(), 19.996, 1e-9);  // 200 at 7.150 -> BYE at peter 27.146
  EXPECT_EQ(s["completed"], true);
  const J& agg = r["rfc6076"]["aggregate"];
  EXPECT_EQ(agg["ser"].dump(), R"({"numerator":1,"denominator":1,"percent":100.0})");
  EXPECT_EQ(agg["seer"].dump(), R"({"numerator":1,"denominator":1,"percent":100.0})");
  EXPECT_EQ(agg["isa"].dump(), R"({"numerator":0,"denominator":1,"percent":0.0})");
  EXPECT_EQ(agg["scr"].dump(), R"({"numerator":1,"denominator":1,"percent":100.0})");
}

TEST(Report, SeedTransactionsAndMessages) {
  J r = compute_report(load_trace(kSeed));
  const J& t = r["transactions"];
  EXPECT_EQ(t["INVITE"].dump(),
            R"({"transactions":3,"requests_sent":4,"responses_sent":8,"retransmissions":1,"timeouts":0,"lost":1})");
  EXPECT_EQ(t["REGISTER"].dump(),
            R"({"transactions":4,"requests_sent":4,"responses_sent":4,"retransmissions":0,"timeouts":0,"lost":0})");
  EXPECT_EQ(t["CANCEL"]["transactions"], 1);
  EXPECT_EQ(t["ACK"]["requests_sent"], 2);
  EXPECT_EQ(t["BYE"]["responses_sent"], 1);
  EXPECT_EQ(r["sip_messages"].dump(),
            R"({"total":26,"retransmitted":1,"requests":{"ACK":2,"BYE":1,"CANCEL":1,"INVITE":4,"REGISTER":4},)"
            R"("responses":{"100":1,"180":4,"200":6,"401":2,"487":1}})");
}

TEST(Report, SeedDnsAndLinks) {
  J r = compute_report(load_trace(kSeed));
  const J& dns = r["dns"];
  EXPECT_EQ(dns["queries"], 9);
  EXPECT_EQ(dns["answers"], 9);
  EXPECT_EQ(dns["timeouts"], 0);
  EXPECT_EQ(dns["latency_ms"].dump(), R"({"count":9,"mean":44.0,"p50":34.0,"p90":84.0,"p99":84.0,"max":84.0})");
  EXPECT_EQ(dns["latency_ms_by_type"]["SRV"]["count"], 3);
  const J& links = r["links"];
  ASSERT_EQ(links.size(), 10u);
  int64_t lost = 0;
  for (const J& l : links) lost += l["lost"].get<int64_t>();
  EXPECT_EQ(lost, 1);
}

TEST(Report, MarkdownGolden) {
  J r = compute_report(load_trace(kSeed));
  r["source"] = "seed_call.jsonl";  // independent of where the build tree is
  testing::expect_golden("seed_call.report.md", report_markdown(r));
}

// Synthetic originating-UA traces for the outcomes the seed does not show.
constexpr const char* kA = "10.0.0.1:5060";
constexpr const char* kP = "10.0.0.2:5060";

TraceBuilder call_with_final(double t, const std::string& call_id, const std::string& final_line, TraceBuilder b) {
  b.sip("sip.send", t, "a", kA, kP, "INVITE sip:bob@b.example SIP/2.0", call_id, "1 INVITE", "br-" + call_id)
      .sip("sip.recv", t + 0.2, "a", kP, kA, final_line, call_id, "1 INVITE", "br-" + call_id, "tt");
  return b;
}

TEST(Rfc6076, RatiosFollowTheRfcResponseSets) {
  TraceBuilder b;
  b.node("a", "10.0.0.1").node("p", "10.0.0.2", "proxy");
  b = call_with_final(1, "c1", "SIP/2.0 200 OK", b);
  b = call_with_final(2, "c2", "SIP/2.0 486 Busy Here", b);
  b = call_with_final(3, "c3", "SIP/2.0 302 Moved Temporarily", b);
  b = call_with_final(4, "c4", "SIP/2.0 503 Service Unavailable", b);
  b = call_with_final(5, "c5", "SIP/2.0 404 Not Found", b);
  // c6: no answer at all; Timer B fires at 33 s.
  b.sip("sip.send", 6, "a", kA, kP, "INVITE sip:bob@b.example SIP/2.0", "c6", "1 INVITE", "br-c6")
      .timer(38, "a", "br-c6/INVITE/client", "B");
  Rfc6076Analysis an = analyze_rfc6076(b.load());
  ASSERT_EQ(an.sessions.size(), 6u);
  EXPECT_EQ(an.sessions[5].outcome(), "timeout");
  J agg = rfc6076_json(an)["aggregate"];
  // §4.6 SER: 200s over attempts minus 3xx -> 1 / 5.
  EXPECT_EQ(agg["ser"].dump(), R"({"numerator":1,"denominator":5,"percent":20.0})");
  // §4.7 SEER: 200, 480, 486, 600, 603 -> c1, c2.
  EXPECT_EQ(agg["seer"].dump(), R"({"numerator":2,"denominator":5,"percent":40.0})");
  // §4.8 ISA: 408, 500, 503, 504 or timeout -> c4, c6, over all 6 attempts.
  EXPECT_EQ(agg["isa"]["numerator"], 2);
  EXPECT_EQ(agg["isa"]["denominator"], 6);
  // §4.9 SCR: c1 was established but never ended with a BYE.
  EXPECT_EQ(agg["scr"]["numerator"], 0);
  // §4.3.2 failed-setup SRD: 486, 302, 503, 404 each 200 ms after the INVITE.
  EXPECT_EQ(agg["srd_failure_ms"]["count"], 4);
  EXPECT_EQ(agg["srd_failure_ms"]["max"], 200.0);
}

TEST(Rfc6076, ChallengedInviteIsOneSessionAttempt) {
  TraceBuilder b;
  b.node("a", "10.0.0.1")
      .sip("sip.send", 1, "a", kA, kP, "INVITE sip:bob@b.example SIP/2.0", "c", "1 INVITE", "b1")
      .sip("sip.recv", 1.1, "a", kP, kA, "SIP/2.0 407 Proxy Authentication Required", "c", "1 INVITE", "b1", "x")
      .sip("sip.send", 1.1, "a", kA, kP, "INVITE sip:bob@b.example SIP/2.0", "c", "2 INVITE", "b2")
      .sip("sip.recv", 1.3, "a", kP, kA, "SIP/2.0 180 Ringing", "c", "2 INVITE", "b2", "y")
      .sip("sip.recv", 2.5, "a", kP, kA, "SIP/2.0 200 OK", "c", "2 INVITE", "b2", "y");
  Rfc6076Analysis an = analyze_rfc6076(b.load());
  ASSERT_EQ(an.sessions.size(), 1u);
  const SessionAttempt& s = an.sessions[0];
  EXPECT_EQ(s.outcome(), "established");
  EXPECT_EQ(*s.first_provisional - s.start, Duration{300'000'000});
  EXPECT_EQ(*s.answered - s.start, Duration{1'500'000'000});
}

TEST(Rfc6076, IneffectiveRegistrations) {
  TraceBuilder b;
  b.node("a", "10.0.0.1")
      // r1: 403 -> ineffective (§4.2).
      .sip("sip.send", 0, "a", kA, kP, "REGISTER sip:b.example SIP/2.0", "r1", "1 REGISTER", "b1")
      .sip("sip.recv", 0.1, "a", kP, kA, "SIP/2.0 403 Forbidden", "r1", "1 REGISTER", "b1", "t")
      // r2: Timer F -> ineffective.
      .sip("sip.send", 1, "a", kA, kP, "REGISTER sip:b.example SIP/2.0", "r2", "1 REGISTER", "b2")
      .timer(33, "a", "b2/REGISTER/client", "F")
      // r3: 401 and the UA gives up -> a challenge, not a failure.
      .sip("sip.send", 40, "a", kA, kP, "REGISTER sip:b.example SIP/2.0", "r3", "1 REGISTER", "b3")
      .sip("sip.recv", 40.1, "a", kP, kA, "SIP/2.0 401 Unauthorized", "r3", "1 REGISTER", "b3", "t")
      // r4: refreshed registration on the same Call-ID after an earlier success.
      .sip("sip.send", 50, "a", kA, kP, "REGISTER sip:b.example SIP/2.0", "r4", "1 REGISTER", "b4")
      .sip("sip.recv", 50.05, "a", kP, kA, "SIP/2.0 200 OK", "r4", "1 REGISTER", "b4", "t")
      .sip("sip.send", 60, "a", kA, kP, "REGISTER sip:b.example SIP/2.0", "r4", "2 REGISTER", "b5")
      .sip("sip.recv", 60.02, "a", kP, kA, "SIP/2.0 200 OK", "r4", "2 REGISTER", "b5", "t");
  Rfc6076Analysis an = analyze_rfc6076(b.load());
  ASSERT_EQ(an.registrations.size(), 5u);
  EXPECT_EQ(an.registrations[0].outcome(), "failed");
  EXPECT_EQ(an.registrations[1].outcome(), "timeout");
  EXPECT_EQ(an.registrations[2].outcome(), "challenged");
  EXPECT_EQ(an.registrations[3].outcome(), "registered");
  EXPECT_EQ(an.registrations[4].outcome(), "registered");
  J agg = rfc6076_json(an)["aggregate"];
  EXPECT_EQ(agg["ira"].dump(), R"({"numerator":2,"denominator":5,"percent":40.0})");
  EXPECT_EQ(agg["rrd_ms"]["count"], 2);
  EXPECT_DOUBLE_EQ(agg["rrd_ms"]["max"].get<double>(), 50.0);
}

TEST(Report, TimeoutsCountPerMethod) {
  TraceBuilder b;
  b.node("a", "10.0.0.1")
      .sip("sip.send", 0, "a", kA, kP, "OPTIONS sip:b.example SIP/2.0", "o", "1 OPTIONS", "b1")
      .sip("sip.send", 0.5, "a", kA, kP, "OPTIONS sip:b.example SIP/2.0", "o", "1 OPTIONS", "b1", "", true)
      .timer(32, "a", "b1/OPTIONS/client", "F");
  J t = compute_report(b.load())["transactions"];
  EXPECT_EQ(t["OPTIONS"].dump(),
            R"({"transactions":1,"requests_sent":2,"responses_sent":0,"retransmissions":1,"timeouts":1,"lost":0})");
}

}  // namespace
}  // namespace siplab::report
