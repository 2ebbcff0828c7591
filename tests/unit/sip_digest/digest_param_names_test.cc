// Digest credential parameter names are matched case-insensitively a word
// at a time (RFC 7235 §2.1: auth-param names are case-insensitive); names
// one byte off must not match, and a long hex response is checked whole.
#include <gtest/gtest.h>

#include <string>

#include "models/sip/message/digest.h"

namespace siplab::sip {
namespace {

TEST(DigestParamNames, EveryFieldInAnyCase) {
  const auto v = parse_credentials_view(
      "Digest USERNAME=\"bob\", ReAlM=\"biloxi.com\", NONCE=\"n1\", Uri=\"sip:biloxi.com\", "
      "RESPONSE=\"0123456789abcdefABCDEF0123456789\", ALGORITHM=MD5, CNONCE=\"c1\", OPAQUE=\"o1\", "
      "QOP=auth, NC=00000001, UserHash=true");
  ASSERT_TRUE(v) << v.error().reason;
  EXPECT_EQ(v->username, "bob");
  EXPECT_EQ(v->realm, "biloxi.com");
  EXPECT_EQ(v->nonce, "n1");
  EXPECT_EQ(v->uri, "sip:biloxi.com");
  EXPECT_EQ(v->response, "0123456789abcdefABCDEF0123456789");
  EXPECT_EQ(v->algorithm, "MD5");
  EXPECT_EQ(v->cnonce, "c1");
  EXPECT_EQ(v->opaque, "o1");
  EXPECT_EQ(v->qop, "auth");
  EXPECT_EQ(v->nc, "00000001");
  EXPECT_TRUE(v->userhash);
}

TEST(DigestParamNames, NamesOneByteOffAreOtherParameters) {
  // Each near miss is an unknown parameter, so the real one is still
  // required: the error names the first missing field.
  const auto v = parse_credentials_view(
      "Digest usernamf=\"x\", username=\"bob\", realn=\"x\", realm=\"r\", nonce=\"n\", "
      "uri=\"u\", response=\"ab\", algorithn=MD5, ncc=1, qo=auth, opaqu=\"o\"");
  ASSERT_TRUE(v) << v.error().reason;
  EXPECT_EQ(v->username, "bob");
  EXPECT_EQ(v->realm, "r");
  EXPECT_TRUE(v->algorithm.empty());
  EXPECT_TRUE(v->qop.empty());
  EXPECT_TRUE(v->nc.empty());
  EXPECT_FALSE(v->opaque.has_value());
  const auto missing = parse_credentials_view("Digest usernamE=\"bob\", realm=\"r\", nonce=\"n\", uri=\"u\", responsf=\"ab\"");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, "Digest credentials without response");
}

TEST(DigestParamNames, DuplicateInAnotherCaseIsRejected) {
  const std::string text = "Digest username=\"a\", USERNAME=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"ab\"";
  const auto v = parse_credentials_view(text);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().reason, "duplicate parameter 'USERNAME'");
  EXPECT_EQ(v.error().offset, text.find("\"b\""));
}

TEST(DigestParamNames, ResponseHexIsCheckedToTheLastByte) {
  // 16-byte blocks then an overlapping last block: a bad byte anywhere.
  const std::string good(64, 'a');
  for (std::size_t k = 0; k < good.size(); ++k) {
    std::string bad = good;
    bad[k] = 'g';
    const auto v = parse_credentials_view("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"" + bad + "\"");
    ASSERT_FALSE(v) << k;
    EXPECT_EQ(v.error().reason, "response is not hex") << k;
  }
  EXPECT_TRUE(parse_credentials_view("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"" + good + "\""));
}

}  // namespace
}  // namespace siplab::sip
