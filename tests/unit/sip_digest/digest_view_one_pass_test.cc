// parse_credentials_view() reads a Digest value in one pass and stores no
// parameter; parse_credentials() reads all parameters first and then
// checks them (read_params + build_credentials).  On random credentials —
// valid ones, duplicates in any case, bad response / nc / qop / algorithm
// values, missing required parameters, syntax errors before and after a
// bad value, quoted-pairs — both must give the same verdict, the same
// error (reason and offset), and the same field values.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "models/sip/message/digest.h"

namespace siplab::sip {
namespace {

std::string random_credentials(std::mt19937_64& rng) {
  static const std::vector<std::string> kParams = {
      "username=\"bob\"", "realm=\"biloxi.example.com\"", "nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\"",
      "uri=\"sip:biloxi.example.com\"", "response=\"dfe56131d1958046689d83306477ecc0\"", "algorithm=MD5",
      "qop=auth", "nc=00000001", "cnonce=\"0a4f113b\"", "opaque=\"\"", "userhash=true", "x-other=\"y\"",
      // Checked values that fail, duplicates in another case, unknown names twice.
      "response=\"xyz\"", "nc=0001", "qop=\"a b\"", "algorithm=\"M D5\"", "USERNAME=\"eve\"", "X-Other=z",
      "nonce=\"a\\\"b\"", "username=\"b\\\\ob\"",
      // Syntax errors.
      "realm", "realm=", "=\"v\"", "uri=\"unterminated", "cnonce=\"c\x01\"", "nc=00000001 nc"};
  std::string v = rng() % 10 == 0 ? "digest " : "Digest ";
  // The valid parameters in a random order, then up to two of them dropped
  // and up to two of any kind inserted anywhere.
  std::vector<std::string> picked(kParams.begin(), kParams.begin() + 12);
  std::shuffle(picked.begin(), picked.end(), rng);
  for (int k = rng() % 3; k > 0 && !picked.empty(); --k) picked.erase(picked.begin() + rng() % picked.size());
  for (int k = rng() % 3; k > 0; --k)
    picked.insert(picked.begin() + rng() % (picked.size() + 1), kParams[rng() % kParams.size()]);
  for (std::size_t k = 0; k < picked.size(); ++k) {
    if (k != 0) v += rng() % 6 == 0 ? " ,  " : ", ";
    v += picked[k];
  }
  if (rng() % 12 == 0) v += ",";
  return v;
}

TEST(DigestViewOnePass, SameVerdictErrorsAndFieldsAsTheTwoPassParse) {
  std::mt19937_64 rng(61);
  std::size_t ok = 0, syntax = 0, checks = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string text = random_credentials(rng);
    const auto view = parse_credentials_view(text);
    const auto owned = parse_credentials(text);
    ASSERT_EQ(view.ok(), owned.ok()) << text << " | " << (view.ok() ? owned.error().reason : view.error().reason);
    if (!view.ok()) {
      EXPECT_EQ(view.error().reason, owned.error().reason) << text;
      EXPECT_EQ(view.error().offset, owned.error().offset) << text;
      const std::string& r = view.error().reason;
      (r.find("duplicate") != std::string::npos || r.find("without") != std::string::npos ||
               r.find("not hex") != std::string::npos || r.find("not a token") != std::string::npos ||
               r.find("8 hex") != std::string::npos || r.find("qop without") != std::string::npos
           ? checks
           : syntax)++;
      continue;
    }
    ++ok;
    const auto& c = std::get<DigestCredentials>(owned.value());
    const DigestCredentialsView& w = view.value();
    // Views keep quoted-pairs escaped; the owned values resolve them.
    if (w.escaped) continue;
    EXPECT_EQ(w.username, c.username) << text;
    EXPECT_EQ(w.realm, c.realm) << text;
    EXPECT_EQ(w.nonce, c.nonce) << text;
    EXPECT_EQ(w.uri, c.uri) << text;
    EXPECT_EQ(w.response, c.response) << text;
    EXPECT_EQ(w.algorithm, c.algorithm) << text;
    EXPECT_EQ(w.qop, c.qop) << text;
    EXPECT_EQ(w.nc, c.nc) << text;
    EXPECT_EQ(w.cnonce.has_value(), c.cnonce.has_value()) << text;
    EXPECT_EQ(w.opaque.has_value(), c.opaque.has_value()) << text;
    EXPECT_EQ(w.userhash, c.userhash) << text;
  }
  EXPECT_GT(ok, 300u);
  EXPECT_GT(syntax, 2000u);
  EXPECT_GT(checks, 2000u);
}

TEST(DigestViewOnePass, ASyntaxErrorAfterABadValueWins) {
  // The bad response comes first, the missing '=' last: the syntax error is
  // the one reported, as the two-pass parse reports it.
  const std::string text =
      "Digest username=\"u\", response=\"xyz\", realm=\"r\", nonce=\"n\", uri=\"u\", nc";
  const auto view = parse_credentials_view(text);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.error().reason, "missing '=' after parameter 'nc'");
  EXPECT_EQ(view.error().offset, text.size());
  // Without it, the bad response is reported at its value.
  const auto bad = parse_credentials_view(text.substr(0, text.size() - 4));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason, "response is not hex");
  EXPECT_EQ(bad.error().offset, text.find("\"xyz\""));
  // Of two check failures, the first in order is reported.
  const auto two = parse_credentials_view(
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", nc=1, response=\"xyz\", Nc=00000001");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().reason, "nc is not 8 hex digits");
  const auto dup = parse_credentials_view(
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"\", x=1, y=2, X=3");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().reason, "duplicate parameter 'X'");
  EXPECT_EQ(dup.error().offset, 77u);  // at the value of the second "x"
}

}  // namespace
}  // namespace siplab::sip
