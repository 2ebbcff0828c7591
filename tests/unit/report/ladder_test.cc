#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "golden.h"
#include "sim/report/ladder.h"
#include "trace_builder.h"

namespace siplab::report {
namespace {

using testing::expect_golden;

const std::string kSeed = std::string(REPORT_TEST_DATA_DIR) + "/seed_call.jsonl";
constexpr const char* kCallId = "3848276298220188511@198.51.100.10";

LadderOptions sip_only() {
  LadderOptions o;
  o.show_dns = false;
  return o;
}

std::vector<std::string> labels(const Ladder& l) {
  std::vector<std::string> out;
  for (const auto& a : l.arrows) out.push_back(a.label);
  return out;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

TEST(Ladder, OneArrowPerMessageAndColumnsInNodeOrderDnsLast) {
  Trace trace = load_trace(kSeed);
  Ladder l = build_ladder(trace, {});
  // 26 sip.send + 9 dns.query + 9 dns.answer.
  EXPECT_EQ(l.arrows.size(), 44u);
  std::vector<std::string> titles;
  for (const auto& c : l.columns) titles.push_back(c.label);
  EXPECT_EQ(titles, (std::vector<std::string>{"peter-pc", "proxy (domain.ru)", "ivan-mobile", "ivan-laptop", "dns"}));
}

TEST(Ladder, LostForkEndsInACrossAndItsRetransmissionIsMarked) {
  Ladder l = build_ladder(load_trace(kSeed), sip_only());
  auto lost = std::find_if(l.arrows.begin(), l.arrows.end(), [](const Arrow& a) { return a.lost; });
  ASSERT_NE(lost, l.arrows.end());
  EXPECT_EQ(lost->label, "INVITE");
  EXPECT_EQ(lost->loss_cause, "link-loss");
  EXPECT_DOUBLE_EQ(lost->loss_at, 0.85);  // dropped by ivan-mobile's own device
  EXPECT_EQ(lost->sent, Instant{5'119'000'000});
  EXPECT_FALSE(lost->received.has_value());
  EXPECT_EQ(std::count_if(l.arrows.begin(), l.arrows.end(), [](const Arrow& a) { return a.lost; }), 1);
  auto rtx = std::find_if(l.arrows.begin(), l.arrows.end(), [](const Arrow& a) { return a.retransmit; });
  ASSERT_NE(rtx, l.arrows.end());
  EXPECT_EQ(rtx->label, "INVITE");
  EXPECT_EQ(rtx->sent, Instant{5'619'000'000});
  EXPECT_EQ(rtx->received, Instant{5'661'000'000});
  EXPECT_EQ(rtx->from_column, 1u);
  EXPECT_EQ(rtx->to_column, 2u);
}

TEST(Ladder, OrdersBySendTimeWithTiesInTraceOrder) {
  Ladder l = build_ladder(load_trace(kSeed), sip_only());
  for (std::size_t i = 1; i < l.arrows.size(); ++i) EXPECT_LE(l.arrows[i - 1].sent, l.arrows[i].sent);
  // At 5.119 the proxy answers 100 and forks, laptop first, in emission order.
  std::vector<std::string> at_5119;
  for (const auto& a : l.arrows)
    if (a.sent == Instant{5'119'000'000}) at_5119.push_back(a.label + "->" + std::to_string(a.to_column));
  EXPECT_EQ(at_5119, (std::vector<std::string>{"100 Trying->0", "INVITE->3", "INVITE->2"}));
}

TEST(Ladder, DnsAnswerIsSentWhenTheServerServesIt) {
  Ladder l = build_ladder(load_trace(kSeed), {});
  const Arrow& q = l.arrows[0];
  const Arrow& a = l.arrows[1];
  EXPECT_EQ(q.label, "NAPTR? domain.ru");
  EXPECT_EQ(q.sent, Instant{0});
  EXPECT_EQ(q.received, Instant{7'000'000});
  EXPECT_EQ(a.label, "NAPTR? domain.ru");  // ivan-mobile's query leaves at the same instant
  const Arrow& answer = l.arrows[2];
  EXPECT_EQ(answer.label, "NAPTR domain.ru: 1 answer");
  EXPECT_EQ(answer.sent, Instant{7'000'000});
  EXPECT_EQ(answer.received, Instant{14'000'000});
  EXPECT_NE(answer.detail.find("SIP+D2U"), std::string::npos);
}

TEST(Ladder, CallIdFilterKeepsOnlyThatCallAndHidesDns) {
  LadderOptions o;
  o.call_id = kCallId;
  Ladder l = build_ladder(load_trace(kSeed), o);
  EXPECT_EQ(l.arrows.size(), 18u);
  EXPECT_EQ(l.columns.size(), 4u);  // no dns column
  for (const auto& a : l.arrows) EXPECT_EQ(a.call_id, kCallId);
}

TEST(Ladder, DialogFilterKeepsTheMobileEarlyDialog) {
  LadderOptions o;
  o.dialog = std::string(kCallId) + ";9fxced76sl;8321234356";
  Ladder l = build_ladder(load_trace(kSeed), o);
  EXPECT_EQ(labels(l), (std::vector<std::string>{"INVITE", "100 Trying", "INVITE", "INVITE", "180 Ringing",
                                                 "180 Ringing", "CANCEL", "200 OK", "487 Request Terminated",
                                                 "ACK"}));
}

TEST(Ladder, TimeWindowIsInclusive) {
  LadderOptions o;
  o.from = Instant{7'133'000'000};
  o.to = Instant{7'175'000'000};
  Ladder l = build_ladder(load_trace(kSeed), o);
  EXPECT_EQ(labels(l), (std::vector<std::string>{"200 OK", "CANCEL", "ACK", "200 OK", "487 Request Terminated"}));
}

TEST(Ladder, AsciiGoldenAndWidth) {
  Trace trace = load_trace(kSeed);
  LadderOptions o;
  std::string full = render_ladder(trace, o);
  expect_golden("seed_call.ascii.txt", full);
  o.show_dns = false;
  o.call_id = kCallId;
  expect_golden("seed_call.invite.ascii.txt", render_ladder(trace, o));
  std::istringstream lines(full);
  std::string line;
  while (std::getline(lines, line)) EXPECT_LE(line.size(), 100u) << line;
}

TEST(Ladder, MermaidAndPlantUmlGoldens) {
  Trace trace = load_trace(kSeed);
  LadderOptions o;
  o.format = LadderFormat::Mermaid;
  std::string mmd = render_ladder(trace, o);
  expect_golden("seed_call.mmd", mmd);
  EXPECT_EQ(count(mmd, "->>") + count(mmd, "-x"), 44u);
  o.format = LadderFormat::PlantUml;
  std::string puml = render_ladder(trace, o);
  expect_golden("seed_call.puml", puml);
  EXPECT_EQ(puml.rfind("@startuml\n", 0), 0u);
  EXPECT_TRUE(puml.ends_with("@enduml\n"));
}

TEST(Ladder, MermaidEscapesStatementAndEntityCharacters) {
  Ladder l;
  l.columns = {{"a", "a;b"}, {"b", "c#d"}};
  Arrow arrow;
  arrow.from_column = 0;
  arrow.to_column = 1;
  arrow.label = "x;y#z";
  l.arrows.push_back(arrow);
  EXPECT_EQ(render_mermaid(l),
            "sequenceDiagram\n"
            "    participant c0 as a#59;b\n"
            "    participant c1 as c#35;d\n"
            "    c0->>c1: x#59;y#35;z [0.000 ms]\n");
}

TEST(Ladder, SvgIsValidXmlWithOneArrowPerMessage) {
  Trace trace = load_trace(kSeed);
  LadderOptions o;
  o.format = LadderFormat::Svg;
  std::string svg = render_ladder(trace, o);
  std::string path = std::string(REPORT_TEST_OUTPUT_DIR) + "/seed_call.svg";
  std::ofstream(path, std::ios::binary) << svg;
  std::string cmd = std::string(PYTHON3) + " " + REPORT_TEST_SOURCE_DIR + "/check_svg.py " + path + " 44";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_EQ(count(svg, "class=\"cross\""), 1u);
  EXPECT_EQ(count(svg, "stroke-dasharray=\"7 4\""), 1u);  // the one retransmission
}

TEST(Ladder, HtmlCarriesEveryMessageEscaped) {
  Trace trace = load_trace(kSeed);
  LadderOptions o;
  o.format = LadderFormat::Html;
  std::string html = render_ladder(trace, o);
  EXPECT_EQ(count(html, "<pre id=\"msg-"), 44u);
  EXPECT_EQ(count(html, "<g class=\"arrow\""), 44u);
  EXPECT_NE(html.find("From: &quot;Peter&quot; &lt;sip:peter@example.org&gt;;tag=9fxced76sl"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);  // self-contained
}

TEST(Ladder, UnknownAddressGetsItsOwnColumn) {
  testing::TraceBuilder b;
  b.node("a", "10.0.0.1").sip("sip.send", 1, "a", "10.0.0.1:5060", "10.9.9.9:5060", "OPTIONS sip:x SIP/2.0", "c",
                              "1 OPTIONS", "z9hG4bK1");
  Ladder l = build_ladder(b.load(), {});
  ASSERT_EQ(l.columns.size(), 2u);
  EXPECT_EQ(l.columns[1].label, "10.9.9.9");
  EXPECT_EQ(render_ascii(l),
            "   time ms      delta             a                   10.9.9.9\n"
            "                                  |                       |\n"
            "                                  |        OPTIONS        |\n"
            "  1000.000                        |---------------------->|\n"
            "                                  |                       |\n"
            "\n(rtx) = retransmission; X = lost (cause in parentheses); times in ms since the start of the run\n");
}

TEST(Ladder, DnsTimeoutCrossesOutTheQueryAndTheRetryIsMarked) {
  testing::TraceBuilder b;
  b.node("ua", "10.0.0.1").node("dns", "10.0.0.53", "dns");
  auto query = [&](double t, int attempt) {
    b.add(t, "ua", "dns.query", {{"src", "10.0.0.1:4000"}, {"dst", "10.0.0.53:53"}, {"id", 7 + attempt},
                                 {"name", "x.example"}, {"type", "A"}, {"attempt", attempt}});
  };
  query(1, 1);
  b.add(3, "ua", "dns.timeout", {{"name", "x.example"}, {"type", "A"}, {"server", "10.0.0.53:53"}, {"attempt", 1}});
  query(3, 2);
  b.add(3.01, "dns", "dns.serve", {{"src", "10.0.0.1:4000"}, {"dst", "10.0.0.53:53"}, {"id", 9},
                                   {"name", "x.example"}, {"type", "A"}, {"rcode", "NXDOMAIN"}});
  b.add(3.02, "ua", "dns.answer", {{"src", "10.0.0.53:53"}, {"dst", "10.0.0.1:4000"}, {"id", 9},
                                   {"name", "x.example"}, {"type", "A"}, {"rcode", "NXDOMAIN"},
                                   {"answers", nlohmann::json::array()}});
  Ladder l = build_ladder(b.load(), {});
  ASSERT_EQ(l.arrows.size(), 3u);
  EXPECT_TRUE(l.arrows[0].lost);
  EXPECT_EQ(l.arrows[0].loss_cause, "timeout");
  EXPECT_FALSE(l.arrows[1].lost);
  EXPECT_TRUE(l.arrows[1].retransmit);
  EXPECT_EQ(l.arrows[2].label, "A x.example: NXDOMAIN");
  EXPECT_EQ(l.arrows[2].sent, Instant{3'010'000'000});
  EXPECT_EQ(render_ascii(l),
            "   time ms      delta            ua                      dns\n"
            "                                  |                       |\n"
            "                                  |A? x.example (timeout) |\n"
            "  1000.000                        |-----------X           |\n"
            "                                  |  A? x.example (rtx)   |\n"
            "  3000.000  +2000.000             |---------------------->|\n"
            "                                  | A x.example: NXDOMAIN |\n"
            "  3010.000    +10.000             |<----------------------|\n"
            "                                  |                       |\n"
            "\n(rtx) = retransmission; X = lost (cause in parentheses); times in ms since the start of the run\n");
}

TEST(Ladder, ALostTcpSegmentIsNotALostMessage) {
  testing::TraceBuilder b;
  b.node("a", "10.0.0.1").node("b", "10.0.0.2");
  const std::string invite = "INVITE sip:b@10.0.0.2 SIP/2.0";
  b.sip("sip.send", 1.0, "a", "10.0.0.1:49153", "10.0.0.2:5060", invite, "c1", "1 INVITE", "z9hG4bK1", "", false,
        "TCP");
  // The segment is lost, TCP resends it and the message arrives late; then
  // a needless resend of the same segment is lost too.
  b.sip("sip.drop", 1.005, "b", "10.0.0.1:49153", "10.0.0.2:5060", invite, "c1", "1 INVITE", "z9hG4bK1", "", false,
        "TCP");
  b.sip("sip.recv", 1.21, "b", "10.0.0.1:49153", "10.0.0.2:5060", invite, "c1", "1 INVITE", "z9hG4bK1", "", false,
        "TCP");
  b.sip("sip.drop", 1.5, "b", "10.0.0.1:49153", "10.0.0.2:5060", invite, "c1", "1 INVITE", "z9hG4bK1", "", false,
        "TCP");
  Ladder l = build_ladder(b.load(), {});
  ASSERT_EQ(l.arrows.size(), 1u);
  EXPECT_FALSE(l.arrows[0].lost);
  EXPECT_EQ(l.arrows[0].received, Instant{1'210'000'000});
  EXPECT_NE(l.arrows[0].detail.find("TCP segment lost at b (link-loss) at 1005.000 ms; TCP resends it"),
            std::string::npos);
  EXPECT_EQ(l.columns.size(), 2u);
}

TEST(Ladder, SixEntitiesFitInOneHundredColumns) {
  testing::TraceBuilder b;
  const char* names[] = {"alice-softphone", "proxy-1", "proxy-2", "proxy-3", "registrar", "bob-deskphone"};
  for (int i = 0; i < 6; ++i) b.node(names[i], "10.0.0." + std::to_string(i + 1));
  for (int i = 0; i < 5; ++i)
    b.sip("sip.send", i, names[i], "10.0.0." + std::to_string(i + 1) + ":5060",
          "10.0.0." + std::to_string(i + 2) + ":5060", "SIP/2.0 503 Service Unavailable", "c", "1 INVITE", "b");
  std::string text = render_ladder(b.load(), {});
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    EXPECT_LE(line.size(), 100u) << line;
    ++n;
  }
  EXPECT_EQ(n, 2 + 1 + 10 + 1 + 2);  // 2 title rows, lifelines, 5 arrows x 2, lifelines, legend
}

TEST(LadderFormat, ParsesNames) {
  EXPECT_EQ(parse_ladder_format("ascii"), LadderFormat::Ascii);
  EXPECT_EQ(parse_ladder_format("plantuml"), LadderFormat::PlantUml);
  EXPECT_EQ(parse_ladder_format("html"), LadderFormat::Html);
  EXPECT_EQ(parse_ladder_format("png"), std::nullopt);
  EXPECT_EQ(format_ms(Instant{5'102'000'000}), "5102.000");
  EXPECT_EQ(format_ms(Instant{1'499}), "0.001");
  EXPECT_EQ(format_delta_ms(Duration{34'000'000}), "+34.000");
}

}  // namespace
}  // namespace siplab::report
