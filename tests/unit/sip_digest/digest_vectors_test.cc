// Published and independently recomputed Digest vectors
// (shared/conformance/digest_vectors.md): every hex value checked exactly.
#include <gtest/gtest.h>

#include <string>

#include "models/sip/message/digest.h"

namespace siplab::sip {
namespace {

using A = DigestAlgorithm;

const DigestCredentials& digest_of(const Expected<CredentialsValue>& parsed) {
  EXPECT_TRUE(parsed.ok()) << parsed.error().reason;
  return std::get<DigestCredentials>(parsed.value());
}

// --- §1: RFC 2617 §3.5 -------------------------------------------------------

TEST(DigestRfc2617, Section3_5ChallengeParsesVerbatim) {
  const auto parsed = parse_challenge(
      "Digest\r\n"
      "        realm=\"testrealm@host.com\",\r\n"
      "        qop=\"auth,auth-int\",\r\n"
      "        nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
      "        opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  const auto& c = std::get<DigestChallenge>(parsed.value());
  EXPECT_EQ(c.realm, "testrealm@host.com");
  EXPECT_EQ(c.qop_options, (std::vector<std::string>{"auth", "auth-int"}));
  EXPECT_EQ(c.nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
  EXPECT_EQ(c.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  EXPECT_EQ(c.algorithm, "");
  EXPECT_FALSE(c.stale);
}

TEST(DigestRfc2617, Section3_5ResponseAndIntermediates) {
  const auto parsed = parse_credentials(
      "Digest username=\"Mufasa\",\r\n"
      "        realm=\"testrealm@host.com\",\r\n"
      "        nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
      "        uri=\"/dir/index.html\",\r\n"
      "        qop=auth,\r\n"
      "        nc=00000001,\r\n"
      "        cnonce=\"0a4f113b\",\r\n"
      "        response=\"6629fae49393a05397450978507c4ef1\",\r\n"
      "        opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  const auto& c = digest_of(parsed);
  EXPECT_EQ(c.username, "Mufasa");
  EXPECT_EQ(c.uri, "/dir/index.html");
  EXPECT_EQ(c.qop, "auth");
  EXPECT_EQ(c.nc, "00000001");
  EXPECT_EQ(c.cnonce, "0a4f113b");

  const HexDigest ha1 = digest_ha1(A::Md5, "Mufasa", "testrealm@host.com", "Circle Of Life",
                                   c.nonce, "0a4f113b");
  EXPECT_EQ(ha1, "939e7578ed9e3c518a452acee763bce9");
  const HexDigest ha2 = digest_ha2(A::Md5, DigestQop::Auth, "GET", "/dir/index.html", "");
  EXPECT_EQ(ha2, "39aff3a2bab6126f332b942af96d3366");
  EXPECT_EQ(digest_request_digest(A::Md5, ha1.view(), c.nonce, DigestQop::Auth, "00000001",
                                  "0a4f113b", ha2.view()),
            "6629fae49393a05397450978507c4ef1");

  EXPECT_EQ(verify_digest(c, DigestSecret::password("Circle Of Life"), "GET", ""),
            DigestVerdict::Ok);
  // The RFC 7616 spelling of the password ("of") must not verify here.
  EXPECT_EQ(verify_digest(c, DigestSecret::password("Circle of Life"), "GET", ""),
            DigestVerdict::WrongResponse);
  EXPECT_EQ(verify_digest(c, DigestSecret::ha1("939e7578ed9e3c518a452acee763bce9"), "GET", ""),
            DigestVerdict::Ok);
}

// --- §2: RFC 7616 §3.9.1 -----------------------------------------------------

constexpr const char* kRfc7616Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
constexpr const char* kRfc7616Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

TEST(DigestRfc7616, Section3_9_1TwoChallenges) {
  for (const char* algorithm : {"SHA-256", "MD5"}) {
    const std::string text = std::string(
                                 "Digest\n"
                                 "    realm=\"http-auth@example.org\",\n"
                                 "    qop=\"auth, auth-int\",\n"
                                 "    algorithm=") +
                             algorithm +
                             ",\n"
                             "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\n"
                             "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    const auto parsed = parse_challenge(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
    const auto& c = std::get<DigestChallenge>(parsed.value());
    EXPECT_EQ(c.algorithm, algorithm);
    EXPECT_EQ(c.qop_options, (std::vector<std::string>{"auth", "auth-int"}));
    EXPECT_EQ(c.nonce, kRfc7616Nonce);
    EXPECT_EQ(c.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  }
}

TEST(DigestRfc7616, Section3_9_1Md5) {
  const auto parsed = parse_credentials(
      "Digest username=\"Mufasa\",\n"
      "    realm=\"http-auth@example.org\",\n"
      "    uri=\"/dir/index.html\",\n"
      "    algorithm=MD5,\n"
      "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\n"
      "    nc=00000001,\n"
      "    cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\n"
      "    qop=auth,\n"
      "    response=\"8ca523f5e9506fed4657c9700eebdbec\",\n"
      "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  const auto& c = digest_of(parsed);
  const HexDigest ha1 = digest_ha1(A::Md5, "Mufasa", "http-auth@example.org", "Circle of Life",
                                   kRfc7616Nonce, kRfc7616Cnonce);
  EXPECT_EQ(ha1, "3d78807defe7de2157e2b0b6573a855f");
  const HexDigest ha2 = digest_ha2(A::Md5, DigestQop::Auth, "GET", "/dir/index.html", "");
  EXPECT_EQ(ha2, "39aff3a2bab6126f332b942af96d3366");
  EXPECT_EQ(digest_request_digest(A::Md5, ha1.view(), kRfc7616Nonce, DigestQop::Auth,
                                  "00000001", kRfc7616Cnonce, ha2.view()),
            "8ca523f5e9506fed4657c9700eebdbec");
  EXPECT_EQ(verify_digest(c, DigestSecret::password("Circle of Life"), "GET", ""),
            DigestVerdict::Ok);
}

TEST(DigestRfc7616, Section3_9_1Sha256) {
  // The RFC wraps the response across two lines; it is one hex string.
  const auto parsed = parse_credentials(
      "Digest username=\"Mufasa\",\n"
      "    realm=\"http-auth@example.org\",\n"
      "    uri=\"/dir/index.html\",\n"
      "    algorithm=SHA-256,\n"
      "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\n"
      "    nc=00000001,\n"
      "    cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\n"
      "    qop=auth,\n"
      "    response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\n"
      "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  const auto& c = digest_of(parsed);
  const HexDigest ha1 = digest_ha1(A::Sha256, "Mufasa", "http-auth@example.org",
                                   "Circle of Life", kRfc7616Nonce, kRfc7616Cnonce);
  EXPECT_EQ(ha1, "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
  const HexDigest ha2 = digest_ha2(A::Sha256, DigestQop::Auth, "GET", "/dir/index.html", "");
  EXPECT_EQ(ha2, "9a3fdae9a622fe8de177c24fa9c070f2b181ec85e15dcbdc32e10c82ad450b04");
  EXPECT_EQ(digest_request_digest(A::Sha256, ha1.view(), kRfc7616Nonce, DigestQop::Auth,
                                  "00000001", kRfc7616Cnonce, ha2.view()),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  EXPECT_EQ(verify_digest(c, DigestSecret::password("Circle of Life"), "GET", ""),
            DigestVerdict::Ok);
  EXPECT_EQ(verify_digest(c,
                          DigestSecret::ha1(
                              "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232"),
                          "GET", ""),
            DigestVerdict::Ok);
}

// §2c: RFC 7616 §3.9.2 with real FIPS 180-4 SHA-512/256 (the RFC's printed
// numbers are truncated SHA-512 and must NOT come out).
TEST(DigestRfc7616, Section3_9_2Sha512_256WithRealHash) {
  const std::string user = "J\xC3\xA4s\xC3\xB8n Doe";
  const std::string nonce = "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK";
  const std::string cnonce = "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v";
  const HexDigest userhash = digest_userhash(A::Sha512_256, user, "api@example.org");
  EXPECT_EQ(userhash, "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b");
  EXPECT_NE(userhash, "488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec");
  const HexDigest ha1 =
      digest_ha1(A::Sha512_256, user, "api@example.org", "Secret, or not?", nonce, cnonce);
  EXPECT_EQ(ha1, "2d3d9f12c9f3d30011259dc5fecee005ae24de40e3e1f61806d03e65f1e6024f");
  const HexDigest ha2 = digest_ha2(A::Sha512_256, DigestQop::Auth, "GET", "/doe.json", "");
  EXPECT_EQ(ha2, "1734b070bafdeb53ae52f93659427bb4bc545e2ef4d5e74ba247dad4861b4634");
  const HexDigest response = digest_request_digest(A::Sha512_256, ha1.view(), nonce,
                                                   DigestQop::Auth, "00000001", cnonce,
                                                   ha2.view());
  EXPECT_EQ(response, "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5");

  // The same through the client helper with userhash, and back through the
  // verifier, which needs the plain name because the header carries the hash.
  DigestChallenge challenge;
  challenge.realm = "api@example.org";
  challenge.nonce = nonce;
  challenge.algorithm = "SHA-512-256";
  challenge.qop_options = {"auth", "auth-int"};
  challenge.userhash = true;
  challenge.opaque = "HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS";
  DigestClientInput in;
  in.username = user;
  in.password = "Secret, or not?";
  in.method = "GET";
  in.uri = "/doe.json";
  in.cnonce = cnonce;
  in.nc = 1;
  in.use_userhash = true;
  const auto creds = answer_challenge(challenge, in);
  ASSERT_TRUE(creds.ok()) << creds.error().reason;
  EXPECT_EQ(creds->username, userhash.view());
  EXPECT_TRUE(creds->userhash);
  EXPECT_EQ(creds->response, response.view());
  EXPECT_EQ(verify_digest(*creds, DigestSecret::password("Secret, or not?"), "GET", "", user),
            DigestVerdict::Ok);
  EXPECT_EQ(verify_digest(*creds, DigestSecret::password("Secret, or not?"), "GET", ""),
            DigestVerdict::MalformedCredentials);
}

// --- §3a: Smith & Clarkson SIP examples ----------------------------------------

constexpr const char* kSdpBody =
    "v=0\r\n"
    "o=bob 2890844526 2890844526 IN IP4 media.biloxi.com\r\n"
    "s=\r\n"
    "c=IN IP4 media.biloxi.com\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "m=video 51372 RTP/AVP 31\r\n"
    "a=rtpmap:31 H261/90000\r\n"
    "m=video 53000 RTP/AVP 32\r\n"
    "a=rtpmap:32 MPV/90000\r\n";

struct SipVector {
  const char* name;
  A algorithm;
  DigestQop qop;
  std::string_view body;
  const char* ha1;
  const char* ha2;
  const char* response;
};

class DigestSipVectors : public ::testing::TestWithParam<SipVector> {};

TEST_P(DigestSipVectors, HashesAndVerification) {
  const SipVector& v = GetParam();
  const char* nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  const std::string_view cnonce = v.qop == DigestQop::None ? "" : "0a4f113b";
  const std::string_view nc = v.qop == DigestQop::None ? "" : "00000001";
  const HexDigest ha1 =
      digest_ha1(v.algorithm, "bob", "biloxi.com", "zanzibar", nonce, "0a4f113b");
  EXPECT_EQ(ha1, v.ha1);
  const HexDigest ha2 = digest_ha2(v.algorithm, v.qop, "INVITE", "sip:bob@biloxi.com", v.body);
  EXPECT_EQ(ha2, v.ha2);
  EXPECT_EQ(digest_request_digest(v.algorithm, ha1.view(), nonce, v.qop, nc, cnonce, ha2.view()),
            v.response);

  // Server side, from a parsed header carrying the published response.
  DigestCredentials c;
  c.username = "bob";
  c.realm = "biloxi.com";
  c.nonce = nonce;
  c.uri = "sip:bob@biloxi.com";
  c.response = v.response;
  if (v.algorithm != A::Md5) c.algorithm = std::string(to_token(v.algorithm));
  if (v.qop != DigestQop::None) {
    c.qop = v.qop == DigestQop::Auth ? "auth" : "auth-int";
    c.nc = "00000001";
    c.cnonce = "0a4f113b";
  }
  const auto reparsed = parse_credentials(serialize(c));
  const DigestCredentials& parsed = digest_of(reparsed);
  EXPECT_EQ(parsed, c);
  EXPECT_EQ(verify_digest(parsed, DigestSecret::password("zanzibar"), "INVITE", v.body),
            DigestVerdict::Ok);
  EXPECT_EQ(verify_digest(parsed, DigestSecret::password("zanzibaR"), "INVITE", v.body),
            DigestVerdict::WrongResponse);
  // RFC 3261 §22.4: an ACK or CANCEL is hashed with its own method.
  EXPECT_EQ(verify_digest(parsed, DigestSecret::password("zanzibar"), "ACK", v.body),
            DigestVerdict::WrongResponse);
  const HexDigest stored = digest_hash_joined(v.algorithm, {"bob", "biloxi.com", "zanzibar"});
  EXPECT_EQ(verify_digest(parsed, DigestSecret::ha1(stored.view()), "INVITE", v.body),
            DigestVerdict::Ok);
  if (v.qop == DigestQop::AuthInt) {
    EXPECT_EQ(verify_digest(parsed, DigestSecret::password("zanzibar"), "INVITE", "v=1\r\n"),
              DigestVerdict::WrongResponse);
  }
}

INSTANTIATE_TEST_SUITE_P(
    SmithClarksonAndDerived, DigestSipVectors,
    ::testing::Values(
        SipVector{"draft3_1_no_qop", A::Md5, DigestQop::None, "",
                  "12af60467a33e8518da5c68bbff12b11", "13a14a3eb5e2c24732a1a04fff543e92",
                  "bf57e4e0d0bffc0fbaedce64d59add5e"},
        SipVector{"draft3_2_3_md5_auth", A::Md5, DigestQop::Auth, "",
                  "12af60467a33e8518da5c68bbff12b11", "13a14a3eb5e2c24732a1a04fff543e92",
                  "89eb0059246c02b2f6ee02c7961d5ea3"},
        SipVector{"draft3_4_md5sess_auth", A::Md5Sess, DigestQop::Auth, "",
                  "4f36886771c77832be5c5a8de5a7ec82", "13a14a3eb5e2c24732a1a04fff543e92",
                  "e4e4ea61d186d07a92c9e1f6919902e9"},
        SipVector{"draft3_5_md5_authint", A::Md5, DigestQop::AuthInt, kSdpBody,
                  "12af60467a33e8518da5c68bbff12b11", "eb79eb48bbd4fb2e5a13941f8218c029",
                  "41f1bde42dcddbee8ae7d65fd3474dc0"},
        SipVector{"draft3_6_md5sess_authint", A::Md5Sess, DigestQop::AuthInt, kSdpBody,
                  "4f36886771c77832be5c5a8de5a7ec82", "eb79eb48bbd4fb2e5a13941f8218c029",
                  "10e4c79b16d21d51995ab98083d134d8"},
        SipVector{"derived_sha256_auth", A::Sha256, DigestQop::Auth, "",
                  "e65db393e748c5228939a6b4b2879e9ea5625cd79fd5267868cb568d69f6b97e",
                  "915a04cb507dbcc1bb0b79e3b65d35307a1146249e12d2dae42d15d5e0d06251",
                  "b3b5a6c69453abafaab9ae4dccdac90a076b6c80615d5f3498e7433b6e93bf4f"},
        SipVector{"derived_sha256sess_auth", A::Sha256Sess, DigestQop::Auth, "",
                  "9749626be58775eccb9c91d925cd15189ccc426e4318bbfee7a4c0991a58b64c",
                  "915a04cb507dbcc1bb0b79e3b65d35307a1146249e12d2dae42d15d5e0d06251",
                  "5da59c9ca40954be9d5063a15a174066c8251be2c10cf47c144c366dc7daf792"},
        SipVector{"derived_sha256_authint_empty_body", A::Sha256, DigestQop::AuthInt, "",
                  "e65db393e748c5228939a6b4b2879e9ea5625cd79fd5267868cb568d69f6b97e",
                  "567995c5e8652e462fbd175baa4dfa72b83cd45254cc2b3132378c69e3025da5",
                  "3985ceb21e3aee19764bf4d9659738c507c12293dd692d31387928ccc2159763"},
        SipVector{"derived_sha512_256_auth", A::Sha512_256, DigestQop::Auth, "",
                  "a969680ab364e333ec5c93ff823d570a79841c8d40270655dd42f37b755dfc38",
                  "62f3a8d9e5f63b561756dc0f40c8139ad021a54602ae4141ced4342b3b60cea6",
                  "7f1a09de0f19af0a1eac2b28d33e3f2fb89cca1ad8fb01bba5e1883b288bac14"}),
    [](const ::testing::TestParamInfo<SipVector>& info) { return std::string(info.param.name); });

TEST(DigestSipBody, SdpBodyIs242BytesAndHashesToPublishedValue) {
  EXPECT_EQ(std::string_view(kSdpBody).size(), 242u);
  EXPECT_EQ(digest_hash(A::Md5, kSdpBody), "cdecec3e3cfb5adda424cf356fdfedda");
}

// §3c: RFC 8760 §2.6 item 7, H of an empty entity-body.
TEST(DigestEmptyBody, HashesOfEmptyBody) {
  EXPECT_EQ(digest_hash(A::Sha256, ""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digest_hash(A::Md5, ""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(digest_hash(A::Sha512_256, ""),
            "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a");
}

// §3d: reSIProcate's A1 vectors.
TEST(DigestResiprocate, Ha1Vectors) {
  EXPECT_EQ(digest_ha1(A::Md5, "user", "example.com", "secret", "", ""),
            "30969131580e626606ce70ceaab77719");
  EXPECT_EQ(digest_ha1(A::Sha256, "user", "example.com", "secret", "", ""),
            "de24c1fac8b54ea8380bb2299c3bbcf6489084c44deb242d18fe409698148935");
  EXPECT_EQ(digest_ha1(A::Sha512_256, "user", "example.com", "secret", "", ""),
            "28c22ce0f545ffd15d749d51fad525b918ffbda8183303241fff3166a2e53cc0");
}

}  // namespace
}  // namespace siplab::sip
