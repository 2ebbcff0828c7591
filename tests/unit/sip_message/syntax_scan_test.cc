// The parser's fast scanners (SIMD blocks, overlapping tail loads, 8-byte
// words) against plain byte loops, on random texts of every length around
// the 8/16-byte block edges.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <random>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "models/sip/message/header_values.h"
#include "models/sip/message/internal.h"
#include "models/sip/message/syntax.h"
#include "models/sip/message/uri.h"
#include "tests/unit/sip_message/parser_test_references.h"

namespace siplab::sip {
namespace {

constexpr std::size_t npos = std::string_view::npos;

std::size_t reference_find(std::string_view s, std::size_t from, char a, char b) {
  for (std::size_t i = from; i < s.size(); ++i)
    if (s[i] == a || s[i] == b) return i;
  return npos;
}

// Texts drawn from a small alphabet so that matches land everywhere,
// including right at block and word edges.
std::string random_text(std::mt19937_64& rng, std::size_t n, std::string_view alphabet) {
  std::string s(n, 'x');
  for (char& c : s) c = alphabet[rng() % alphabet.size()];
  return s;
}

TEST(SyntaxScan, FindByteMatchesAByteLoopAtEveryLengthAndStart) {
  std::mt19937_64 rng(7);
  std::size_t checked = 0, found = 0;
  for (std::size_t n = 0; n <= 70; ++n)
    for (int round = 0; round < 40; ++round) {
      // Mostly 'a' with a rare target, so the first match moves around.
      const std::string text = random_text(rng, n, "aaaaaaaaaaaaaaa:\xff");
      for (std::size_t from = 0; from <= n + 1; ++from) {
        const std::size_t want = reference_find(text, from, ':', ':');
        ASSERT_EQ(syntax::find_byte(text, from, ':'), want) << "n=" << n << " from=" << from << " text=" << text;
        ++checked;
        found += want != npos;
      }
    }
  EXPECT_GT(found, checked / 4);  // the inputs did exercise hits, not only misses
}

TEST(SyntaxScan, FindByteSeesNoMatchOutsideItsView) {
  // The byte right before and right after the view is the target: a scan
  // that strays outside would report it.
  const std::string backing = ":" + std::string(40, 'a') + ":";
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string_view view(backing.data() + 1, n);
    EXPECT_EQ(syntax::find_byte(view, 0, ':'), npos) << n;
    EXPECT_EQ(syntax::find_either(view, 0, ':', ';'), npos) << n;
  }
}

TEST(SyntaxScan, FindEitherMatchesAByteLoop) {
  std::mt19937_64 rng(11);
  for (std::size_t n = 0; n <= 70; ++n)
    for (int round = 0; round < 40; ++round) {
      const std::string text = random_text(rng, n, "bbbbbbbbbbbbbbbbbbbb;?");
      for (std::size_t from = 0; from <= n + 1; ++from)
        ASSERT_EQ(syntax::find_either(text, from, ';', '?'), reference_find(text, from, ';', '?'))
            << "n=" << n << " from=" << from << " text=" << text;
    }
}

TEST(SyntaxScan, FindByteAtBlockEdges) {
  // A single target at each position of texts 8, 15, 16, 17, 31, 32, 33 long.
  for (std::size_t n : {8u, 9u, 15u, 16u, 17u, 31u, 32u, 33u, 64u, 65u})
    for (std::size_t at = 0; at < n; ++at) {
      std::string text(n, '-');
      text[at] = '@';
      EXPECT_EQ(syntax::find_byte(text, 0, '@'), at) << n;
      EXPECT_EQ(syntax::find_byte(text, at, '@'), at) << n;
      EXPECT_EQ(syntax::find_byte(text, at + 1, '@'), npos) << n;
      EXPECT_EQ(syntax::find_either(text, 0, '?', '@'), at) << n;
    }
}

// The class spans (SSE2 blocks, or four bytes a step) against kTable, byte by byte, over every byte value
// (controls, DEL, >= 0x80 included) and every length and start.
template <typename Span>
void check_span(Span span, uint16_t cls, uint64_t seed, std::string_view members = "aF09-.x") {
  std::mt19937_64 rng(seed);
  std::size_t long_runs = 0;
  for (std::size_t n = 0; n <= 80; ++n)
    for (int round = 0; round < 30; ++round) {
      std::string text(n, 'a');
      // Mostly class members (runs cross block edges), with random others.
      for (char& c : text) c = rng() % 8 == 0 ? static_cast<char>(rng() % 256) : members[rng() % members.size()];
      for (std::size_t from = 0; from <= n + 1; ++from) {
        std::size_t want = from;
        while (want < n && syntax::is(text[want], cls)) ++want;
        ASSERT_EQ(span(text, from), want) << "n=" << n << " from=" << from;
        long_runs += want - from >= 16;
      }
    }
  EXPECT_GT(long_runs, 100u);
}

TEST(SyntaxScan, SpanTokenMatchesTheTable) { check_span(syntax::span_token, syntax::kToken, 4); }
TEST(SyntaxScan, SpanTokenOrColonMatchesTheTable) {
  check_span(syntax::span_token_or_colon, syntax::kTokenOrColon, 5, "aF09-.x::");
}
TEST(SyntaxScan, SpanHexMatchesTheTable) { check_span(syntax::span_hex, syntax::kHexDigit, 8, "aAfF09"); }
TEST(SyntaxScan, SpanWordMatchesTheTable) { check_span(syntax::span_word, syntax::kWord, 5); }
TEST(SyntaxScan, SpanHostCharsMatchesTheTable) { check_span(syntax::span_host_chars, syntax::kHostChar, 6); }

TEST(SyntaxScan, EveryByteValueIsClassifiedLikeTheTable) {
  // Each byte value once inside a 16-byte block of class members.
  for (int b = 0; b < 256; ++b) {
    std::string text(40, 'a');
    text[20] = static_cast<char>(b);
    const std::size_t word_end = syntax::is(text[20], syntax::kWord) ? 40 : 20;
    const std::size_t host_end = syntax::is(text[20], syntax::kHostChar) ? 40 : 20;
    const std::size_t token_end = syntax::is(text[20], syntax::kToken) ? 40 : 20;
    const std::size_t hex_end = syntax::is(text[20], syntax::kHexDigit) ? 40 : 20;
    EXPECT_EQ(syntax::span_hex(text, 3), hex_end) << b;
    EXPECT_EQ(syntax::span_token(text, 3), token_end) << b;
    EXPECT_EQ(syntax::span_word(text, 3), word_end) << b;
    EXPECT_EQ(syntax::span_host_chars(text, 3), host_end) << b;
  }
}

// §25.1 host for a text without ':' or '[': IPv4address or hostname, the
// grammar written out label by label.
using test::reference_ipv4;
bool reference_hostname(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty()) return false;
  std::string_view label;
  while (true) {
    const std::size_t dot = s.find('.');
    label = s.substr(0, dot);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return std::isalpha(static_cast<unsigned char>(label.front())) != 0;
}

TEST(SyntaxScan, UriHostsOfEveryLengthFollowTheGrammar) {
  std::mt19937_64 rng(9);
  std::size_t names = 0, addresses = 0, rejected = 0;
  for (std::size_t n = 1; n <= 70; ++n)
    for (int round = 0; round < 60; ++round) {
      std::string host(n, 'a');
      for (char& c : host) c = "ab-.Z19..9"[rng() % (round < 30 ? 10 : 6)];
      if (round % 7 == 0) host[rng() % n] = static_cast<char>("_~\x7f\x80 !"[rng() % 6]);
      const auto uri = parse_uri("sip:" + host);
      const bool v4 = reference_ipv4(host), name = !v4 && reference_hostname(host);
      ASSERT_EQ(static_cast<bool>(uri), v4 || name) << host;
      if (!uri) {
        ++rejected;
        continue;
      }
      EXPECT_EQ(uri->host, host);
      EXPECT_EQ(uri->host_kind, v4 ? HostKind::IPv4 : HostKind::Name) << host;
      (v4 ? addresses : names)++;
    }
  EXPECT_GT(names, 200u);
  EXPECT_GT(rejected, 300u);
  EXPECT_GT(addresses + names + rejected, 4000u);
}

// The one-pass hostport of 16-64 bytes (hostname, ':' port, then ';' or
// '?') against the grammar: hosts and ports of every length, valid or not,
// after a userinfo, with and without parameters and headers.
TEST(SyntaxScan, UriHostPortsFollowTheGrammar) {
  std::mt19937_64 rng(12);
  // §25.1 port = 1*DIGIT: leading zeros count for nothing ("0000005060").
  const std::string ports[] = {"", "5060", "0", "65535", "65536", "123456", "", "5a", "00005", "0000005060",
                               "000000065536"};
  // The port's value, capped past 65535; -1 when it is not 1*DIGIT.
  auto port_value = [](const std::string& port) -> long {
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) return -1;
    long v = 0;
    for (char c : port) v = std::min(v * 10 + (c - '0'), 1000000L);
    return v;
  };
  const std::string tails[] = {"", ";transport=udp", "?subject=x", ";lr;maddr=h.example.com?a=b"};
  std::size_t fast_sized = 0, ok = 0;
  for (std::size_t n = 1; n <= 60; ++n)
    for (int round = 0; round < 40; ++round) {
      std::string host(n, 'a');
      if (round % 3 != 0) {
        // Labels of letters and digits, "-" inside, "." between: mostly valid.
        for (std::size_t k = 0; k < n; ++k) host[k] = "abcZ0123"[rng() % 8];
        for (std::size_t k = 1; k + 1 < n; ++k)
          if (rng() % 6 == 0) host[k] = rng() % 3 == 0 ? '-' : '.';
      } else {
        for (char& c : host) c = "ab-.Z19..9"[rng() % 10];
      }
      if (round % 9 == 0) host[rng() % n] = static_cast<char>("_~\x7f\x80 !"[rng() % 6]);
      const std::string& port = ports[rng() % std::size(ports)];
      const bool has_port = rng() % 2 == 0;
      const std::string hostport = host + (has_port ? ":" + port : "");
      const std::string& tail = tails[rng() % std::size(tails)];
      const std::string text = "sip:alice@" + hostport + tail;
      fast_sized += hostport.size() + tail.size() >= 16 && hostport.size() + tail.size() <= 64;
      const bool v4 = reference_ipv4(host), name = !v4 && reference_hostname(host);
      bool port_ok = true;
      if (has_port) {
        port_ok = port_value(port) >= 0 && port_value(port) <= 65535;
      }
      const auto uri = parse_uri(text);
      ASSERT_EQ(static_cast<bool>(uri), (v4 || name) && port_ok) << text;
      if (!uri) {
        const std::string want = !(v4 || name) ? "invalid host"
                                 : port_value(port) < 0
                                     ? "invalid port"
                                     : "port exceeds 65535";
        EXPECT_EQ(uri.error().reason, want) << text;
        EXPECT_EQ(uri.error().offset, want == "invalid host" ? 10u : 10u + host.size() + 1) << text;
        continue;
      }
      ++ok;
      EXPECT_EQ(uri->host, host) << text;
      EXPECT_EQ(uri->host_kind, v4 ? HostKind::IPv4 : HostKind::Name) << text;
      EXPECT_EQ(uri->port.has_value(), has_port) << text;
      if (has_port) {
        EXPECT_EQ(*uri->port, std::stoul(port)) << text;
      }
      // Serialized back unchanged (a port with leading zeros is printed as a number).
      if (!has_port || port.size() == 1 || port[0] != '0') {
        EXPECT_EQ(uri->to_string(), text) << text;
      }
    }
  EXPECT_GT(fast_sized, 1000u);
  EXPECT_GT(ok, 300u);
}

// Via sent-by hosts (found and checked in one pass when they are
// hostnames) of every length, valid or not, at every offset in the value.
TEST(SyntaxScan, ViaHostsFollowTheGrammar) {
  std::mt19937_64 rng(21);
  std::size_t names = 0, rejected = 0;
  for (std::size_t n = 1; n <= 72; ++n)
    for (int round = 0; round < 40; ++round) {
      std::string host(n, 'a');
      for (std::size_t k = 0; k < n; ++k) host[k] = "abcZ0123"[rng() % 8];
      for (std::size_t k = 1; k + 1 < n; ++k)
        if (rng() % 6 == 0) host[k] = rng() % 3 == 0 ? '-' : '.';
      if (round % 4 == 0) host[rng() % n] = "-.9."[rng() % 4];  // host bytes: the run stays whole
      const std::string protocol = round % 2 == 0 ? "SIP/2.0/UDP " : "SIP / 2.0 / TCP  ";
      static const std::string kTails[] = {"", ":5060", ";branch=z9hG4bK1", " ;rport", ":7;received=192.0.2.1"};
      const std::string& tail = kTails[rng() % std::size(kTails)];
      const std::string text = protocol + host + tail;
      // What follows the host run is ':' ';' ' ' or the end, never a host byte.
      const bool v4 = reference_ipv4(host), name = !v4 && reference_hostname(host);
      const auto via = parse_via(text);
      ASSERT_EQ(static_cast<bool>(via), v4 || name) << text;
      if (!via) {
        EXPECT_EQ(via.error().reason, "invalid host in Via sent-by") << text;
        EXPECT_EQ(via.error().offset, protocol.size()) << text;
        ++rejected;
        continue;
      }
      EXPECT_EQ(via->host, host) << text;
      EXPECT_EQ(via->host_kind, v4 ? HostKind::IPv4 : HostKind::Name) << text;
      names += name;
    }
  EXPECT_GT(names, 500u);
  EXPECT_GT(rejected, 300u);
}

TEST(SyntaxScan, ParseUintFastAgreesWithParseUint) {
  const std::vector<std::string> inputs = {"", "0", "7", "70", "255", "256", "65535", "65536", "4294967295",
                                           "4294967296", "00000000000000000000000042", "99999999999999999999999",
                                           "1a", "a1", " 1", "1 ", "-1", "+1", "12345678901"};
  for (uint32_t max : {255u, 65535u, 0xFFFFFFFFu})
    for (const std::string& in : inputs) {
      uint32_t fast = 0;
      const bool ok = internal::parse_uint_fast(in, max, fast);
      const auto slow = parse_uint(in, max);
      ASSERT_EQ(ok, static_cast<bool>(slow)) << in << " max=" << max;
      if (ok) {
        EXPECT_EQ(fast, *slow) << in;
      }
    }
}

}  // namespace
}  // namespace siplab::sip
