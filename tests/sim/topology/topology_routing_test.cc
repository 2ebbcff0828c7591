// The ns-3 build: addressing on the devices, IP forwarding, static routes by
// delay, exact delivery times and queue drops.
#include <gtest/gtest.h>

#include <memory>

#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-routing-table-entry.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/ipv4.h"
#include "ns3/simulator.h"
#include "sim/topology/topology.h"
#include "tests/sim/topology/spec_builders.h"
#include "tests/sim/topology/udp_probe.h"

namespace siplab::topo {
namespace {

using namespace std::chrono_literals;
using testing::add_link;
using testing::nodes_only;
using testing::UdpProbe;

class TopologyRouting : public ::testing::Test {
 protected:
  void TearDown() override { ns3::Simulator::Destroy(); }

  std::unique_ptr<Topology> build(const TopologySpec& spec, uint64_t seed = 1) {
    auto result = Topology::build(spec, seed);
    if (auto* errors = std::get_if<TopologyErrors>(&result)) {
      for (const auto& e : *errors) ADD_FAILURE() << e.source_line << ": " << e.message;
      return nullptr;
    }
    return std::move(std::get<std::unique_ptr<Topology>>(result));
  }
};

// leaf-a --15ms 10Mbps-- router --5ms 2Mbps-- leaf-b, plus a third leaf.
TopologySpec star() {
  TopologySpec spec = nodes_only({"router", "leaf-a", "leaf-b", "leaf-c"});
  add_link(spec, "leaf-a", "router", 15ms, 10'000'000);
  add_link(spec, "router", "leaf-b", 5ms, 2'000'000);
  add_link(spec, "leaf-c", "router", 1ms);
  return spec;
}

// Frame bits at `bps`, as ns-3 computes a transmission time.
ns3::Time serialization(uint32_t frame_bytes, uint64_t bps) {
  return ns3::DataRate(bps).CalculateBytesTxTime(frame_bytes);
}

TEST_F(TopologyRouting, DevicesCarryTransferAndNodeAddresses) {
  auto topo = build(star());
  ASSERT_TRUE(topo);
  auto ipv4 = topo->node("router")->GetObject<ns3::Ipv4>();
  // Interface 0 is loopback; link 0 (router is end b) comes first.
  ASSERT_EQ(ipv4->GetNInterfaces(), 4u);
  const uint32_t first = topo->interface_index(0, /*end_b=*/true);
  EXPECT_EQ(first, 1u);
  ASSERT_EQ(ipv4->GetNAddresses(first), 2u);
  // The node address comes first: it is the source ns-3 picks for a TCP
  // connection to an off-link destination.
  EXPECT_EQ(ipv4->GetAddress(first, 0).GetLocal(), ns3::Ipv4Address("10.0.0.1"));
  EXPECT_EQ(ipv4->GetAddress(first, 0).GetMask(), ns3::Ipv4Mask("255.255.255.255"));
  EXPECT_EQ(ipv4->GetAddress(first, 1).GetLocal(), ns3::Ipv4Address("172.16.0.2"));
  EXPECT_EQ(ipv4->GetNAddresses(topo->interface_index(1, false)), 1u);
  for (uint32_t i = 1; i < ipv4->GetNInterfaces(); ++i) {
    EXPECT_TRUE(ipv4->IsForwarding(i)) << i;
    EXPECT_TRUE(ipv4->IsUp(i)) << i;
  }
  EXPECT_EQ(topo->address_of("leaf-b")->to_string(), "10.0.0.3");
  EXPECT_EQ(topo->address_of("nobody"), std::nullopt);
  EXPECT_EQ(topo->node("nobody"), nullptr);
}

TEST_F(TopologyRouting, EveryBuildComputesChecksums) {
  // IPv4 header and TCP checksums are mandatory (RFC 791, RFC 9293), UDP's
  // over IPv6 too (RFC 8200 §8.1): pcaps must pass a decoder's checks.
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(false));
  auto topo = build(star());
  ASSERT_TRUE(topo);
  ns3::BooleanValue enabled(false);
  ns3::GlobalValue::GetValueByName("ChecksumEnabled", enabled);
  EXPECT_TRUE(enabled.Get());
  ns3::Simulator::Destroy();
  // A program that needs no pcaps may turn them off (the bench compares both).
  auto spec = star();
  spec.checksums = false;
  ASSERT_TRUE(build(spec));
  ns3::GlobalValue::GetValueByName("ChecksumEnabled", enabled);
  EXPECT_FALSE(enabled.Get());
}

TEST_F(TopologyRouting, StaticRoutesMatchThePlan) {
  auto topo = build(star());
  ASSERT_TRUE(topo);
  ns3::Ipv4StaticRoutingHelper helper;
  // The router has one host route per other node, through that node's link.
  auto router = helper.GetStaticRouting(topo->node("router")->GetObject<ns3::Ipv4>());
  int host_routes = 0;
  for (uint32_t i = 0; i < router->GetNRoutes(); ++i) {
    const ns3::Ipv4RoutingTableEntry r = router->GetRoute(i);
    if (!r.IsHost() || !r.IsGateway()) continue;
    ++host_routes;
    if (r.GetDest() == ns3::Ipv4Address("10.0.0.3")) {
      EXPECT_EQ(r.GetGateway(), ns3::Ipv4Address("172.16.0.6"));
      EXPECT_EQ(r.GetInterface(), topo->interface_index(1, false));
    }
  }
  EXPECT_EQ(host_routes, 3);
  // A leaf has a single default route toward the router.
  auto leaf = helper.GetStaticRouting(topo->node("leaf-a")->GetObject<ns3::Ipv4>());
  const ns3::Ipv4RoutingTableEntry def = leaf->GetDefaultRoute();
  EXPECT_EQ(def.GetGateway(), ns3::Ipv4Address("172.16.0.2"));
  EXPECT_EQ(def.GetInterface(), topo->interface_index(0, false));
}

TEST_F(TopologyRouting, EchoLeafToLeafArrivesAtTheExactTime) {
  auto topo = build(star());
  ASSERT_TRUE(topo);
  const IpAddress a = *topo->address_of("leaf-a");
  const IpAddress b = *topo->address_of("leaf-b");
  UdpProbe client(topo->node("leaf-a"), a, 5060);
  UdpProbe server(topo->node("leaf-b"), b, 5060, /*echo=*/true);
  const std::string payload(100, 'x');
  client.send_at(ns3::Seconds(1), b, 5060, payload);
  ns3::Simulator::Run();

  // 100 payload + 8 UDP + 20 IPv4 + 2 PPP = 130 bytes on each wire;
  // the router stores and forwards, so each hop adds delay + serialization.
  const ns3::Time one_way = ns3::MilliSeconds(15) + serialization(130, 10'000'000) +
                            ns3::MilliSeconds(5) + serialization(130, 2'000'000);
  EXPECT_EQ(one_way, ns3::MicroSeconds(20'624));
  ASSERT_EQ(server.arrivals().size(), 1u);
  EXPECT_EQ(server.arrivals()[0].at, ns3::Seconds(1) + one_way);
  // The bound socket's source address is the node address, not the
  // transfer address of the interface it left through.
  EXPECT_EQ(server.arrivals()[0].from, (Endpoint{a, 5060}));
  EXPECT_EQ(server.arrivals()[0].payload, payload);
  ASSERT_EQ(client.arrivals().size(), 1u);
  EXPECT_EQ(client.arrivals()[0].at, ns3::Seconds(1) + one_way + one_way);
  EXPECT_EQ(client.arrivals()[0].from, (Endpoint{b, 5060}));

  const LinkCounters* up = topo->counters("leaf-a", "router");
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->packets_sent, 1u);
  EXPECT_EQ(up->bytes_sent, 128u);
  EXPECT_EQ(up->packets_received, 1u);
  EXPECT_EQ(up->bytes_received, 128u);
  EXPECT_EQ(up->packets_dropped(), 0u);
  EXPECT_EQ(topo->counters("router", "leaf-b")->packets_received, 1u);
  EXPECT_EQ(topo->counters("leaf-b", "router")->packets_sent, 1u);
  EXPECT_EQ(topo->counters("leaf-c", "router")->packets_sent, 0u);
  EXPECT_EQ(topo->counters("leaf-a", "leaf-b"), nullptr);
}

TEST_F(TopologyRouting, Ipv6EchoLeafToLeafFromTheNodeAddress) {
  TopologySpec spec = star();
  spec.ipv6 = true;
  auto topo = build(spec);
  ASSERT_TRUE(topo);
  const IpAddress a = *topo->address6_of("leaf-a");
  const IpAddress b = *topo->address6_of("leaf-b");
  EXPECT_EQ(a.to_string(), "fd00::2");
  UdpProbe client(topo->node("leaf-a"), a, 5060);
  UdpProbe server(topo->node("leaf-b"), b, 5060, /*echo=*/true);
  // IPv4 keeps working beside IPv6.
  UdpProbe client4(topo->node("leaf-a"), *topo->address_of("leaf-a"), 5060);
  UdpProbe server4(topo->node("leaf-b"), *topo->address_of("leaf-b"), 5060);
  const std::string payload(100, 'x');
  client.send_at(ns3::Seconds(1), b, 5060, payload);
  client4.send_at(ns3::Seconds(2), *topo->address_of("leaf-b"), 5060, payload);
  ns3::Simulator::Run();

  // 100 payload + 8 UDP + 40 IPv6 + 2 PPP = 150 bytes on each wire.
  const ns3::Time one_way = ns3::MilliSeconds(15) + serialization(150, 10'000'000) +
                            ns3::MilliSeconds(5) + serialization(150, 2'000'000);
  ASSERT_EQ(server.arrivals().size(), 1u);
  EXPECT_EQ(server.arrivals()[0].at, ns3::Seconds(1) + one_way);
  EXPECT_EQ(server.arrivals()[0].from, (Endpoint{a, 5060}));
  ASSERT_EQ(client.arrivals().size(), 1u);
  EXPECT_EQ(client.arrivals()[0].at, ns3::Seconds(1) + one_way + one_way);
  EXPECT_EQ(client.arrivals()[0].from, (Endpoint{b, 5060}));
  ASSERT_EQ(server4.arrivals().size(), 1u);
  EXPECT_EQ(server4.arrivals()[0].from, (Endpoint{*topo->address_of("leaf-a"), 5060}));
  // Nothing else (no DAD, no router solicitations) crossed the links.
  EXPECT_EQ(topo->counters("leaf-a", "router")->packets_sent, 2u);
  EXPECT_EQ(topo->counters("router", "leaf-a")->packets_sent, 1u);
  EXPECT_EQ(topo->counters("leaf-c", "router")->packets_sent, 0u);
}

TEST_F(TopologyRouting, PacketsTakeTheShortestPathByDelay) {
  // a--b directly is 50ms; a--c--b is 10ms + 10ms and must be used.
  TopologySpec spec = nodes_only({"a", "b", "c"});
  add_link(spec, "a", "b", 50ms, 1'000'000'000);
  add_link(spec, "a", "c", 10ms, 1'000'000'000);
  add_link(spec, "c", "b", 10ms, 1'000'000'000);
  auto topo = build(spec);
  ASSERT_TRUE(topo);
  UdpProbe from(topo->node("a"), *topo->address_of("a"), 9000);
  UdpProbe to(topo->node("b"), *topo->address_of("b"), 9000);
  from.send_at(ns3::Seconds(0), *topo->address_of("b"), 9000, "hello");
  ns3::Simulator::Run();
  ASSERT_EQ(to.arrivals().size(), 1u);
  // 5 + 8 + 20 + 2 = 35 bytes at 1 Gbps = 280 ns per hop.
  EXPECT_EQ(to.arrivals()[0].at, ns3::MilliSeconds(20) + ns3::NanoSeconds(560));
  EXPECT_EQ(topo->counters("a", "b")->packets_sent, 0u);
  EXPECT_EQ(topo->counters("a", "c")->packets_sent, 1u);
  EXPECT_EQ(topo->counters("c", "b")->packets_sent, 1u);
}

TEST_F(TopologyRouting, FullQueueDropsAndCountsTheExcess) {
  TopologySpec spec = nodes_only({"a", "b"});
  add_link(spec, "a", "b", 1ms, 1'000'000).queue_packets = 2;
  auto topo = build(spec);
  ASSERT_TRUE(topo);
  std::vector<DropCause> causes;
  topo->on_drop([&](const LinkDirection& where, ns3::Ptr<const ns3::Packet> ip, DropCause cause) {
    EXPECT_EQ(where.from, 0u);
    EXPECT_EQ(where.to, 1u);
    EXPECT_EQ(ip->GetSize(), 128u);  // the IP datagram, PPP header stripped
    causes.push_back(cause);
  });
  UdpProbe from(topo->node("a"), *topo->address_of("a"), 9000);
  UdpProbe to(topo->node("b"), *topo->address_of("b"), 9000);
  // Five at once: one goes on the wire, two wait in the queue, two are refused.
  for (int i = 0; i < 5; ++i)
    from.send_at(ns3::Seconds(1), *topo->address_of("b"), 9000, std::string(100, 'q'));
  ns3::Simulator::Run();
  EXPECT_EQ(to.arrivals().size(), 3u);
  const LinkCounters& c = *topo->counters("a", "b");
  EXPECT_EQ(c.packets_sent, 3u);
  EXPECT_EQ(c.packets_received, 3u);
  EXPECT_EQ(c.dropped_queue, 2u);
  EXPECT_EQ(c.bytes_dropped, 256u);
  EXPECT_EQ(causes, (std::vector<DropCause>{DropCause::Queue, DropCause::Queue}));
  EXPECT_EQ(trace_drop_cause(DropCause::Queue), "queue");
}

TEST_F(TopologyRouting, SingleNodeKeepsItsAddressOnLoopback) {
  TopologySpec spec = nodes_only({"alone"});
  spec.ipv6 = true;
  auto topo = build(spec);
  ASSERT_TRUE(topo);
  auto ipv4 = topo->node("alone")->GetObject<ns3::Ipv4>();
  ASSERT_EQ(ipv4->GetNAddresses(0), 2u);
  EXPECT_EQ(ipv4->GetAddress(0, 1).GetLocal(), ns3::Ipv4Address("10.0.0.1"));
  // It can talk to itself on its node address, in both families.
  UdpProbe v4(topo->node("alone"), *topo->address_of("alone"), 5060);
  UdpProbe v6(topo->node("alone"), *topo->address6_of("alone"), 5060);
  v4.send_at(ns3::Seconds(1), *topo->address_of("alone"), 5060, "self");
  v6.send_at(ns3::Seconds(1), *topo->address6_of("alone"), 5060, "self6");
  ns3::Simulator::Run();
  ASSERT_EQ(v4.arrivals().size(), 1u);
  EXPECT_EQ(v4.arrivals()[0].payload, "self");
  ASSERT_EQ(v6.arrivals().size(), 1u);
  EXPECT_EQ(v6.arrivals()[0].payload, "self6");
}

TEST_F(TopologyRouting, InvalidSpecReturnsErrorsInsteadOfBuilding) {
  TopologySpec spec = nodes_only({"a", "b", "c"});
  add_link(spec, "a", "b", 1ms);
  auto result = Topology::build(spec, 1);
  ASSERT_TRUE(std::holds_alternative<TopologyErrors>(result));
  const auto& errors = std::get<TopologyErrors>(result);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "topology is disconnected: not reachable from 'a': c");
  EXPECT_EQ(errors[0].source_line, 3);
}

}  // namespace
}  // namespace siplab::topo
