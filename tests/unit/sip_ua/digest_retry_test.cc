// DigestClient (RFC 3261 §22.2-22.3): what the retried request carries
// after a 401/407, above all behind two authenticating proxies (RFC 3665
// §3.3, "Session with Multiple Proxy Authentication").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/common/random.h"
#include "models/sip/core/ua/digest_client.h"
#include "models/sip/message/digest.h"
#include "models/sip/message/parser.h"

namespace siplab::sip {
namespace {

Message invite() {
  auto m = parse_message(
      "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n"
      "Max-Forwards: 70\r\n"
      "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
      "To: Bob <sip:bob@biloxi.example.com>\r\n"
      "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
      "CSeq: 1 INVITE\r\n"
      "Contact: <sip:alice@client.atlanta.example.com;transport=udp>\r\n"
      "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(m.ok());
  return std::move(m.value());
}

Message challenge_407(std::vector<std::string> challenges) {
  Message r = Message::response(407, "Proxy Authorization Required");
  for (const auto& c : challenges) r.add_header("Proxy-Authenticate", c);
  return r;
}

std::vector<std::string> realms_of(const Message& request) {
  std::vector<std::string> realms;
  for (std::string_view value : request.header_values(HeaderId::ProxyAuthorization)) {
    auto parsed = parse_credentials(value);
    EXPECT_TRUE(parsed) << value;
    if (!parsed) continue;
    if (const auto* d = std::get_if<DigestCredentials>(&*parsed)) realms.push_back(d->realm);
  }
  return realms;
}

TEST(DigestRetry, BehindTwoProxiesTheRetryCarriesBothRealms) {
  SeededRandom random(1);
  DigestClient client("alice", std::string("wonderland"));
  // F2: Proxy 1 challenges; F4: the INVITE carries atlanta's credentials.
  const Message f1 = invite();
  Message f4 = f1;
  ASSERT_EQ(client.answer(challenge_407({"Digest realm=\"atlanta.example.com\", qop=\"auth\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\""}),
                          f1, f4, random),
            DigestOutcome::Answered);
  EXPECT_EQ(realms_of(f4), (std::vector<std::string>{"atlanta.example.com"}));
  // F7: Proxy 2's challenge comes back through Proxy 1; F9 carries both.
  Message f9 = f4;
  ASSERT_EQ(client.answer(challenge_407({"Digest realm=\"biloxi.example.com\", qop=\"auth\", nonce=\"c60f3082ee1212b402a21831ae\""}),
                          f4, f9, random),
            DigestOutcome::Answered);
  EXPECT_EQ(realms_of(f9), (std::vector<std::string>{"atlanta.example.com", "biloxi.example.com"}));
  // Atlanta's row goes again exactly as accepted.
  EXPECT_EQ(f9.header_values(HeaderId::ProxyAuthorization).front(), f4.header_values(HeaderId::ProxyAuthorization).front());
}

TEST(DigestRetry, AStaleRealmIsAnsweredAgainAndTheOtherKept) {
  SeededRandom random(1);
  DigestClient client("alice", std::string("wonderland"));
  Message first = invite();
  Message both = first;
  ASSERT_EQ(client.answer(challenge_407({"Digest realm=\"atlanta.example.com\", nonce=\"a1\"",
                                         "Digest realm=\"biloxi.example.com\", nonce=\"b1\""}),
                          first, both, random),
            DigestOutcome::Answered);
  EXPECT_EQ(realms_of(both), (std::vector<std::string>{"atlanta.example.com", "biloxi.example.com"}));
  // Biloxi's nonce expired (stale=true): its row is replaced, atlanta's kept.
  Message again = both;
  ASSERT_EQ(client.answer(challenge_407({"Digest realm=\"biloxi.example.com\", nonce=\"b2\", stale=true"}), both, again,
                          random),
            DigestOutcome::Answered);
  EXPECT_EQ(realms_of(again), (std::vector<std::string>{"atlanta.example.com", "biloxi.example.com"}));
  const std::string biloxi(again.header_values(HeaderId::ProxyAuthorization).back());
  EXPECT_NE(biloxi.find("nonce=\"b2\""), std::string::npos) << biloxi;
  // The same realm challenged again without stale: the password was wrong.
  Message third = again;
  EXPECT_EQ(client.answer(challenge_407({"Digest realm=\"biloxi.example.com\", nonce=\"b3\""}), again, third, random),
            DigestOutcome::Rejected);
}

}  // namespace
}  // namespace siplab::sip
