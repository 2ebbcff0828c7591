// RFC 3261 §18.2.1 / §18.2.2 and RFC 3581 §4 Via rules, branch format,
// §18.1.2 Via check.
#include <gtest/gtest.h>

#include "models/common/random.h"
#include "models/sip/message/header_values.h"
#include "models/sip/transport/branch.h"
#include "models/sip/transport/via_rules.h"

namespace siplab::sip {
namespace {

Via via(std::string_view text) {
  auto v = parse_via(text);
  EXPECT_TRUE(v.ok()) << text;
  return *v;
}

Endpoint ep(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) { return Endpoint{IpAddress::v4(a, b, c, d), port}; }

TEST(StampReceived, AddsReceivedWhenSentByDiffersFromSource) {
  // RFC 3261 §18.2.1 example: sent-by bobspc.biloxi.com, source 192.0.2.4.
  Via v = via("SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK1");
  stamp_received(v, ep(192, 0, 2, 4, 5060));
  EXPECT_EQ(v.to_string(), "SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK1;received=192.0.2.4");
}

TEST(StampReceived, LeavesMatchingSentByAlone) {
  Via v = via("SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK1");
  stamp_received(v, ep(192, 0, 2, 4, 9999));
  EXPECT_EQ(v.to_string(), "SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK1");
}

TEST(StampReceived, Rfc3581ExampleFillsRportAndReceived) {
  // RFC 3581 §4 example: source 192.0.2.1:9988, rport requested, received
  // added even though the host equals the source.
  Via v = via("SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKkjshdyff");
  stamp_received(v, ep(192, 0, 2, 1, 9988));
  EXPECT_EQ(v.rport(), 9988);
  EXPECT_EQ(v.received(), "192.0.2.1");
  EXPECT_EQ(v.to_string(), "SIP/2.0/UDP 192.0.2.1:5060;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1");
}

TEST(StampReceived, RportWithValueIsNotRewritten) {
  Via v = via("SIP/2.0/UDP 192.0.2.1:5060;rport=1234;branch=z9hG4bK1");
  stamp_received(v, ep(192, 0, 2, 1, 9988));
  EXPECT_EQ(v.rport(), 1234);
  EXPECT_EQ(v.received(), std::nullopt);
}

TEST(ResponseDestination, FollowsReceivedRportMaddrAndSentBy) {
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP h.example;branch=z9hG4bK1;received=192.0.2.4"), Transport::Udp),
            ep(192, 0, 2, 4, 5060));
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;received=192.0.2.4;rport=4000"),
                                 Transport::Udp),
            ep(192, 0, 2, 4, 4000));
  // Over TCP, rport does not apply: a new connection goes to sent-by's port.
  EXPECT_EQ(response_destination(via("SIP/2.0/TCP 10.0.0.1:5070;branch=z9hG4bK1;received=192.0.2.4;rport=4000"),
                                 Transport::Tcp),
            ep(192, 0, 2, 4, 5070));
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;maddr=239.255.255.1;received=192.0.2.4"),
                                 Transport::Udp),
            ep(239, 255, 255, 1, 5070));
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK1"), Transport::Udp), ep(192, 0, 2, 9, 5060));
  // A host name with no received: the RFC 3263 §5 lookup is the caller's.
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP pc.example;branch=z9hG4bK1"), Transport::Udp), std::nullopt);
}

TEST(ViaIsOurs, ComparesHostAndPort) {
  const IpAddress me = IpAddress::v4(192, 0, 2, 2);
  EXPECT_TRUE(via_is_ours(via("SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK1"), me, 5060, ""));
  EXPECT_FALSE(via_is_ours(via("SIP/2.0/UDP 192.0.2.2:5070;branch=z9hG4bK1"), me, 5060, ""));
  EXPECT_FALSE(via_is_ours(via("SIP/2.0/UDP 192.0.2.3;branch=z9hG4bK1"), me, 5060, ""));
  EXPECT_TRUE(via_is_ours(via("SIP/2.0/UDP Proxy.Example:5060;branch=z9hG4bK1"), me, 5060, "proxy.example"));
}

TEST(Branch, FreshBranchesCarryTheCookieAndDiffer) {
  SeededRandom random(42);
  const std::string a = make_branch(random);
  const std::string b = make_branch(random);
  EXPECT_TRUE(a.starts_with("z9hG4bK"));
  EXPECT_EQ(a.size(), 23u);
  EXPECT_NE(a, b);
  SeededRandom again(42);
  EXPECT_EQ(make_branch(again), a);  // reproducible from the seed
  EXPECT_TRUE(is_rfc3261_branch(a));
  EXPECT_FALSE(is_rfc3261_branch("z9hG4bK"));
  EXPECT_FALSE(is_rfc3261_branch("Z9HG4BKabc"));  // §17.2.3: case-sensitive cookie
  EXPECT_FALSE(is_rfc3261_branch("1234"));
}

}  // namespace
}  // namespace siplab::sip
