// The UAC helper (answer_challenge) and the server verifier (verify_digest):
// qop choice, -sess, auth-int, stored HA1, and each failure verdict.
#include <gtest/gtest.h>

#include <string>

#include "models/sip/message/digest.h"

namespace siplab::sip {
namespace {

DigestChallenge biloxi_challenge(std::vector<std::string> qop, std::string algorithm) {
  DigestChallenge c;
  c.realm = "biloxi.com";
  c.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  c.opaque = "5ccc069c403ebaf9f0171e9517f40e41";
  c.qop_options = std::move(qop);
  c.algorithm = std::move(algorithm);
  return c;
}

DigestClientInput bob_invite() {
  DigestClientInput in;
  in.username = "bob";
  in.password = "zanzibar";
  in.method = "INVITE";
  in.uri = "sip:bob@biloxi.com";
  in.cnonce = "0a4f113b";
  in.nc = 1;
  return in;
}

TEST(DigestClient, AnswersSmithClarkson3_3Exactly) {
  const auto creds = answer_challenge(biloxi_challenge({"auth", "auth-int"}, "MD5"), bob_invite());
  ASSERT_TRUE(creds.ok()) << creds.error().reason;
  EXPECT_EQ(serialize(*creds),
            "Digest username=\"bob\", realm=\"biloxi.com\", "
            "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:bob@biloxi.com\", "
            "response=\"89eb0059246c02b2f6ee02c7961d5ea3\", algorithm=MD5, cnonce=\"0a4f113b\", "
            "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", qop=auth, nc=00000001");
}

TEST(DigestClient, NoQopOfferedGivesRfc2069Answer) {
  const auto creds = answer_challenge(biloxi_challenge({}, ""), bob_invite());
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->response, "bf57e4e0d0bffc0fbaedce64d59add5e");
  EXPECT_EQ(creds->qop, "");
  EXPECT_EQ(creds->nc, "");
  EXPECT_FALSE(creds->cnonce.has_value());
}

TEST(DigestClient, OnlyAuthIntOfferedHashesTheBody) {
  DigestClientInput in = bob_invite();
  in.body = "v=0\r\n";
  const auto creds = answer_challenge(biloxi_challenge({"auth-int", "x-future"}, "MD5-sess"), in);
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->qop, "auth-int");
  const HexDigest ha1 =
      digest_ha1(DigestAlgorithm::Md5Sess, "bob", "biloxi.com", "zanzibar",
                 "dcd98b7102dd2f0e8b11d0f600bfb0c093", "0a4f113b");
  EXPECT_EQ(ha1, "4f36886771c77832be5c5a8de5a7ec82");
  const HexDigest ha2 = digest_ha2(DigestAlgorithm::Md5Sess, DigestQop::AuthInt, "INVITE",
                                   "sip:bob@biloxi.com", "v=0\r\n");
  EXPECT_EQ(creds->response,
            digest_request_digest(DigestAlgorithm::Md5Sess, ha1.view(),
                                  "dcd98b7102dd2f0e8b11d0f600bfb0c093", DigestQop::AuthInt,
                                  "00000001", "0a4f113b", ha2.view())
                .view());
  EXPECT_EQ(verify_digest(*creds, DigestSecret::password("zanzibar"), "INVITE", "v=0\r\n"),
            DigestVerdict::Ok);
  EXPECT_EQ(verify_digest(*creds, DigestSecret::password("zanzibar"), "INVITE", "v=1\r\n"),
            DigestVerdict::WrongResponse);
}

TEST(DigestClient, NonceCountIsEightLowerHexDigits) {
  EXPECT_EQ(format_nonce_count(1), "00000001");
  EXPECT_EQ(format_nonce_count(0xabcdef12u), "abcdef12");
  EXPECT_EQ(format_nonce_count(255), "000000ff");
  DigestClientInput in = bob_invite();
  in.nc = 26;
  const auto creds = answer_challenge(biloxi_challenge({"auth"}, "SHA-256"), in);
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->nc, "0000001a");
  EXPECT_EQ(creds->response.size(), 64u);
  EXPECT_EQ(verify_digest(*creds, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::Ok);
}

TEST(DigestClient, RejectsUnknownAlgorithmAndQop) {
  const auto alg = answer_challenge(biloxi_challenge({"auth"}, "SHA-1"), bob_invite());
  ASSERT_FALSE(alg.ok());
  EXPECT_EQ(alg.error().reason, "unsupported Digest algorithm 'SHA-1'");
  const auto qop = answer_challenge(biloxi_challenge({"auth-conf"}, "MD5"), bob_invite());
  ASSERT_FALSE(qop.ok());
  EXPECT_EQ(qop.error().reason, "no supported qop offered");
}

TEST(DigestClient, UserhashOnlyWhenServerAllowsIt) {
  DigestClientInput in = bob_invite();
  in.use_userhash = true;
  const auto plain = answer_challenge(biloxi_challenge({"auth"}, "SHA-256"), in);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->username, "bob");
  EXPECT_FALSE(plain->userhash);
}

DigestCredentials bob_credentials() {
  const auto creds = answer_challenge(biloxi_challenge({"auth"}, "MD5"), bob_invite());
  EXPECT_TRUE(creds.ok());
  return *creds;
}

TEST(DigestVerifier, AcceptsUpperCaseResponseHex) {
  DigestCredentials c = bob_credentials();
  c.response = "89EB0059246C02B2F6EE02C7961D5EA3";
  EXPECT_EQ(verify_digest(c, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::Ok);
  EXPECT_EQ(verify_digest(c, DigestSecret::ha1("12AF60467A33E8518DA5C68BBFF12B11"), "INVITE", ""),
            DigestVerdict::Ok);
}

// RFC 7616 §3.4.1: request-digest hashes unq(qop) as the client sent it.
// parse_digest_qop reads qop in any case, so a client that sent qop=AUTH
// hashed "AUTH".  Expected values from Python hashlib:
//   md5(":".join([md5("bob:biloxi.com:zanzibar"), nonce, "00000001",
//                 "0a4f113b", "AUTH", md5("INVITE:sip:bob@biloxi.com")]))
TEST(DigestVerifier, HashesTheQopAsSent) {
  DigestCredentials c = bob_credentials();
  c.qop = "AUTH";
  c.response = "8f6dd7fb095505e0657fa66b49c00193";
  EXPECT_EQ(verify_digest(c, DigestSecret::password("zanzibar"), "INVITE", ""), DigestVerdict::Ok);
  EXPECT_EQ(verify_digest(c, DigestSecret::ha1("12af60467a33e8518da5c68bbff12b11"), "INVITE", ""),
            DigestVerdict::Ok);
  // The RFC 2617 answer computed over "auth" does not match qop=AUTH.
  c.response = "89eb0059246c02b2f6ee02c7961d5ea3";
  EXPECT_EQ(verify_digest(c, DigestSecret::password("zanzibar"), "INVITE", ""), DigestVerdict::WrongResponse);
  // Same for auth-int: ... "Auth-Int", md5("INVITE:sip:bob@biloxi.com:" + md5("v=0\r\n")).
  c.qop = "Auth-Int";
  c.response = "009f11bb59cde78004303ee6489f9cda";
  EXPECT_EQ(verify_digest(c, DigestSecret::password("zanzibar"), "INVITE", "v=0\r\n"), DigestVerdict::Ok);
  const HexDigest ha1 = digest_ha1(DigestAlgorithm::Md5, "bob", "biloxi.com", "zanzibar", "", "");
  const HexDigest ha2 = digest_ha2(DigestAlgorithm::Md5, DigestQop::Auth, "INVITE", "sip:bob@biloxi.com", "");
  EXPECT_EQ(digest_request_digest(DigestAlgorithm::Md5, ha1.view(), "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                                  DigestQop::Auth, "00000001", "0a4f113b", ha2.view(), "AUTH"),
            "8f6dd7fb095505e0657fa66b49c00193");
}

TEST(DigestVerifier, WrongInputsAreWrongResponse) {
  const DigestCredentials good = bob_credentials();
  EXPECT_EQ(verify_digest(good, DigestSecret::password("zanzibar"), "REGISTER", ""),
            DigestVerdict::WrongResponse);
  DigestCredentials truncated = good;
  truncated.response.pop_back();
  EXPECT_EQ(verify_digest(truncated, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::WrongResponse);
  DigestCredentials empty = good;
  empty.response.clear();
  EXPECT_EQ(verify_digest(empty, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::WrongResponse);
  DigestCredentials other_uri = good;
  other_uri.uri = "sip:alice@biloxi.com";
  EXPECT_EQ(verify_digest(other_uri, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::WrongResponse);
  DigestCredentials other_nc = good;
  other_nc.nc = "00000002";
  EXPECT_EQ(verify_digest(other_nc, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::WrongResponse);
}

TEST(DigestVerifier, ReportsUnsupportedAndMalformed) {
  DigestCredentials c = bob_credentials();
  c.algorithm = "SHA-1";
  EXPECT_EQ(verify_digest(c, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::UnsupportedAlgorithm);
  c = bob_credentials();
  c.qop = "auth-conf";
  EXPECT_EQ(verify_digest(c, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::UnsupportedQop);
  c = bob_credentials();
  c.cnonce.reset();
  EXPECT_EQ(verify_digest(c, DigestSecret::password("zanzibar"), "INVITE", ""),
            DigestVerdict::MalformedCredentials);
  c = bob_credentials();
  // A stored HA1 of the wrong length or not hex cannot be used.
  EXPECT_EQ(verify_digest(c, DigestSecret::ha1("12af60467a33e8518da5c68bbff12b1"), "INVITE", ""),
            DigestVerdict::MalformedCredentials);
  EXPECT_EQ(verify_digest(c, DigestSecret::ha1("12af60467a33e8518da5c68bbff12bzz"), "INVITE", ""),
            DigestVerdict::MalformedCredentials);
  // An MD5 HA1 cannot verify SHA-256 credentials.
  c.algorithm = "SHA-256";
  EXPECT_EQ(verify_digest(c, DigestSecret::ha1("12af60467a33e8518da5c68bbff12b11"), "INVITE", ""),
            DigestVerdict::MalformedCredentials);
  EXPECT_EQ(to_string(DigestVerdict::WrongResponse), "wrong response");
}

TEST(DigestAlgorithms, TokensRoundTripCaseInsensitively) {
  for (auto a : {DigestAlgorithm::Md5, DigestAlgorithm::Md5Sess, DigestAlgorithm::Sha256,
                 DigestAlgorithm::Sha256Sess, DigestAlgorithm::Sha512_256,
                 DigestAlgorithm::Sha512_256Sess}) {
    EXPECT_EQ(parse_digest_algorithm(to_token(a)), a);
  }
  EXPECT_EQ(parse_digest_algorithm(""), DigestAlgorithm::Md5);
  EXPECT_EQ(parse_digest_algorithm("sha-512-256-SESS"), DigestAlgorithm::Sha512_256Sess);
  EXPECT_EQ(parse_digest_algorithm("SHA-512"), std::nullopt);
  EXPECT_EQ(hex_length(DigestAlgorithm::Md5Sess), 32u);
  EXPECT_EQ(hex_length(DigestAlgorithm::Sha512_256), 64u);
  EXPECT_EQ(parse_digest_qop("AUTH-INT"), DigestQop::AuthInt);
  EXPECT_EQ(parse_digest_qop("auth-conf"), std::nullopt);
}

}  // namespace
}  // namespace siplab::sip
