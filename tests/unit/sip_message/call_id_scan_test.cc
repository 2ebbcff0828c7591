// parse_call_id() spans its words 16 bytes at a time once a value has 16
// bytes or more (syntax::span_word).  These tests hold it to the grammar,
// callid = word [ "@" word ] (RFC 3261 §25.1), checked byte by byte here,
// at every length around the block edges and with the '@' and the
// offending byte at every position, errors included.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include "models/sip/message/header_values.h"

namespace siplab::sip {
namespace {

// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" /
//        "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" /
//        "]" / "?" / "{" / "}")
bool is_word_byte(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-.!%*_+`'~()<>:\\\"/[]?{}").find(c) != std::string_view::npos;
}

bool reference_valid(std::string_view v) {
  const std::size_t at = v.find('@');
  const std::string_view first = v.substr(0, at);
  const std::string_view second = at == std::string_view::npos ? std::string_view("x") : v.substr(at + 1);
  auto word = [](std::string_view w) {
    if (w.empty()) return false;
    for (char c : w)
      if (!is_word_byte(c)) return false;
    return true;
  };
  return word(first) && word(second);
}

TEST(CallIdScan, AgreesWithTheGrammarOnRandomValues) {
  // Word bytes mostly, with '@' and bytes outside word (SP, ';', '#', '=',
  // '^', '|', ',', '$', '&', DEL, NUL, 0x80, 0xFF, TAB) now and then.
  static constexpr std::string_view kWord = "aZ09-.!%*_+`'~()<>:\\\"/[]?{}";
  static constexpr char kOther[] = {' ', ';', '#', '=', '^', '|', ',', '$', '&', '\x7f', '\0', '\x80', '\xff', '\t'};
  std::mt19937_64 rng(3261);
  int valid = 0, invalid = 0;
  for (int round = 0; round < 200000; ++round) {
    const std::size_t n = rng() % 70;
    std::string v(n, 'a');
    for (char& c : v) {
      const auto r = rng() % 64;
      c = r == 0 ? '@' : r == 1 ? kOther[rng() % sizeof(kOther)] : kWord[rng() % kWord.size()];
    }
    // Half the time exactly one '@' at a random place (the common shape).
    if (n > 0 && rng() % 2 == 0) {
      for (char& c : v)
        if (c == '@') c = 'x';
      v[rng() % n] = '@';
    }
    const bool want = reference_valid(v);
    const auto got = parse_call_id(v);
    ASSERT_EQ(got.ok(), want) << "[" << v << "] length " << n;
    if (want) {
      ASSERT_EQ(got.value(), std::string_view(v));
      ++valid;
    } else {
      ++invalid;
    }
  }
  EXPECT_GT(valid, 40000);
  EXPECT_GT(invalid, 40000);
}

TEST(CallIdScan, EdgePositionsAroundTheBlocks) {
  for (std::size_t n = 14; n <= 50; ++n) {
    const std::string plain(n, 'k');
    EXPECT_TRUE(parse_call_id(plain).ok()) << n;
    for (std::size_t at = 0; at < n; ++at) {
      std::string v = plain;
      v[at] = '@';
      // '@' first or last is misplaced; anywhere else splits two words.
      const auto r = parse_call_id(v);
      if (at == 0 || at + 1 == n) {
        ASSERT_FALSE(r.ok()) << n << " " << at;
        EXPECT_EQ(r.error().reason, "misplaced '@' in Call-ID");
        EXPECT_EQ(r.error().offset, at);
      } else {
        ASSERT_TRUE(r.ok()) << n << " " << at;
      }
      // One byte outside word, at every position.
      v = plain;
      v[at] = ' ';
      const auto bad = parse_call_id(v);
      ASSERT_FALSE(bad.ok()) << n << " " << at;
      EXPECT_EQ(bad.error().reason, "invalid character in Call-ID");
      EXPECT_EQ(bad.error().offset, at);
    }
    // A second '@' anywhere after the first.
    std::string two = plain;
    two[3] = '@';
    two[n - 2] = '@';
    const auto r = parse_call_id(two);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().reason, "misplaced '@' in Call-ID");
    EXPECT_EQ(r.error().offset, n - 2);
  }
}

}  // namespace
}  // namespace siplab::sip
