// Trace summaries: the tag and branch read straight from the rows must be
// what the typed accessors (full Via / name-addr parse) give.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/sip/message/parser.h"
#include "models/sip/transport/message_summary.h"

namespace siplab::sip {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// What summarize() gave when it parsed the values in full.
MessageSummary summarize_by_parsing(const Message& m) {
  MessageSummary s;
  s.first_line = m.start_line();
  if (auto id = m.call_id()) s.call_id = *id;
  if (auto cseq = m.cseq()) s.cseq = cseq->to_string();
  if (auto via = m.top_via()) {
    if (auto branch = via->branch()) s.branch = *branch;
  }
  if (auto tag = m.from_tag()) s.from_tag = *tag;
  if (auto tag = m.to_tag()) s.to_tag = *tag;
  return s;
}

void expect_same(const MessageSummary& a, const MessageSummary& b, const std::string& what) {
  EXPECT_EQ(a.first_line, b.first_line) << what;
  EXPECT_EQ(a.call_id, b.call_id) << what;
  EXPECT_EQ(a.cseq, b.cseq) << what;
  EXPECT_EQ(a.branch, b.branch) << what;
  EXPECT_EQ(a.from_tag, b.from_tag) << what;
  EXPECT_EQ(a.to_tag, b.to_tag) << what;
}

TEST(MessageSummary, TagFromNameAddrAndAddrSpec) {
  EXPECT_EQ(name_addr_tag("<sip:a@b>;tag=x1"), "x1");
  EXPECT_EQ(name_addr_tag("Bob <sip:a@b;tag=uri-param>;tag=x2"), "x2");
  EXPECT_EQ(name_addr_tag("sip:a@b;tag=x3;other"), "x3");
  EXPECT_EQ(name_addr_tag("\"Bob <x>;tag=no\" <sip:a@b> ; TAG = x4"), "x4");
  EXPECT_EQ(name_addr_tag("<sip:a@b>;p=\"q;tag=no\";tag=x5"), "x5");
  EXPECT_EQ(name_addr_tag("<sip:a@b;tag=uri-param>"), std::nullopt);
  EXPECT_EQ(name_addr_tag("sip:a@b"), std::nullopt);
  EXPECT_EQ(name_addr_tag("<sip:a@b"), std::nullopt);
}

TEST(MessageSummary, BranchOfTheFirstViaParm) {
  EXPECT_EQ(via_branch("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;rport"), "z9hG4bKa");
  EXPECT_EQ(via_branch("SIP/2.0/UDP [2001:db8::1]:5060 ; received=192.0.2.9 ;BRANCH= z9hG4bKb"), "z9hG4bKb");
  EXPECT_EQ(via_branch("SIP/2.0/UDP h;x=\"a,;branch=no\";branch=z9hG4bKc"), "z9hG4bKc");
  EXPECT_EQ(via_branch("SIP/2.0/UDP h;rport, SIP/2.0/UDP g;branch=z9hG4bKnext"), std::nullopt);
  EXPECT_EQ(via_branch("SIP/2.0/UDP h, SIP/2.0/UDP g;branch=z9hG4bKnext"), std::nullopt);
  EXPECT_EQ(via_branch("SIP/2.0/UDP h"), std::nullopt);
}

TEST(MessageSummary, EqualsTheFullParseOnEveryRfc4475MessageThatParses) {
  std::size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SIPLAB_RFC4475_DIR)) {
    if (entry.path().extension() != ".sip") continue;
    auto parsed = parse_message(read_file(entry.path()));
    if (!parsed.ok()) continue;
    expect_same(summarize(*parsed), summarize_by_parsing(*parsed), entry.path().filename().string());
    ++compared;
  }
  EXPECT_GE(compared, 15u);  // the torture tests' valid messages (RFC 4475 §3.1.1)
}

}  // namespace
}  // namespace siplab::sip
