// RFC 3263 location across the simulated network: the client's resolver
// asks the DnsServerApp for NAPTR (SRV and A come back as additional
// records), the locator picks the SRV target, and the OPTIONS reaches the
// node that A record names.
#include <gtest/gtest.h>

#include "models/dns/authority.h"
#include "models/dns/zone.h"
#include "ns3/simulator.h"
#include "sim/runtime/dns_server_app.h"
#include "tests/sim/runtime/runtime_fixture.h"

namespace siplab::runtime::testing {
namespace {

class DnsLookup : public RuntimeTest {};

std::string zone_text(const IpAddress& dns, const IpAddress& proxy) {
  return "$ORIGIN domain.ru.\n"
         "$TTL 3600\n"
         "@ IN SOA dns.domain.ru. hostmaster.domain.ru. 1 3600 600 604800 300\n"
         "  IN NS dns.domain.ru.\n"
         "@ IN NAPTR 10 50 \"S\" \"SIP+D2U\" \"\" _sip._udp.domain.ru.\n"
         "_sip._udp IN SRV 10 60 5060 proxy.domain.ru.\n"
         "dns IN A " + dns.to_string() + "\n"
         "proxy IN A " + proxy.to_string() + "\n";
}

TEST_F(DnsLookup, NaptrSrvALookupAcrossTheNetworkFeedsTheLocator) {
  Capture capture;
  // client --5ms-- router --2ms-- dns ; router --3ms-- proxy ; router --3ms-- other
  auto topology = build_topology(
      spec_of({"client", "router", "dns", "proxy", "other"},
              {link("client", "router", 5ms), link("dns", "router", 2ms), link("proxy", "router", 3ms),
               link("other", "router", 3ms)}),
      1);
  ASSERT_TRUE(topology);
  trace_link_drops(*topology, capture.collector);
  const IpAddress client_address = *topology->address_of("client");
  const IpAddress dns_address = *topology->address_of("dns");
  const IpAddress proxy_address = *topology->address_of("proxy");
  const IpAddress other_address = *topology->address_of("other");

  auto parsed = dns::parse_zone(zone_text(dns_address, proxy_address), "domain.ru.zone");
  ASSERT_TRUE(parsed.zone) << (parsed.errors.empty() ? "" : dns::format_error(parsed.errors[0]));
  auto authority = std::make_shared<dns::Authority>();
  authority->add_zone(std::move(*parsed.zone));
  auto dns_app = ns3::CreateObject<DnsServerApp>(authority, dns_address);
  dns_app->set_observer([&capture](Instant now, const Endpoint& client, const Endpoint& server,
                                   const std::optional<dns::Message>& q, const std::optional<dns::Message>& a) {
    capture.collector.dns_serve(now, "dns", client, server, q, a);
  });
  topology->node("dns")->AddApplication(dns_app);

  SeededRandom client_random{11}, proxy_random{22}, other_random{33};
  UacTu uac;
  UasTu proxy_uas, other_uas;
  auto client_config = node_config("client", client_address);
  client_config.resolver.servers = {Endpoint{dns_address, 53}};
  auto client = capture.install(*topology, client_config, client_random, uac);
  capture.install(*topology, node_config("proxy", proxy_address), proxy_random, proxy_uas);
  capture.install(*topology, node_config("other", other_address), other_random, other_uas);

  client->command_at(ns3::Seconds(1), [](sip::TuContext& ctx) {
    ctx.send_request(Instant{1s}, options_to("sip:ivan@domain.ru"), *sip::parse_uri("sip:ivan@domain.ru"));
  });
  ns3::Simulator::Stop(ns3::Seconds(10));
  ns3::Simulator::Run();

  // One round trip: NAPTR asked, SRV and A arrive as additional records.
  const auto queries = capture.of("dns.query");
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0]["node"], "client");
  EXPECT_EQ(queries[0]["src"], client_address.to_string() + ":5353");
  EXPECT_EQ(queries[0]["dst"], dns_address.to_string() + ":53");
  EXPECT_EQ(queries[0]["name"], "domain.ru.");
  EXPECT_EQ(queries[0]["type"], "NAPTR");
  EXPECT_EQ(queries[0]["attempt"], 1);
  EXPECT_EQ(ns_of(queries[0]), 1'000'000'000);

  const auto serves = capture.of("dns.serve");
  ASSERT_EQ(serves.size(), 1u);
  EXPECT_EQ(serves[0]["node"], "dns");
  EXPECT_EQ(serves[0]["src"], client_address.to_string() + ":5353");
  EXPECT_EQ(serves[0]["type"], "NAPTR");
  EXPECT_EQ(serves[0]["rcode"], "NOERROR");
  // 5 ms + 2 ms of links plus serialization (1 ns per byte per hop: the
  // 55-byte datagram (+2 PPP), twice).
  EXPECT_EQ(ns_of(serves[0]), 1'007'000'114);

  const auto answers = capture.of("dns.answer");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0]["node"], "client");
  EXPECT_EQ(answers[0]["src"], dns_address.to_string() + ":53");
  EXPECT_EQ(answers[0]["rcode"], "NOERROR");
  EXPECT_EQ(answers[0]["answers"],
            nlohmann::json::array({"domain.ru. 3600 IN NAPTR 10 50 \"S\" \"SIP+D2U\" \"\" _sip._udp.domain.ru."}));
  EXPECT_EQ(ns_of(answers[0]), 1'014'000'426);  // answer + additional records: a 154-byte datagram (+2 PPP), twice
  // The wire message id pairs the three lines (ladders draw query and answer
  // from it); the resolver's own lookup number rides along as `lookup`.
  EXPECT_EQ(queries[0]["id"], serves[0]["id"]);
  EXPECT_EQ(answers[0]["id"], serves[0]["id"]);
  EXPECT_EQ(queries[0]["lookup"], answers[0]["lookup"]);

  // The request goes to the SRV target's A record: proxy, not other.
  const auto sent = capture.of("sip.send", "client");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["dst"], proxy_address.to_string() + ":5060");
  EXPECT_EQ(ns_of(sent[0]), ns_of(answers[0]));
  const auto arrived = capture.of("sip.recv", "proxy");
  ASSERT_EQ(arrived.size(), 1u);
  EXPECT_EQ(arrived[0]["first_line"], "OPTIONS sip:ivan@domain.ru SIP/2.0");
  EXPECT_EQ(ns_of(arrived[0]), ns_of(sent[0]) + 8'000'000 + 2 * (sent[0]["bytes"].get<int64_t>() + 30));
  EXPECT_EQ(proxy_uas.requests, 1);
  EXPECT_EQ(proxy_uas.last_request_uri, "sip:ivan@domain.ru");
  EXPECT_EQ(other_uas.requests, 0);
  ASSERT_EQ(uac.responses.size(), 1u);
  EXPECT_EQ(uac.responses[0].code, 200);
  EXPECT_EQ(dns_app->queries_served(), 1u);
}

}  // namespace
}  // namespace siplab::runtime::testing
