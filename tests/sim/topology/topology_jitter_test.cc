// Jitter: per-packet extra delay in [0, jitter], FIFO per direction, drawn
// from the seed.
#include <gtest/gtest.h>

#include <memory>

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

constexpr int kPackets = 400;

// Sends kPackets numbered packets a -> b, 1 ms apart, over a 10 ms link with
// 5 ms jitter, and returns each one's transit time beyond the fixed part
// (delay + serialization), in arrival order, with its number.
std::vector<std::pair<int, ns3::Time>> jitter_run(uint64_t seed) {
  TopologySpec spec = nodes_only({"a", "b"});
  add_link(spec, "a", "b", 10ms, 1'000'000'000).jitter = 5ms;
  auto built = Topology::build(spec, seed);
  if (!std::holds_alternative<std::unique_ptr<Topology>>(built)) {
    ADD_FAILURE() << "build failed";
    return {};
  }
  auto topo = std::move(std::get<std::unique_ptr<Topology>>(built));
  std::vector<std::pair<int, ns3::Time>> out;
  {
    const IpAddress b = *topo->address_of("b");
    UdpProbe at_a(topo->node("a"), *topo->address_of("a"), 5060);
    UdpProbe at_b(topo->node("b"), b, 5060);
    for (int i = 0; i < kPackets; ++i) {
      char label[8];
      std::snprintf(label, sizeof label, "%05d", i);  // same size for every packet
      at_a.send_at(ns3::MilliSeconds(i), b, 5060, label);
    }
    ns3::Simulator::Run();
    // 5 payload + 8 + 20 + 2 = 35 bytes: 280 ns at 1 Gbps.
    const ns3::Time fixed = ns3::MilliSeconds(10) + ns3::NanoSeconds(280);
    for (const auto& arrival : at_b.arrivals()) {
      const int i = std::stoi(arrival.payload);
      out.emplace_back(i, arrival.at - ns3::MilliSeconds(i) - fixed);
    }
  }
  ns3::Simulator::Destroy();
  return out;
}

TEST(TopologyJitter, VariesDelayWithinBoundsWithoutReordering) {
  const auto run = jitter_run(11);
  ASSERT_EQ(run.size(), static_cast<size_t>(kPackets));
  ns3::Time low = ns3::Seconds(1), high = ns3::Seconds(-1);
  for (size_t i = 0; i < run.size(); ++i) {
    EXPECT_EQ(run[i].first, static_cast<int>(i)) << "reordered at " << i;
    EXPECT_GE(run[i].second, ns3::Time(0));
    EXPECT_LE(run[i].second, ns3::MilliSeconds(5));
    low = std::min(low, run[i].second);
    high = std::max(high, run[i].second);
  }
  // The extra delay really spreads over the range.
  EXPECT_LT(low, ns3::MicroSeconds(500));
  EXPECT_GT(high, ns3::MicroSeconds(4500));
}

TEST(TopologyJitter, SameSeedSameDelaysOtherSeedOthers) {
  const auto first = jitter_run(11);
  const auto again = jitter_run(11);
  const auto other = jitter_run(12);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
}

}  // namespace
}  // namespace siplab::topo
