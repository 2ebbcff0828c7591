// RFC 3263 §4 locator, one test per rule; zones follow the project's
// address plan (scenarios/*.zone).
#include "models/sip/locate/locator.h"

#include <gtest/gtest.h>

#include "models/sip/locate/failover.h"
#include "tests/unit/sip_locate/fake_dns.h"

namespace siplab::sip::locate {
namespace {

using namespace fake;
using dns::RrType;

const std::array<uint8_t, 16> kProxyV6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};

std::vector<dns::ResourceRecord> domain_ru() {
  return {SOA("domain.ru."),
          NAPTR("domain.ru.", 10, 50, "SIP+D2U", "_sip._udp.domain.ru."),
          NAPTR("domain.ru.", 20, 50, "SIP+D2T", "_sip._tcp.domain.ru."),
          SRV("_sip._udp.domain.ru.", 10, 60, 5060, "proxy.domain.ru."),
          SRV("_sip._tcp.domain.ru.", 10, 60, 5060, "proxy.domain.ru."),
          A("proxy.domain.ru.", 192, 0, 2, 10),
          AAAA("proxy.domain.ru.", kProxyV6),
          A("dns.domain.ru.", 192, 0, 2, 53)};
}

LocateRequest sip_uri(std::string host, std::optional<uint16_t> port = std::nullopt) {
  LocateRequest r;
  r.host = std::move(host);
  r.port = port;
  return r;
}

IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return IpAddress::v4(a, b, c, d); }

std::vector<std::string> lines(const std::vector<Target>& targets) {
  std::vector<std::string> out;
  for (const auto& t : targets) out.push_back(format_target(t));
  return out;
}

std::vector<DnsQuestion> Q(std::initializer_list<std::pair<const char*, RrType>> qs) {
  std::vector<DnsQuestion> out;
  for (const auto& [name, type] : qs) out.push_back(DnsQuestion{name, type});
  return out;
}

struct Walk {
  SeededRandom random{1};
  FakeDns dns;
  std::optional<Locator> locator;
  Walk(std::vector<dns::ResourceRecord> zone, LocateRequest request, LocatorConfig config) {
    dns.records = std::move(zone);
    locator.emplace(std::move(request), std::move(config), random);
  }
  Locator& go() {
    dns.drive(*locator);
    return *locator;
  }
};

// The seed's walk-through: Peter's client locates sip:ivan@domain.ru.
TEST(Locator, SeedWalkThroughNaptrThenSrvThenA) {
  Walk run(domain_ru(), sip_uri("domain.ru"), LocatorConfig{{Transport::Udp, Transport::Tcp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done) << loc.failure_reason();
  EXPECT_EQ(run.dns.asked, Q({{"domain.ru.", RrType::NAPTR},
                              {"_sip._udp.domain.ru.", RrType::SRV},
                              {"_sip._tcp.domain.ru.", RrType::SRV},
                              {"proxy.domain.ru.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), (std::vector<std::string>{"udp proxy.domain.ru 5060 192.0.2.10",
                                                            "tcp proxy.domain.ru 5060 192.0.2.10"}));
  EXPECT_EQ(loc.targets()[0], (Target{Transport::Udp, "proxy.domain.ru", 5060, v4(192, 0, 2, 10)}));
  EXPECT_EQ(loc.steps().front(),
            "NAPTR domain.ru.: 2 records, 2 usable; udp -> _sip._udp.domain.ru.; tcp -> _sip._tcp.domain.ru.");
}

TEST(Locator, AdditionalRecordsMakeTheWalkOneLookup) {
  Walk run(domain_ru(), sip_uri("domain.ru"), LocatorConfig{{Transport::Udp}, false});
  run.dns.include_additional = true;
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"domain.ru.", RrType::NAPTR}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp proxy.domain.ru 5060 192.0.2.10"});
}

TEST(Locator, Ipv6ClientAsksAaaaFirstThenA) {
  Walk run(domain_ru(), sip_uri("domain.ru"), LocatorConfig{{Transport::Udp}, true});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"domain.ru.", RrType::NAPTR},
                              {"_sip._udp.domain.ru.", RrType::SRV},
                              {"proxy.domain.ru.", RrType::AAAA},
                              {"proxy.domain.ru.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), (std::vector<std::string>{"udp proxy.domain.ru 5060 2001:db8::10",
                                                            "udp proxy.domain.ru 5060 192.0.2.10"}));
}

TEST(Locator, OnlySrvNoNaptr) {
  std::vector<dns::ResourceRecord> zone = {SOA("srvonly.test."),
                                           SRV("_sip._udp.srvonly.test.", 10, 0, 5070, "sip.srvonly.test."),
                                           A("sip.srvonly.test.", 192, 0, 2, 30)};
  Walk run(zone, sip_uri("srvonly.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"srvonly.test.", RrType::NAPTR},
                              {"_sip._udp.srvonly.test.", RrType::SRV},
                              {"sip.srvonly.test.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp sip.srvonly.test 5070 192.0.2.30"});
}

TEST(Locator, NoNaptrQueriesSrvForEverySupportedTransportInOrder) {
  std::vector<dns::ResourceRecord> zone = {SOA("srvonly.test."),
                                           SRV("_sip._udp.srvonly.test.", 10, 0, 5070, "sip.srvonly.test."),
                                           A("sip.srvonly.test.", 192, 0, 2, 30)};
  Walk run(zone, sip_uri("srvonly.test"), LocatorConfig{{Transport::Udp, Transport::Tcp, Transport::Tls}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"srvonly.test.", RrType::NAPTR},
                              {"_sips._tcp.srvonly.test.", RrType::SRV},
                              {"_sip._tcp.srvonly.test.", RrType::SRV},
                              {"_sip._udp.srvonly.test.", RrType::SRV},
                              {"sip.srvonly.test.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp sip.srvonly.test 5070 192.0.2.30"});
}

TEST(Locator, OnlyARecordUsesDefaultTransportAndPort) {
  std::vector<dns::ResourceRecord> zone = {SOA("aonly.test."), A("aonly.test.", 192, 0, 2, 31)};
  Walk run(zone, sip_uri("aonly.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"aonly.test.", RrType::NAPTR},
                              {"_sip._udp.aonly.test.", RrType::SRV},
                              {"aonly.test.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp aonly.test 5060 192.0.2.31"});
}

TEST(Locator, SipsWithOnlyARecordUsesTlsOn5061) {
  std::vector<dns::ResourceRecord> zone = {SOA("aonly.test."), A("aonly.test.", 192, 0, 2, 31)};
  LocateRequest req = sip_uri("aonly.test");
  req.secure = true;
  Walk run(zone, req, LocatorConfig{{Transport::Udp, Transport::Tcp, Transport::Tls}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"aonly.test.", RrType::NAPTR},
                              {"_sips._tcp.aonly.test.", RrType::SRV},
                              {"aonly.test.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"tls aonly.test 5061 192.0.2.31"});
}

std::vector<dns::ResourceRecord> tcponly_test() {
  return {SOA("tcponly.test."), NAPTR("tcponly.test.", 10, 50, "SIP+D2T", "_sip._tcp.tcponly.test."),
          SRV("_sip._tcp.tcponly.test.", 10, 0, 5060, "sip.tcponly.test."), A("sip.tcponly.test.", 192, 0, 2, 32)};
}

// §4.1: the client discards NAPTR services it cannot use; with none left no
// NAPTR record was "found", so it queries SRV for its own transports, then A.
TEST(Locator, NaptrOnlyForMissingTransportFallsToSrvThenA) {
  Walk run(tcponly_test(), sip_uri("tcponly.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  EXPECT_EQ(run.dns.asked, Q({{"tcponly.test.", RrType::NAPTR},
                              {"_sip._udp.tcponly.test.", RrType::SRV},
                              {"tcponly.test.", RrType::A}}));
  ASSERT_EQ(loc.state(), LocateState::Failed);
  EXPECT_EQ(loc.failure_reason(),
            "no address found for tcponly.test.; NAPTR tcponly.test.: 1 records, 0 usable; "
            "SRV _sip._udp.tcponly.test.: NXDOMAIN; "
            "no SRV records: address lookup of tcponly.test. port 5060; A tcponly.test.: NODATA");
}

TEST(Locator, NaptrForSupportedTransportIsFollowed) {
  Walk run(tcponly_test(), sip_uri("tcponly.test"), LocatorConfig{{Transport::Udp, Transport::Tcp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"tcp sip.tcponly.test 5060 192.0.2.32"});
}

// RFC 3263 §4.1's example: SIPS+D2T (50), SIP+D2T (90), SIP+D2U (100).
std::vector<dns::ResourceRecord> rfc_example() {
  return {SOA("example.com."),
          NAPTR("example.com.", 100, 50, "SIP+D2U", "_sip._udp.example.com."),
          NAPTR("example.com.", 50, 50, "SIPS+D2T", "_sips._tcp.example.com."),
          NAPTR("example.com.", 90, 50, "SIP+D2T", "_sip._tcp.example.com."),
          SRV("_sips._tcp.example.com.", 0, 0, 5061, "tls.example.com."),
          SRV("_sip._tcp.example.com.", 0, 0, 5060, "tcp.example.com."),
          SRV("_sip._udp.example.com.", 0, 0, 5060, "udp.example.com."),
          A("tls.example.com.", 192, 0, 2, 1),
          A("tcp.example.com.", 192, 0, 2, 2),
          A("udp.example.com.", 192, 0, 2, 3)};
}

TEST(Locator, NaptrOrderWinsAndUnsupportedServicesAreDropped) {
  Walk run(rfc_example(), sip_uri("example.com"), LocatorConfig{{Transport::Udp, Transport::Tcp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  // The RFC: "Since the client supports TCP and UDP, TCP will be used".
  EXPECT_EQ(lines(loc.targets()), (std::vector<std::string>{"tcp tcp.example.com 5060 192.0.2.2",
                                                            "udp udp.example.com 5060 192.0.2.3"}));
}

TEST(Locator, SipUriKeepsSipsServicesWhenClientHasTls) {
  Walk run(rfc_example(), sip_uri("example.com"),
          LocatorConfig{{Transport::Udp, Transport::Tcp, Transport::Tls}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(lines(loc.targets()), (std::vector<std::string>{"tls tls.example.com 5061 192.0.2.1",
                                                            "tcp tcp.example.com 5060 192.0.2.2",
                                                            "udp udp.example.com 5060 192.0.2.3"}));
}

TEST(Locator, SipsUriKeepsOnlySipsServices) {
  LocateRequest req = sip_uri("example.com");
  req.secure = true;
  Walk run(rfc_example(), req, LocatorConfig{{Transport::Udp, Transport::Tcp, Transport::Tls}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"tls tls.example.com 5061 192.0.2.1"});
}

TEST(Locator, SipsUriWithoutTlsSupportFails) {
  LocateRequest req = sip_uri("example.com");
  req.secure = true;
  Walk run(rfc_example(), req, LocatorConfig{{Transport::Udp, Transport::Tcp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Failed);
  EXPECT_EQ(loc.failure_reason(), "a sips: URI needs TLS, which this client does not support");
}

TEST(Locator, NumericIpNeedsNoDns) {
  Walk run({}, sip_uri("192.0.2.10"), LocatorConfig{{Transport::Udp, Transport::Tcp, Transport::Tls}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_TRUE(run.dns.asked.empty());
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp 192.0.2.10 5060 192.0.2.10"});
}

TEST(Locator, NumericIpv6WithPort) {
  Walk run({}, sip_uri("[2001:db8::10]", 5070), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp 2001:db8::10 5070 2001:db8::10"});
}

TEST(Locator, SipsNumericIpUsesTlsOn5061) {
  LocateRequest req = sip_uri("192.0.2.10");
  req.secure = true;
  Walk run({}, req, LocatorConfig{{Transport::Udp, Transport::Tls}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"tls 192.0.2.10 5061 192.0.2.10"});
}

TEST(Locator, ExplicitPortSkipsNaptrAndSrv) {
  Walk run(domain_ru(), sip_uri("proxy.domain.ru", 5080), LocatorConfig{{Transport::Udp, Transport::Tcp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"proxy.domain.ru.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp proxy.domain.ru 5080 192.0.2.10"});
}

TEST(Locator, TransportParamSelectsSrvForThatTransport) {
  LocateRequest req = sip_uri("domain.ru");
  req.transport = "TCP";
  Walk run(domain_ru(), req, LocatorConfig{{Transport::Udp, Transport::Tcp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"_sip._tcp.domain.ru.", RrType::SRV}, {"proxy.domain.ru.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"tcp proxy.domain.ru 5060 192.0.2.10"});
}

TEST(Locator, TransportParamWithoutSrvFallsToAAtDefaultPort) {
  std::vector<dns::ResourceRecord> zone = {SOA("aonly.test."), A("aonly.test.", 192, 0, 2, 31)};
  LocateRequest req = sip_uri("aonly.test");
  req.transport = "tcp";
  req.secure = true;  // sips + transport=tcp → TLS over TCP
  Walk run(zone, req, LocatorConfig{{Transport::Tls}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"_sips._tcp.aonly.test.", RrType::SRV}, {"aonly.test.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"tls aonly.test 5061 192.0.2.31"});
}

TEST(Locator, TransportParamAndNumericIp) {
  LocateRequest req = sip_uri("192.0.2.10");
  req.transport = "tcp";
  Walk run({}, req, LocatorConfig{{Transport::Udp, Transport::Tcp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"tcp 192.0.2.10 5060 192.0.2.10"});
}

TEST(Locator, TransportParamTheClientLacksFails) {
  LocateRequest req = sip_uri("domain.ru");
  req.transport = "tcp";
  Walk run(domain_ru(), req, LocatorConfig{{Transport::Udp}, false});
  EXPECT_EQ(run.go().state(), LocateState::Failed);
  EXPECT_EQ(run.locator->failure_reason(), "the URI asks for transport tcp, which this client does not support");
  LocateRequest bad = sip_uri("domain.ru");
  bad.transport = "carrier-pigeon";
  Walk run2(domain_ru(), bad, LocatorConfig{{Transport::Udp}, false});
  EXPECT_EQ(run2.go().failure_reason(), "unknown transport=carrier-pigeon in the URI");
}

TEST(Locator, MaddrIsTheTarget) {
  LocateRequest req = sip_uri("domain.ru");
  req.maddr = "192.0.2.20";
  Walk run(domain_ru(), req, LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_TRUE(run.dns.asked.empty());
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp 192.0.2.20 5060 192.0.2.20"});
}

TEST(Locator, MaddrDomainIsLocatedInsteadOfHost) {
  LocateRequest req = sip_uri("example.org");
  req.maddr = "domain.ru";
  Walk run(domain_ru(), req, LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked.front(), (DnsQuestion{"domain.ru.", RrType::NAPTR}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp proxy.domain.ru 5060 192.0.2.10"});
}

TEST(Locator, CnameSrvTargetIsFollowed) {
  std::vector<dns::ResourceRecord> zone = {SOA("cname.test."),
                                           SRV("_sip._udp.cname.test.", 10, 0, 5060, "alias.cname.test."),
                                           CNAME("alias.cname.test.", "real.cname.test."),
                                           A("real.cname.test.", 192, 0, 2, 40)};
  Walk run(zone, sip_uri("cname.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked.size(), 3u);
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp alias.cname.test 5060 192.0.2.40"});
}

TEST(Locator, CnameOnlyAnswerMakesLocatorAskTheTarget) {
  std::vector<dns::ResourceRecord> zone = {SOA("cname.test."),
                                           SRV("_sip._udp.cname.test.", 10, 0, 5060, "alias.cname.test."),
                                           CNAME("alias.cname.test.", "real.cname.test."),
                                           A("real.cname.test.", 192, 0, 2, 40)};
  Walk run(zone, sip_uri("cname.test"), LocatorConfig{{Transport::Udp}, false});
  run.dns.follow_cname = false;
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(run.dns.asked, Q({{"cname.test.", RrType::NAPTR},
                              {"_sip._udp.cname.test.", RrType::SRV},
                              {"alias.cname.test.", RrType::A},
                              {"real.cname.test.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp alias.cname.test 5060 192.0.2.40"});
}

TEST(Locator, CnameLoopEndsWithFailureNotAHang) {
  std::vector<dns::ResourceRecord> zone = {SOA("loop.test."), CNAME("a.loop.test.", "b.loop.test."),
                                           CNAME("b.loop.test.", "a.loop.test.")};
  Walk run(zone, sip_uri("a.loop.test", 5060), LocatorConfig{{Transport::Udp}, false});
  run.dns.follow_cname = false;
  Locator& loc = run.go();
  EXPECT_EQ(loc.state(), LocateState::Failed);
  EXPECT_LE(loc.lookups_made(), 3u);
}

TEST(Locator, NxDomainAtNaptrStep) {
  Walk run(domain_ru(), sip_uri("nope.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Failed);
  EXPECT_EQ(run.dns.asked, Q({{"nope.test.", RrType::NAPTR}}));
  EXPECT_EQ(loc.failure_reason(), "NXDOMAIN for nope.test. (NAPTR lookup): the domain does not exist");
}

TEST(Locator, NxDomainAtSrvStepFallsToAThenFails) {
  std::vector<dns::ResourceRecord> zone = {SOA("broken.test."),
                                           NAPTR("broken.test.", 10, 50, "SIP+D2U", "_sip._udp.gone.test.")};
  Walk run(zone, sip_uri("broken.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Failed);
  EXPECT_EQ(run.dns.asked, Q({{"broken.test.", RrType::NAPTR},
                              {"_sip._udp.gone.test.", RrType::SRV},
                              {"broken.test.", RrType::A}}));
  EXPECT_NE(loc.failure_reason().find("SRV _sip._udp.gone.test.: NXDOMAIN"), std::string::npos)
      << loc.failure_reason();
}

TEST(Locator, NxDomainAtAddressStep) {
  std::vector<dns::ResourceRecord> zone = {SOA("ghost.test."),
                                           SRV("_sip._udp.ghost.test.", 10, 0, 5060, "host.gone.test.")};
  Walk run(zone, sip_uri("ghost.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Failed);
  EXPECT_EQ(loc.failure_reason(),
            "no address found for ghost.test.; NAPTR ghost.test.: NODATA; "
            "SRV _sip._udp.ghost.test.: host.gone.test:5060; A host.gone.test.: NXDOMAIN");
}

// RFC 2782: an SRV target is a domain name, even one spelled like an
// address; its A record is looked up, never the spelling used as one.
TEST(Locator, SrvTargetThatLooksLikeAnAddressIsLookedUpAsAName) {
  std::vector<dns::ResourceRecord> zone = {SOA("ipt.test."),
                                           SRV("_sip._udp.ipt.test.", 0, 0, 5060, "192.0.2.1."),
                                           A("192.0.2.1.", 198, 51, 100, 7)};
  Walk run(zone, sip_uri("ipt.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done) << loc.failure_reason();
  EXPECT_EQ(run.dns.asked, Q({{"ipt.test.", RrType::NAPTR},
                              {"_sip._udp.ipt.test.", RrType::SRV},
                              {"192.0.2.1.", RrType::A}}));
  EXPECT_EQ(lines(loc.targets()), std::vector<std::string>{"udp 192.0.2.1 5060 198.51.100.7"});
}

TEST(Locator, SrvTargetThatLooksLikeAnAddressWithoutRecordsFails) {
  std::vector<dns::ResourceRecord> zone = {SOA("ipt.test."),
                                           SRV("_sip._udp.ipt.test.", 0, 0, 5060, "192.0.2.1.")};
  Walk run(zone, sip_uri("ipt.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Failed);
  EXPECT_EQ(loc.failure_reason(),
            "no address found for ipt.test.; NAPTR ipt.test.: NODATA; "
            "SRV _sip._udp.ipt.test.: 192.0.2.1:5060; A 192.0.2.1.: NXDOMAIN");
}

TEST(Locator, LoneDotSrvMeansServiceNotAvailable) {
  std::vector<dns::ResourceRecord> zone = {SOA("closed.test."), SRV("_sip._udp.closed.test.", 0, 0, 0, "."),
                                           A("closed.test.", 192, 0, 2, 50)};
  Walk run(zone, sip_uri("closed.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Failed);
  EXPECT_EQ(loc.failure_reason(), "SRV records say the service is not available at closed.test.");
}

TEST(Locator, FailoverZoneOrdersByPriority) {
  std::vector<dns::ResourceRecord> zone = {SOA("failover.test."),
                                           SRV("_sip._udp.failover.test.", 20, 0, 5060, "proxy2.failover.test."),
                                           SRV("_sip._udp.failover.test.", 10, 0, 5060, "proxy.failover.test."),
                                           A("proxy.failover.test.", 192, 0, 2, 10),
                                           A("proxy2.failover.test.", 192, 0, 2, 20)};
  Walk run(zone, sip_uri("failover.test"), LocatorConfig{{Transport::Udp}, false});
  Locator& loc = run.go();
  ASSERT_EQ(loc.state(), LocateState::Done);
  EXPECT_EQ(lines(loc.targets()), (std::vector<std::string>{"udp proxy.failover.test 5060 192.0.2.10",
                                                            "udp proxy2.failover.test 5060 192.0.2.20"}));
  // §4.3: a timeout or a 503 moves to the next target; then the list is exhausted.
  Failover failover(loc.targets());
  ASSERT_NE(failover.current(), nullptr);
  EXPECT_EQ(failover.current()->host, "proxy.failover.test");
  const Target* next = failover.fail_current(TargetFailure::Timeout);
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->host, "proxy2.failover.test");
  EXPECT_EQ(failover.fail_current(TargetFailure::ServiceUnavailable), nullptr);
  EXPECT_TRUE(failover.exhausted());
  EXPECT_EQ(failover.fail_current(TargetFailure::Timeout), nullptr);
  ASSERT_EQ(failover.failed().size(), 2u);
  EXPECT_EQ(failover.failed()[0].failure, TargetFailure::Timeout);
  EXPECT_EQ(failover.failed()[1].failure, TargetFailure::ServiceUnavailable);
  EXPECT_EQ(failure_name(TargetFailure::ServiceUnavailable), "503");
}

TEST(Locator, IgnoresResultForAnotherQuestion) {
  Walk run(domain_ru(), sip_uri("domain.ru"), LocatorConfig{{Transport::Udp}, false});
  auto q = run.locator->poll_lookup();
  ASSERT_TRUE(q.has_value());
  EXPECT_FALSE(run.locator->poll_lookup().has_value());  // one at a time
  dns::LookupResult wrong;
  wrong.name = "other.test.";
  wrong.type = RrType::NAPTR;
  EXPECT_FALSE(run.locator->handle_lookup_result(wrong));
  EXPECT_EQ(run.locator->state(), LocateState::Running);
  EXPECT_TRUE(run.locator->handle_lookup_result(run.dns.answer(*q)));
}

TEST(Locator, ServFailOnNaptrCountsAsNoNaptr) {
  std::vector<dns::ResourceRecord> zone = {SOA("aonly.test."), A("aonly.test.", 192, 0, 2, 31)};
  Walk run(zone, sip_uri("aonly.test"), LocatorConfig{{Transport::Udp}, false});
  auto q = run.locator->poll_lookup();
  dns::LookupResult failed;
  failed.name = q->name;
  failed.type = q->type;
  failed.status = dns::LookupStatus::ServFail;
  run.locator->handle_lookup_result(failed);
  run.dns.drive(*run.locator);
  ASSERT_EQ(run.locator->state(), LocateState::Done);
  EXPECT_EQ(run.locator->steps().front(), "NAPTR aonly.test.: SERVFAIL");
  EXPECT_EQ(lines(run.locator->targets()), std::vector<std::string>{"udp aonly.test 5060 192.0.2.31"});
}

// numeric_target() is the whole walk for a numeric TARGET: the one target a
// Locator ends with at once, and nothing when a Locator would ask DNS or fail.
TEST(Locator, NumericTargetIsWhatTheLocatorEndsWith) {
  const LocatorConfig all{{Transport::Udp, Transport::Tcp, Transport::Tls}, false};
  std::vector<LocateRequest> numeric;
  numeric.push_back(sip_uri("192.0.2.10"));
  numeric.push_back(sip_uri("[2001:db8::10]", 5070));
  numeric.push_back(sip_uri("192.0.2.10"));
  numeric.back().secure = true;
  numeric.push_back(sip_uri("192.0.2.10"));
  numeric.back().transport = "TCP";
  numeric.push_back(sip_uri("domain.ru"));
  numeric.back().maddr = "192.0.2.77";
  for (const LocateRequest& req : numeric) {
    SeededRandom random(1);
    Locator loc(req, all, random);
    ASSERT_EQ(loc.state(), LocateState::Done) << req.host;
    const std::optional<Target> target = Locator::numeric_target(req, all);
    ASSERT_TRUE(target.has_value()) << req.host;
    EXPECT_EQ(std::vector<Target>{*target}, loc.targets()) << req.host;
  }
  EXPECT_EQ(format_target(*Locator::numeric_target(numeric[3], all)), "tcp 192.0.2.10 5060 192.0.2.10");
  EXPECT_EQ(format_target(*Locator::numeric_target(numeric[4], all)), "udp 192.0.2.77 5060 192.0.2.77");
}

TEST(Locator, NumericTargetIsNothingWhenDnsOrFailureFollows) {
  const LocatorConfig udp_only{{Transport::Udp}, false};
  EXPECT_EQ(Locator::numeric_target(sip_uri("domain.ru"), udp_only), std::nullopt);          // NAPTR walk
  EXPECT_EQ(Locator::numeric_target(sip_uri("proxy.domain.ru", 5080), udp_only), std::nullopt);  // A lookup
  LocateRequest needs_tcp = sip_uri("192.0.2.10");
  needs_tcp.transport = "tcp";
  EXPECT_EQ(Locator::numeric_target(needs_tcp, udp_only), std::nullopt);  // the Locator fails it
  LocateRequest sips = sip_uri("192.0.2.10");
  sips.secure = true;
  EXPECT_EQ(Locator::numeric_target(sips, udp_only), std::nullopt);
  EXPECT_EQ(Locator::numeric_target(sip_uri(""), udp_only), std::nullopt);
}

TEST(Failover, RemainingCountsTheCurrentTargetAndThoseAfterIt) {
  Failover failover({Target{Transport::Udp, "a", 5060, v4(192, 0, 2, 1)},
                     Target{Transport::Udp, "b", 5060, v4(192, 0, 2, 2)}});
  EXPECT_EQ(failover.remaining(), 2u);
  failover.fail_current(TargetFailure::Timeout);
  EXPECT_EQ(failover.remaining(), 1u);
  failover.fail_current(TargetFailure::ServiceUnavailable);
  EXPECT_EQ(failover.remaining(), 0u);
  EXPECT_TRUE(failover.exhausted());
  EXPECT_EQ(Failover({}).remaining(), 0u);
}

}  // namespace
}  // namespace siplab::sip::locate
