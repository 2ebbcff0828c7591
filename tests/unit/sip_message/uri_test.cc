// URIs: RFC 3261 §19.1 components, escaping, IPv6, other schemes, and the
// §19.1.4 comparison examples.
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "models/sip/message/internal.h"
#include "models/sip/message/parser.h"
#include "models/sip/message/uri.h"

namespace siplab::sip {
namespace {

Uri must_parse(std::string_view text) {
  auto u = parse_uri(text);
  EXPECT_TRUE(u.ok()) << text << ": " << (u.ok() ? "" : u.error().reason);
  return u.ok() ? *u : Uri{};
}

TEST(Uri, ParsesEveryComponent) {
  Uri u = must_parse("sips:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1;ttl=15?subject=project%20x&priority=urgent");
  EXPECT_EQ(u.scheme, UriScheme::Sips);
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.host, "atlanta.com");
  EXPECT_EQ(u.host_kind, HostKind::Name);
  EXPECT_EQ(u.port, 5061);
  ASSERT_EQ(u.params.size(), 4u);
  EXPECT_EQ(u.transport(), "tcp");
  EXPECT_TRUE(u.lr());
  EXPECT_EQ(u.params[1].value, std::nullopt);
  EXPECT_EQ(u.maddr(), "239.255.255.1");
  EXPECT_EQ(u.ttl(), "15");
  ASSERT_EQ(u.headers.size(), 2u);
  EXPECT_EQ(u.headers[0].name, "subject");
  EXPECT_EQ(u.headers[0].value, "project%20x");
  EXPECT_EQ(u.headers[1].value, "urgent");
  EXPECT_EQ(u.to_string(),
            "sips:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1;ttl=15?subject=project%20x&priority=urgent");
}

TEST(Uri, HostKinds) {
  EXPECT_EQ(must_parse("sip:192.0.2.1").host_kind, HostKind::IPv4);
  Uri v6 = must_parse("sip:bob@[2001:db8::10]:5070;transport=udp");
  EXPECT_EQ(v6.host_kind, HostKind::IPv6);
  EXPECT_EQ(v6.host, "2001:db8::10");
  EXPECT_EQ(v6.port, 5070);
  EXPECT_EQ(v6.host_port(), "[2001:db8::10]:5070");
  EXPECT_EQ(v6.to_string(), "sip:bob@[2001:db8::10]:5070;transport=udp");
  EXPECT_EQ(must_parse("sip:example.com.").host_kind, HostKind::Name);
  EXPECT_EQ(must_parse("sip:a").port_or_default(), 5060);
  EXPECT_EQ(must_parse("sips:a").port_or_default(), 5061);
}

TEST(Uri, RejectsMalformedWithOffsets) {
  struct Case {
    std::string_view text;
    std::size_t offset;
    std::string_view reason;
  };
  const Case cases[] = {
      {"sip:bob@[2001:db8::1", 8, "unterminated IPv6 reference"},
      {"sip:bob@[2001:zz::1]", 9, "invalid IPv6 address"},
      {"sip:bob@host:70000", 13, "port exceeds 65535"},
      {"sip:bob@host:", 13, "invalid port"},
      {"sip:bob@biloxi.com:0065536", 19, "port exceeds 65535"},
      {"sip:bob@host:99999999999999999999", 13, "port exceeds 65535"},
      {"sip:bob@host:50a", 13, "invalid port"},
      {"sip:@host", 4, "empty user part in SIP URI"},
      {"sip:b%4@host", 4, "invalid character or escape in URI user part"},
      {"sip:host;;lr", 9, "empty URI parameter"},
      {"sip:host;a=", 11, "empty URI parameter value"},
      {"sip:host?x", 9, "URI header must be hname=hvalue"},
      {"sip:-bad-.com", 4, "invalid host"},
      {"sip:300.1.1.1", 4, "invalid host"},
      {"nocolon", 0, "URI has no scheme"},
      {"1sip:x", 0, "URI scheme must start with a letter"},
      {"tel:+1 555", 6, "invalid character in absolute URI"},
      {"sip:user@host name", 4 + 5, "invalid host"},
  };
  for (const Case& c : cases) {
    auto u = parse_uri(c.text);
    ASSERT_FALSE(u.ok()) << c.text;
    EXPECT_EQ(u.error().offset, c.offset) << c.text;
    EXPECT_EQ(u.error().reason, c.reason) << c.text;
  }
}

// hostname = *( domainlabel "." ) toplabel [ "." ] (RFC 3261 §25.1): each
// label is alphanum / "-" without a leading or trailing "-", and the top
// label starts with a letter.  Pins the one-pass checker label by label.
// §25.1 port = 1*DIGIT: leading zeros do not count against the value,
// on the hostname fast path (16 bytes or more) and the general one alike.
TEST(Uri, PortMayHaveLeadingZeros) {
  EXPECT_EQ(must_parse("sip:bob@biloxi.com:005060").port, 5060);
  EXPECT_EQ(must_parse("sip:bob@biloxi.com:0000000000065535;transport=udp").port, 65535);
  EXPECT_EQ(must_parse("sip:b@h:005060").port, 5060);
  EXPECT_EQ(must_parse("sip:bob@192.0.2.1:000000").port, 0);
  EXPECT_EQ(must_parse("sip:bob@[2001:db8::1]:0005061").port, 5061);
  auto request = parse_message(
      "OPTIONS sip:bob@biloxi.com:005060 SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776\r\n"
      "To: <sip:bob@biloxi.com:005060>\r\nFrom: <sip:alice@atlanta.com>;tag=1\r\nCall-ID: a@b\r\n"
      "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(request.ok()) << request.error().reason;
  EXPECT_EQ(request->request_uri().port, 5060);
  EXPECT_EQ(request->to()->uri.port, 5060);
}

TEST(Uri, HostnameLabelRules) {
  for (std::string_view host : {"a", "a.b", "example.com.", "a-b.c--d.org", "x1.y", "a.b2c", "A9.Z-z"}) {
    auto u = parse_uri("sip:" + std::string(host));
    ASSERT_TRUE(u.ok()) << host;
    EXPECT_EQ(u->host, host);
    EXPECT_EQ(u->host_kind, HostKind::Name) << host;
  }
  for (std::string_view host : {"a..b", ".a", "a-.b", "a.-b", "a.1b", "a..", "a_b.com", "-a", "a-", "a.b-", "."}) {
    auto u = parse_uri("sip:" + std::string(host));
    ASSERT_FALSE(u.ok()) << host;
    EXPECT_EQ(u.error().offset, 4u) << host;
    EXPECT_EQ(u.error().reason, "invalid host") << host;
  }
}

TEST(Uri, OtherSchemesAreOpaque) {
  Uri tel = must_parse("tel:+1-201-555-0123;phone-context=example.com");
  EXPECT_EQ(tel.scheme, UriScheme::Other);
  EXPECT_EQ(tel.scheme_text, "tel");
  EXPECT_EQ(tel.opaque, "+1-201-555-0123;phone-context=example.com");
  EXPECT_FALSE(tel.is_sip_or_sips());
  EXPECT_EQ(tel.to_string(), "tel:+1-201-555-0123;phone-context=example.com");
  EXPECT_EQ(must_parse("im:fred@example.com").opaque, "fred@example.com");
}

TEST(Uri, UserPartMayHoldSemicolonsAndEscapes) {
  // RFC 4475 §3.1.1.9 and §3.1.1.3.
  Uri u = must_parse("sip:user;par=u%40example.net@example.com");
  EXPECT_EQ(u.user, "user;par=u%40example.net");
  EXPECT_EQ(unescape(u.user), "user;par=u@example.net");
  EXPECT_TRUE(u.params.empty());
  Uri nested = must_parse("sip:sips%3Auser%40example.com@example.net");
  EXPECT_EQ(unescape(nested.user), "sips:user@example.com");
}

TEST(Uri, EscapingAndUnescaping) {
  EXPECT_EQ(unescape("I%20have%20spaces"), "I have spaces");
  EXPECT_EQ(unescape("null-%00-null"), std::string("null-\0-null", 11));
  EXPECT_EQ(unescape("%4"), std::nullopt);
  EXPECT_EQ(unescape("%zz"), std::nullopt);
  EXPECT_EQ(escape_user("alice smith@x"), "alice%20smith%40x");
  EXPECT_EQ(escape_user("a;b?c/d"), "a;b?c/d");  // user-unreserved stay
  EXPECT_EQ(escape_password("p:w@d"), "p%3Aw%40d");
  EXPECT_EQ(escape_param("a;b=c"), "a%3Bb%3Dc");
  EXPECT_EQ(escape_header("<sip:a@b>"), "%3Csip:a%40b%3E");
  EXPECT_EQ(escape_user(std::string("\0", 1)), "%00");
}

// RFC 3261 §19.1.4: the equivalent pairs...
TEST(UriComparison, Rfc3261EquivalentExamples) {
  const std::pair<std::string_view, std::string_view> equal[] = {
      {"sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com;security=on"},
      {"sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"},
      {"sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
       "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"},
      {"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
       "sip:alice@atlanta.com?priority=urgent&subject=project%20x"},
  };
  for (auto [a, b] : equal) {
    EXPECT_TRUE(uri_equivalent(must_parse(a), must_parse(b))) << a << " vs " << b;
    EXPECT_TRUE(uri_equivalent(must_parse(b), must_parse(a))) << b << " vs " << a;
  }
}

// ...and the non-equivalent ones.
TEST(UriComparison, Rfc3261NonEquivalentExamples) {
  const std::pair<std::string_view, std::string_view> different[] = {
      {"SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"},
      {"sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"},
      {"sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"},
      {"sip:alice@atlanta.com", "sips:alice@atlanta.com"},
      {"sip:alice@atlanta.com;maddr=239.1.1.1", "sip:alice@atlanta.com"},
      {"sip:alice@atlanta.com;user=phone", "sip:alice@atlanta.com"},
      {"sip:a%3Bb@x.com", "sip:a;b@x.com"},  // escaped reserved char is not the char
  };
  for (auto [a, b] : different) {
    EXPECT_FALSE(uri_equivalent(must_parse(a), must_parse(b))) << a << " vs " << b;
    EXPECT_FALSE(uri_equivalent(must_parse(b), must_parse(a))) << b << " vs " << a;
  }
}

TEST(Uri, BuildAndSerialize) {
  Uri u;
  u.scheme = UriScheme::Sips;
  u.user = escape_user("bob smith");
  u.host = "2001:db8::1";
  u.host_kind = HostKind::IPv6;
  u.port = 5061;
  set_param(u.params, "lr", std::nullopt);
  set_param(u.params, "transport", "tls");
  EXPECT_EQ(u.to_string(), "sips:bob%20smith@[2001:db8::1]:5061;lr;transport=tls");
  auto back = parse_uri(u.to_string());
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(uri_equivalent(*back, u));
  EXPECT_EQ(unescape(back->user), "bob smith");
}

}  // namespace
}  // namespace siplab::sip

namespace siplab::sip {
namespace {

// hostname = *( domainlabel "." ) toplabel [ "." ]; domainlabel = alphanum
// / alphanum *( alphanum / "-" ) alphanum; toplabel starts with ALPHA
// (RFC 3261 §25.1), written as plainly as possible to check the parser's
// word-at-a-time version against.
bool reference_hostname(std::string s) {
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s.empty()) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80; };
  std::vector<std::string> labels(1);
  for (char c : s) {
    if (c == '.') {
      labels.emplace_back();
    } else {
      labels.back() += c;
    }
  }
  for (const std::string& l : labels) {
    if (l.empty() || !alnum(l.front()) || !alnum(l.back())) return false;
    for (char c : l)
      if (!alnum(c) && c != '-') return false;
  }
  return std::isalpha(static_cast<unsigned char>(labels.back().front())) != 0;
}

TEST(Hostname, AgreesWithTheGrammarOnRandomHostsOfEveryLength) {
  // Deterministic generator (SplitMix64): the same cases on every run.
  uint64_t state = 42;
  auto next = [&] {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  const std::string alphabet = "aZq09-..-_\xC3\xA9";
  std::size_t valid = 0;
  for (int n = 0; n < 20000; ++n) {
    std::size_t len = 1 + next() % 80;
    std::string host;
    for (std::size_t i = 0; i < len; ++i) {
      // Mostly letters and digits so that valid hosts are common.
      uint64_t r = next() % 16;
      host += r < 12 ? "abcxyzAQ0129"[r] : alphabet[next() % alphabet.size()];
    }
    const auto kind = internal::classify_host(host);
    const bool is_name = kind == HostKind::Name;
    // classify_host tries IPv4 first; none of these can be IPv4 unless all digits and dots.
    if (kind == HostKind::IPv4) continue;
    EXPECT_EQ(is_name, reference_hostname(host)) << "'" << host << "'";
    valid += is_name;
  }
  EXPECT_GT(valid, 1000u);
  for (const std::string& host : std::vector<std::string>{"a", "a.", "a.b", "1.a", "a.1", "a-b.c", "-a.b", "a-.b", "a..b", ".a", "a.b.", "a.b..",
                           "x.example.com", std::string(63, 'a') + ".b", std::string(64, 'a'), std::string(65, 'a'),
                           std::string(70, 'a') + "-.b", std::string(70, 'a') + ".9"}) {
    EXPECT_EQ(internal::classify_host(host) == HostKind::Name, reference_hostname(host)) << host;
  }
}

}  // namespace
}  // namespace siplab::sip
