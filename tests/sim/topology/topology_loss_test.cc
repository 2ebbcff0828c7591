// Per-direction loss: random, Gilbert-Elliott and outage models, their
// counters and drop reports, and reproducibility from the seed.
#include <gtest/gtest.h>

#include <memory>

#include "ns3/ipv4-header.h"
#include "ns3/simulator.h"
#include "sim/topology/loss_models.h"
#include "sim/topology/topology.h"
#include "tests/sim/topology/spec_builders.h"
#include "tests/sim/topology/udp_probe.h"

namespace siplab::topo {
namespace {

using namespace std::chrono_literals;
using testing::add_link;
using testing::nodes_only;
using testing::UdpProbe;

std::unique_ptr<Topology> build(const TopologySpec& spec, uint64_t seed) {
  auto result = Topology::build(spec, seed);
  if (auto* errors = std::get_if<TopologyErrors>(&result)) {
    for (const auto& e : *errors) ADD_FAILURE() << e.source_line << ": " << e.message;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<Topology>>(result));
}

// a --10ms 1Gbps-- b with the given loss from a to b.
TopologySpec pair_with_loss(const LossSpec& a_to_b) {
  TopologySpec spec = nodes_only({"a", "b"});
  add_link(spec, "a", "b", 10ms, 1'000'000'000).loss_a_to_b = a_to_b;
  return spec;
}

LossSpec random_loss(double rate) {
  LossSpec loss;
  loss.model = LossSpec::Model::Random;
  loss.rate = rate;
  return loss;
}

LossSpec gilbert_elliott(double p, double r, double good, double bad) {
  LossSpec loss;
  loss.model = LossSpec::Model::GilbertElliott;
  loss.p = p;
  loss.r = r;
  loss.loss_good = good;
  loss.loss_bad = bad;
  return loss;
}

class TopologyLoss : public ::testing::Test {
 protected:
  void TearDown() override { ns3::Simulator::Destroy(); }
};

TEST_F(TopologyLoss, FullLossDropsEverythingAndCountsIt) {
  auto topo = build(pair_with_loss(random_loss(1.0)), 1);
  ASSERT_TRUE(topo);
  const IpAddress a = *topo->address_of("a");
  const IpAddress b = *topo->address_of("b");
  int reported = 0;
  topo->on_drop([&](const LinkDirection& where, ns3::Ptr<const ns3::Packet> ip, DropCause cause) {
    ++reported;
    EXPECT_EQ(where.link, 0u);
    EXPECT_EQ(where.direction, Direction::AtoB);
    EXPECT_EQ(cause, DropCause::LinkLoss);
    ns3::Ipv4Header header;
    ip->PeekHeader(header);
    EXPECT_EQ(header.GetDestination(), testing::ns3_v4(b));
    EXPECT_EQ(header.GetSource(), testing::ns3_v4(a));
  });
  UdpProbe at_a(topo->node("a"), a, 5060);
  UdpProbe at_b(topo->node("b"), b, 5060);
  for (int i = 0; i < 10; ++i) at_a.send_at(ns3::MilliSeconds(100 * i), b, 5060, "lost");
  for (int i = 0; i < 3; ++i) at_b.send_at(ns3::MilliSeconds(100 * i), a, 5060, "kept");
  ns3::Simulator::Run();

  EXPECT_TRUE(at_b.arrivals().empty());
  EXPECT_EQ(at_a.arrivals().size(), 3u);  // the other direction is clean
  const LinkCounters& ab = topo->counters(0, Direction::AtoB);
  EXPECT_EQ(ab.packets_sent, 10u);
  EXPECT_EQ(ab.packets_received, 0u);
  EXPECT_EQ(ab.lost_link, 10u);
  EXPECT_EQ(ab.lost_outage, 0u);
  EXPECT_EQ(ab.dropped_queue, 0u);
  EXPECT_EQ(ab.bytes_dropped, 10u * 32u);  // 4 payload + 8 UDP + 20 IPv4
  EXPECT_EQ(reported, 10);
  const LinkCounters& ba = topo->counters(0, Direction::BtoA);
  EXPECT_EQ(ba.packets_sent, 3u);
  EXPECT_EQ(ba.packets_received, 3u);
  EXPECT_EQ(ba.packets_dropped(), 0u);
}

TEST_F(TopologyLoss, OutageDropsExactlyThePacketsArrivingInsideTheWindow) {
  LossSpec outage;
  outage.model = LossSpec::Model::Outage;
  outage.from = 2s;
  outage.to = 3s;
  auto topo = build(pair_with_loss(outage), 1);
  ASSERT_TRUE(topo);
  std::vector<DropCause> causes;
  topo->on_drop([&](const LinkDirection&, ns3::Ptr<const ns3::Packet>, DropCause cause) {
    causes.push_back(cause);
  });
  const IpAddress b = *topo->address_of("b");
  UdpProbe at_a(topo->node("a"), *topo->address_of("a"), 5060);
  UdpProbe at_b(topo->node("b"), b, 5060);
  // 5 payload + 8 + 20 + 2 = 35 bytes: 280 ns at 1 Gbps, plus 10 ms delay.
  const ns3::Time transit = ns3::MilliSeconds(10) + ns3::NanoSeconds(280);
  const std::pair<ns3::Time, const char*> arrivals[] = {
      {ns3::Seconds(1), "kept1"},
      {ns3::Seconds(2) - ns3::NanoSeconds(1), "kept2"},
      {ns3::Seconds(2), "lost1"},
      {ns3::MilliSeconds(2500), "lost2"},
      {ns3::Seconds(3) - ns3::NanoSeconds(1), "lost3"},
      {ns3::Seconds(3), "kept3"},
      {ns3::Seconds(4), "kept4"},
  };
  for (const auto& [arrive, label] : arrivals) at_a.send_at(arrive - transit, b, 5060, label);
  ns3::Simulator::Run();

  std::vector<std::string> received;
  for (const auto& arrival : at_b.arrivals()) received.push_back(arrival.payload);
  EXPECT_EQ(received, (std::vector<std::string>{"kept1", "kept2", "kept3", "kept4"}));
  EXPECT_EQ(at_b.arrivals()[1].at, ns3::Seconds(2) - ns3::NanoSeconds(1));
  const LinkCounters& ab = topo->counters(0, Direction::AtoB);
  EXPECT_EQ(ab.lost_outage, 3u);
  EXPECT_EQ(ab.lost_link, 0u);
  EXPECT_EQ(ab.packets_sent, 7u);
  EXPECT_EQ(ab.packets_received, 4u);
  EXPECT_EQ(causes, (std::vector<DropCause>(3, DropCause::Outage)));
  EXPECT_EQ(drop_cause_name(DropCause::Outage), "outage");
  EXPECT_EQ(trace_drop_cause(DropCause::Outage), "link-loss");
}

// Sends `count` numbered packets a -> b and returns which were lost.
std::vector<bool> loss_pattern(const LossSpec& loss, uint64_t seed, int count) {
  auto topo = build(pair_with_loss(loss), seed);
  if (!topo) return {};
  const IpAddress b = *topo->address_of("b");
  std::vector<bool> lost(count, true);
  {
    UdpProbe at_a(topo->node("a"), *topo->address_of("a"), 5060);
    UdpProbe at_b(topo->node("b"), b, 5060);
    for (int i = 0; i < count; ++i)
      at_a.send_at(ns3::MilliSeconds(i), b, 5060, std::to_string(i));
    ns3::Simulator::Run();
    for (const auto& arrival : at_b.arrivals()) lost[std::stoi(arrival.payload)] = false;
    const LinkCounters& c = topo->counters(0, Direction::AtoB);
    EXPECT_EQ(c.packets_sent, static_cast<uint64_t>(count));
    EXPECT_EQ(c.packets_received + c.lost_link, c.packets_sent);
    EXPECT_EQ(c.packets_received, at_b.arrivals().size());
  }
  ns3::Simulator::Destroy();
  return lost;
}

TEST_F(TopologyLoss, SameSeedGivesTheSameLossesAndAnotherSeedDoesNot) {
  for (const LossSpec& loss : {random_loss(0.3), gilbert_elliott(0.1, 0.3, 0.0, 1.0)}) {
    const std::vector<bool> first = loss_pattern(loss, 7, 300);
    const std::vector<bool> again = loss_pattern(loss, 7, 300);
    const std::vector<bool> other = loss_pattern(loss, 8, 300);
    ASSERT_EQ(first.size(), 300u);
    EXPECT_EQ(first, again);
    EXPECT_NE(first, other);
    const auto lost = std::count(first.begin(), first.end(), true);
    EXPECT_GT(lost, 30);   // expected about 75 for both models
    EXPECT_LT(lost, 150);
  }
}

// Runs `packets` through a model outside any simulation (these models only
// need a simulator for outages) and returns the loss sequence.
std::vector<bool> drive(ns3::ErrorModel& model, int packets) {
  std::vector<bool> lost(packets);
  ns3::Ptr<ns3::Packet> packet = ns3::Create<ns3::Packet>(100);
  for (int i = 0; i < packets; ++i) lost[i] = model.IsCorrupt(packet);
  return lost;
}

double loss_ratio(const std::vector<bool>& lost) {
  return static_cast<double>(std::count(lost.begin(), lost.end(), true)) /
         static_cast<double>(lost.size());
}

double mean_burst_length(const std::vector<bool>& lost) {
  int bursts = 0, in_bursts = 0;
  for (size_t i = 0; i < lost.size(); ++i) {
    if (!lost[i]) continue;
    ++in_bursts;
    if (i == 0 || !lost[i - 1]) ++bursts;
  }
  return bursts ? static_cast<double>(in_bursts) / bursts : 0.0;
}

TEST_F(TopologyLoss, GilbertElliottLongRunLossAndBurstLength) {
  // Classic Gilbert: lose everything in bad, nothing in good.
  auto classic = ns3::CreateObject<GilbertElliottLossModel>();
  classic->Configure(0.05, 0.25, 0.0, 1.0);
  classic->AssignStream(Topology::stream_base(1));
  const std::vector<bool> lost = drive(*classic, 200'000);
  EXPECT_NEAR(loss_ratio(lost), 0.05 / (0.05 + 0.25), 0.01);  // 1/6
  EXPECT_NEAR(mean_burst_length(lost), 1.0 / 0.25, 0.2);       // 4 packets

  // Elliott: some loss in both states; long run = P(good)*lg + P(bad)*lb.
  auto elliott = ns3::CreateObject<GilbertElliottLossModel>();
  elliott->Configure(0.05, 0.25, 0.01, 0.5);
  elliott->AssignStream(Topology::stream_base(2));
  const double expected = (0.25 * 0.01 + 0.05 * 0.5) / (0.05 + 0.25);  // 0.0917
  EXPECT_NEAR(loss_ratio(drive(*elliott, 200'000)), expected, 0.008);
}

TEST_F(TopologyLoss, RandomLossLongRunRate) {
  auto model = ns3::CreateObject<BernoulliLossModel>();
  model->Configure(0.2);
  model->AssignStream(Topology::stream_base(3));
  const std::vector<bool> lost = drive(*model, 100'000);
  EXPECT_NEAR(loss_ratio(lost), 0.2, 0.01);
  // Independent losses: bursts average 1/(1-0.2) = 1.25 packets.
  EXPECT_NEAR(mean_burst_length(lost), 1.25, 0.05);
}

TEST_F(TopologyLoss, StreamsComeFromTheSeedAndTheLink) {
  EXPECT_EQ(Topology::stream_base(7), Topology::stream_base(7));
  EXPECT_NE(Topology::stream_base(7), Topology::stream_base(8));
  EXPECT_GE(Topology::stream_base(0), 0);
  EXPECT_LT(Topology::stream_base(~uint64_t{0}), int64_t{1} << 62);
}

}  // namespace
}  // namespace siplab::topo
