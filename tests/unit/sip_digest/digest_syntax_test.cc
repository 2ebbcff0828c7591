// auth-param syntax: parsing, canonical serialization, round trips, other
// schemes, and malformed values reported with exact offsets and reasons.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "models/sip/message/digest.h"

namespace siplab::sip {
namespace {

TEST(DigestSyntax, SerializesChallengeCanonically) {
  DigestChallenge c;
  c.realm = "biloxi.com";
  c.domain = {"sip:biloxi.com", "sip:ss1.biloxi.com"};
  c.nonce = "n\"1\\";
  c.opaque = "";
  c.stale = true;
  c.algorithm = "SHA-256";
  c.qop_options = {"auth", "auth-int"};
  c.other_params = {{"x-token", "abc", false}, {"x-quoted", "a b", true}};
  const std::string text = serialize(c);
  EXPECT_EQ(text,
            "Digest realm=\"biloxi.com\", domain=\"sip:biloxi.com sip:ss1.biloxi.com\", "
            "nonce=\"n\\\"1\\\\\", opaque=\"\", stale=true, algorithm=SHA-256, "
            "qop=\"auth,auth-int\", x-token=abc, x-quoted=\"a b\"");
  const auto back = parse_challenge(text);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(std::get<DigestChallenge>(back.value()), c);
}

TEST(DigestSyntax, SerializesCredentialsCanonically) {
  DigestCredentials c;
  c.username = "bob";
  c.realm = "biloxi.com";
  c.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  c.uri = "sip:bob@biloxi.com";
  c.response = "89eb0059246c02b2f6ee02c7961d5ea3";
  c.algorithm = "MD5";
  c.cnonce = "0a4f113b";
  c.opaque = "5ccc069c403ebaf9f0171e9517f40e41";
  c.qop = "auth";
  c.nc = "00000001";
  const std::string text = serialize(c);
  // RFC 7616 §3.4: algorithm, qop and nc as tokens, the rest quoted.
  EXPECT_EQ(text,
            "Digest username=\"bob\", realm=\"biloxi.com\", "
            "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:bob@biloxi.com\", "
            "response=\"89eb0059246c02b2f6ee02c7961d5ea3\", algorithm=MD5, cnonce=\"0a4f113b\", "
            "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", qop=auth, nc=00000001");
  const auto back = parse_credentials(text);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(std::get<DigestCredentials>(back.value()), c);
}

TEST(DigestSyntax, SmithClarksonAuthorizationParses) {
  const auto parsed = parse_credentials(
      "Digest username=\"bob\",\r\n"
      "           realm=\"biloxi.com\",\r\n"
      "           nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
      "           uri=\"sip:bob@biloxi.com\",\r\n"
      "           qop=auth,\r\n"
      "           algorithm=MD5,\r\n"
      "           nc=00000001,\r\n"
      "           cnonce=\"0a4f113b\",\r\n"
      "           response=\"89eb0059246c02b2f6ee02c7961d5ea3\",\r\n"
      "           opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  const auto& c = std::get<DigestCredentials>(parsed.value());
  EXPECT_EQ(verify_digest(c, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::Ok);
}

TEST(DigestSyntax, NamesAndSchemeAreCaseInsensitiveTokensAndQuotedBothAccepted) {
  // RFC 7235 §2.1/§2.2: scheme and parameter names case-insensitive; values
  // may be token or quoted-string.
  const auto parsed = parse_credentials(
      "digest USERNAME=bob,Realm=biloxi.com,NONCE=\"abc\",Uri=\"sip:bob@biloxi.com\","
      "Response=\"\",QOP=\"auth\",Nc=0000000A,CNonce=xyz,Algorithm=\"md5-SESS\"");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  const auto& c = std::get<DigestCredentials>(parsed.value());
  EXPECT_EQ(c.username, "bob");
  EXPECT_EQ(c.realm, "biloxi.com");
  EXPECT_EQ(c.response, "");
  EXPECT_EQ(c.qop, "auth");
  EXPECT_EQ(c.nc, "0000000A");
  EXPECT_EQ(c.cnonce, "xyz");
  EXPECT_EQ(c.algorithm, "md5-SESS");
  EXPECT_EQ(parse_digest_algorithm(c.algorithm), DigestAlgorithm::Md5Sess);
  EXPECT_TRUE(c.other_params.empty());
}

TEST(DigestSyntax, QuotedPairsAreResolvedAndReEscaped) {
  const auto parsed = parse_challenge(R"(Digest realm="a\"b\\c\d", nonce="x")");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  const auto& c = std::get<DigestChallenge>(parsed.value());
  EXPECT_EQ(c.realm, "a\"b\\cd");
  EXPECT_EQ(serialize(c), R"(Digest realm="a\"b\\cd", nonce="x")");
}

TEST(DigestSyntax, FoldInsideQuotesReadsAsOneSpace) {
  // RFC 3261 §7.3.1: a fold (CRLF 1*WSP) is equivalent to SP.
  const auto parsed = parse_challenge("Digest realm=\"a\r\n \tb\", nonce=\"n\"");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  EXPECT_EQ(std::get<DigestChallenge>(parsed.value()).realm, "a b");
  const auto other = parse_credentials("Basic abc\r\n def");
  ASSERT_TRUE(other.ok()) << other.error().reason;
  EXPECT_EQ(std::get<OtherAuthScheme>(other.value()).data, "abc\r\n def");
}

TEST(DigestSyntax, ControlCharactersAreReEscapedAndLineBreaksNeverEmitted) {
  // Found by fuzz_sip_digest: an escaped NUL ("\\\0") was written back raw,
  // and the raw NUL does not parse.  quoted-pair covers %x00-09 / %x0B-0C.
  const std::string text("Digest realm=\"a\\\0b\", nonce=\"n\"", 30);
  const auto parsed = parse_challenge(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  EXPECT_EQ(std::get<DigestChallenge>(parsed.value()).realm, std::string("a\0b", 3));
  EXPECT_EQ(serialize(parsed.value()), text);

  DigestChallenge built;
  built.realm = "x\r\nVia: injected";
  built.nonce = std::string("\x01\t", 2);
  EXPECT_EQ(serialize(built), "Digest realm=\"x  Via: injected\", nonce=\"\\\x01\t\"");
  EXPECT_EQ(serialize(OtherAuthScheme{"Basic", "a\r\nVia: x\r\n b"}), "Basic a  Via: x\r\n b");
}

TEST(DigestSyntax, CommaInsideQuotesIsNotASeparator) {
  const auto parsed = parse_challenge("Digest realm=\"a, b=c\", nonce=\"n\"");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  EXPECT_EQ(std::get<DigestChallenge>(parsed.value()).realm, "a, b=c");
}

TEST(DigestSyntax, UnknownParamsKeptInOrderWithTheirForm) {
  const auto parsed =
      parse_challenge("Digest x-b=\"1\", realm=r, x-a=2, nonce=n, stale=FALSE, userhash=true");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  const auto& c = std::get<DigestChallenge>(parsed.value());
  ASSERT_EQ(c.other_params.size(), 2u);
  EXPECT_EQ(c.other_params[0], (AuthParam{"x-b", "1", true}));
  EXPECT_EQ(c.other_params[1], (AuthParam{"x-a", "2", false}));
  EXPECT_FALSE(c.stale);
  EXPECT_TRUE(c.userhash);
  EXPECT_EQ(serialize(c), "Digest realm=\"r\", nonce=\"n\", userhash=true, x-b=\"1\", x-a=2");
}

TEST(DigestSyntax, StaleTrueIsCaseInsensitive) {
  const auto parsed = parse_challenge("Digest realm=\"r\", nonce=\"n\", stale=TRUE");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(std::get<DigestChallenge>(parsed.value()).stale);
}

TEST(DigestSyntax, EmptyListElementsAreIgnored) {
  // RFC 7230 §7: recipients accept and ignore empty list elements.
  const auto parsed = parse_challenge("Digest ,realm=\"r\",, nonce=\"n\" ,");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  EXPECT_EQ(serialize(parsed.value()), "Digest realm=\"r\", nonce=\"n\"");
}

// RFC 4475 §3.3.11 regaut01: an unknown scheme is valid and carried raw.
TEST(DigestSyntax, UnknownSchemeCarriedRaw) {
  const auto parsed = parse_credentials("NoOneKnowsThisScheme opaque-data=here");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  const auto* other = std::get_if<OtherAuthScheme>(&parsed.value());
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->scheme, "NoOneKnowsThisScheme");
  EXPECT_EQ(other->data, "opaque-data=here");
  EXPECT_EQ(serialize(parsed.value()), "NoOneKnowsThisScheme opaque-data=here");

  const auto basic = parse_challenge("  Basic   realm=\"x, y\"  ");
  ASSERT_TRUE(basic.ok());
  EXPECT_EQ(std::get<OtherAuthScheme>(basic.value()), (OtherAuthScheme{"Basic", "realm=\"x, y\""}));
  const auto bare = parse_challenge("Negotiate");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(serialize(bare.value()), "Negotiate");
}

TEST(DigestSyntax, ChallengeListSplitsAtEachScheme) {
  const auto parsed = parse_challenge_list(
      "Digest realm=\"a\", nonce=\"1\", algorithm=SHA-256, Basic realm=\"b, c\", "
      "Digest realm=\"a\", nonce=\"1\", Negotiate");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  const auto& list = parsed.value();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(std::get<DigestChallenge>(list[0]).algorithm, "SHA-256");
  EXPECT_EQ(std::get<OtherAuthScheme>(list[1]), (OtherAuthScheme{"Basic", "realm=\"b, c\""}));
  EXPECT_EQ(std::get<DigestChallenge>(list[2]).algorithm, "");
  EXPECT_EQ(std::get<OtherAuthScheme>(list[3]), (OtherAuthScheme{"Negotiate", ""}));
}

struct Malformed {
  const char* name;
  std::string_view text;  // may hold a NUL
  bool credentials;
  std::size_t offset;
  const char* reason;
};

class DigestMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(DigestMalformed, ReportsOffsetAndReason) {
  const Malformed& m = GetParam();
  const ParseError error = m.credentials ? parse_credentials(m.text).error()
                                         : parse_challenge(m.text).error();
  EXPECT_EQ(error.offset, m.offset);
  EXPECT_EQ(error.reason, m.reason);
  EXPECT_EQ(error.status_code, 400);
}

constexpr const char* kCreds =
    "Digest username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"sip:b@r\", response=\"\"";

INSTANTIATE_TEST_SUITE_P(
    Cases, DigestMalformed,
    ::testing::Values(
        Malformed{"empty", "", false, 0, "empty authentication value"},
        Malformed{"only_spaces", "   ", true, 3, "empty authentication value"},
        Malformed{"no_scheme", "=abc", false, 0, "expected an authentication scheme"},
        Malformed{"bad_scheme_char", "Dig/est realm=\"r\"", false, 3,
                  "invalid character in authentication scheme"},
        Malformed{"unterminated_quote", "Digest realm=\"abc, nonce=n", false, 13,
                  "unterminated quoted-string"},
        Malformed{"unterminated_quote_at_end", "Digest realm=\"r\", nonce=\"n", false, 24,
                  "unterminated quoted-string"},
        Malformed{"dangling_backslash", "Digest realm=\"r\\", false, 13,
                  "unterminated quoted-string"},
        Malformed{"missing_equals", "Digest realm \"r\", nonce=\"n\"", false, 13,
                  "missing '=' after parameter 'realm'"},
        Malformed{"missing_equals_at_end", "Digest realm=\"r\", nonce", false, 23,
                  "missing '=' after parameter 'nonce'"},
        Malformed{"missing_value", "Digest realm=, nonce=\"n\"", false, 13,
                  "missing value for parameter 'realm'"},
        Malformed{"missing_value_at_end", "Digest realm=\"r\", nonce=", false, 24,
                  "missing value for parameter 'nonce'"},
        // RFC 3665 §2.1 F3 forgets the comma after realm.
        Malformed{"missing_comma", "Digest realm=\"atlanta.example.com\" nonce=\"x\"", false, 35,
                  "expected ',' between parameters"},
        Malformed{"control_char_in_quotes", "Digest realm=\"a\x01\", nonce=\"n\"", false, 15,
                  "control character in quoted-string"},
        // A bare line break would end the header line: no header injection.
        Malformed{"bare_lf_in_quotes", "Digest realm=\"a\nb\", nonce=\"n\"", false, 15,
                  "line break in quoted-string"},
        Malformed{"bare_crlf_in_other_scheme", "Basic abc\r\nX-Injected: y", true, 9,
                  "line break in authentication data"},
        Malformed{"nul_in_other_scheme", std::string_view("Basic a\0b", 9), true, 7,
                  "control character in authentication data"},
        Malformed{"duplicate_param", "Digest realm=\"a\", REALM=\"b\", nonce=\"n\"", false, 24,
                  "duplicate parameter 'REALM'"},
        Malformed{"no_params", "Digest", false, 6, "Digest challenge without realm"},
        Malformed{"no_nonce", "Digest realm=\"r\"", false, 16, "Digest challenge without nonce"},
        Malformed{"qop_option_not_token", "Digest realm=\"r\", nonce=\"n\", qop=\"auth;x\"", false,
                  33, "qop option is not a token"},
        Malformed{"no_username", "Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"\"", true,
                  49, "Digest credentials without username"},
        Malformed{"no_uri", "Digest username=\"u\", realm=\"r\", nonce=\"n\", response=\"\"", true,
                  54, "Digest credentials without uri"},
        Malformed{"no_response", "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\"", true,
                  50, "Digest credentials without response"},
        Malformed{"response_not_hex",
                  "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"xyz\"",
                  true, 61, "response is not hex"},
        Malformed{"nc_too_short",
                  "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"\", "
                  "qop=auth, cnonce=\"c\", nc=0001",
                  true, 90, "nc is not 8 hex digits"},
        Malformed{"nc_not_hex",
                  "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"\", "
                  "qop=auth, cnonce=\"c\", nc=0000000g",
                  true, 90, "nc is not 8 hex digits"},
        Malformed{"qop_without_cnonce",
                  "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"\", "
                  "qop=auth, nc=00000001",
                  true, 69, "qop without cnonce"},
        Malformed{"qop_without_nc",
                  "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"\", "
                  "qop=auth, cnonce=\"c\"",
                  true, 69, "qop without nc"}),
    [](const ::testing::TestParamInfo<Malformed>& info) { return std::string(info.param.name); });

TEST(DigestSyntax, ValidMinimalCredentialsBeforeAChallenge) {
  // RFC 8760 §2.6: empty nonce/response are allowed before a challenge.
  const auto parsed = parse_credentials(kCreds);
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  EXPECT_EQ(serialize(parsed.value()), kCreds);
}

TEST(DigestSyntax, ChallengeListErrorsPropagate) {
  const auto parsed = parse_challenge_list("Digest realm=\"a\", nonce=\"1\", Digest realm=\"b\"");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().reason, "Digest challenge without nonce");
  EXPECT_EQ(parsed.error().offset, 45u);
}

}  // namespace
}  // namespace siplab::sip

namespace siplab::sip {
namespace {

// What a quoted-string's inside must be (RFC 3261 §25.1: qdtext = LWS /
// %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII; quoted-pair = "\" followed by
// anything but CR, LF and non-ASCII), written plainly: the unquoted value,
// or nullopt when the text does not close as a valid quoted-string.
std::optional<std::string> reference_quoted(std::string_view inside_and_rest) {
  std::string out;
  for (std::size_t i = 0; i < inside_and_rest.size(); ++i) {
    const auto c = static_cast<unsigned char>(inside_and_rest[i]);
    if (c == '"') return out;
    if (c == '\\') {
      if (i + 1 >= inside_and_rest.size()) return std::nullopt;
      const auto n = static_cast<unsigned char>(inside_and_rest[i + 1]);
      if (n == '\r' || n == '\n' || n > 0x7f) return std::nullopt;
      out += static_cast<char>(n);
      ++i;
      continue;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7f) return std::nullopt;
    out += static_cast<char>(c);
  }
  return std::nullopt;
}

TEST(DigestSyntax, QuotedValuesOfEveryLengthAndByteMatchTheGrammar) {
  // Long values cross the scanner's 16-byte steps at every offset.
  uint64_t state = 7;
  auto next = [&] {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  const std::string rare = std::string("\"\\\t\x01\x1f\x7f\xc3\xa9 ", 10);
  std::size_t accepted = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string inside;
    const std::size_t len = next() % 70;
    for (std::size_t i = 0; i < len; ++i)
      inside += next() % 12 == 0 ? rare[next() % rare.size()] : "abcdef0123"[next() % 10];
    const std::string value = "Digest realm=\"" + inside + "\", nonce=\"n\"";
    auto want = reference_quoted(inside + "\", nonce=\"n\"");
    auto got = parse_challenge(value);
    if (!want || !got) {
      // An invalid string, or one whose stray quote ends it early so that
      // the rest does not parse as parameters: both sides must reject or
      // the realm must come out as the reference reads it.
      if (got) {
        ASSERT_TRUE(want.has_value()) << value;
      }
      // A valid string is rejected only when a stray quote ended it early
      // or a trailing backslash escaped the closing quote.
      if (want) {
        EXPECT_NE(inside.find_first_of("\"\\"), std::string::npos) << value;
      }
      continue;
    }
    ++accepted;
    EXPECT_EQ(std::get<DigestChallenge>(*got).realm, *want) << value;
  }
  EXPECT_GT(accepted, 5000u);
}

}  // namespace
}  // namespace siplab::sip
