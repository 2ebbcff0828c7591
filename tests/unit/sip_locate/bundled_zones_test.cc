// The bundled zones (scenarios/*.zone) located end to end: zone parser →
// Authority → wire codec → stub resolver → locator.
#include <gtest/gtest.h>

#include "models/dns/zone.h"
#include "models/sip/locate/local_locate.h"

namespace siplab::sip::locate {
namespace {

dns::Authority bundled_authority() {
  dns::Authority authority;
  for (const char* name : {"domain.ru.zone", "example.org.zone", "failover.test.zone", "srvonly.test.zone",
                           "aonly.test.zone", "tcponly.test.zone"}) {
    auto parsed = dns::load_zone_file(std::string(SIPLAB_SCENARIOS_DIR) + "/" + name);
    for (const auto& e : parsed.errors) ADD_FAILURE() << dns::format_error(e);
    if (parsed.zone) authority.add_zone(std::move(*parsed.zone));
  }
  return authority;
}

LocalLocateResult locate(std::string host, TransportSet transports, bool ipv6 = false, bool secure = false) {
  static const dns::Authority authority = bundled_authority();
  LocateRequest request;
  request.host = std::move(host);
  request.secure = secure;
  SeededRandom random(1);
  return locate_with_authority(request, LocatorConfig{transports, ipv6}, authority, random);
}

std::vector<std::string> lines(const LocalLocateResult& r) {
  std::vector<std::string> out;
  for (const auto& t : r.targets) out.push_back(format_target(t));
  return out;
}

TEST(BundledZones, IvanDomainIsOneRoundTripThanksToAdditionalRecords) {
  auto r = locate("domain.ru", {Transport::Udp, Transport::Tcp}, true);
  ASSERT_EQ(r.state, LocateState::Done) << r.failure_reason;
  EXPECT_EQ(lines(r), (std::vector<std::string>{"udp proxy.domain.ru 5060 fd00::10",
                                                "udp proxy.domain.ru 5060 192.0.2.10",
                                                "tcp proxy.domain.ru 5060 fd00::10",
                                                "tcp proxy.domain.ru 5060 192.0.2.10"}));
  EXPECT_EQ(r.dns_queries, 1u);
}

TEST(BundledZones, FailoverTestOrdersPrimaryThenSecondary) {
  auto r = locate("failover.test", {Transport::Udp});
  ASSERT_EQ(r.state, LocateState::Done) << r.failure_reason;
  EXPECT_EQ(lines(r), (std::vector<std::string>{"udp proxy.failover.test 5060 192.0.2.10",
                                                "udp proxy2.failover.test 5060 192.0.2.20"}));
}

TEST(BundledZones, SrvOnlyAndAOnly) {
  auto srv = locate("srvonly.test", {Transport::Udp});
  ASSERT_EQ(srv.state, LocateState::Done) << srv.failure_reason;
  EXPECT_EQ(lines(srv), std::vector<std::string>{"udp sip.srvonly.test 5070 192.0.2.30"});
  auto a = locate("aonly.test", {Transport::Udp});
  ASSERT_EQ(a.state, LocateState::Done) << a.failure_reason;
  EXPECT_EQ(lines(a), std::vector<std::string>{"udp aonly.test 5060 192.0.2.31"});
}

TEST(BundledZones, TcpOnlyNeedsATcpClient) {
  auto udp = locate("tcponly.test", {Transport::Udp});
  EXPECT_EQ(udp.state, LocateState::Failed);
  auto tcp = locate("tcponly.test", {Transport::Udp, Transport::Tcp});
  ASSERT_EQ(tcp.state, LocateState::Done) << tcp.failure_reason;
  EXPECT_EQ(lines(tcp), std::vector<std::string>{"tcp sip.tcponly.test 5060 192.0.2.32"});
}

TEST(BundledZones, NameOutsideEveryZoneFailsWithReason) {
  auto r = locate("nope.domain.ru", {Transport::Udp});
  ASSERT_EQ(r.state, LocateState::Failed);
  EXPECT_EQ(r.failure_reason, "NXDOMAIN for nope.domain.ru. (NAPTR lookup): the domain does not exist");
}

}  // namespace
}  // namespace siplab::sip::locate
