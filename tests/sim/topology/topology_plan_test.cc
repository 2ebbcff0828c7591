// Validation, addressing, routes and dot output: the ns-3-free plan.
#include "sim/topology/topology_plan.h"

#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "models/common/random.h"
#include "sim/topology/dot_writer.h"
#include "tests/sim/topology/spec_builders.h"

namespace siplab::topo {
namespace {

using namespace std::chrono_literals;
using testing::add_link;
using testing::nodes_only;

TopologyPlan plan_ok(const TopologySpec& spec) {
  auto result = plan_topology(spec);
  if (auto* errors = std::get_if<TopologyErrors>(&result)) {
    for (const auto& e : *errors) ADD_FAILURE() << e.source_line << ": " << e.message;
    return {};
  }
  return std::get<TopologyPlan>(std::move(result));
}

TopologyErrors plan_errors(const TopologySpec& spec) {
  auto result = plan_topology(spec);
  if (std::holds_alternative<TopologyPlan>(result)) {
    ADD_FAILURE() << "plan unexpectedly valid";
    return {};
  }
  return std::get<TopologyErrors>(std::move(result));
}

TopologySpec star() {
  TopologySpec spec = nodes_only({"router", "a", "b", "c"});
  add_link(spec, "a", "router", 10ms);
  add_link(spec, "b", "router", 20ms);
  add_link(spec, "router", "c", 30ms);
  return spec;
}

TEST(TopologyPlan, StarAutoAddressesAndTransferSubnets) {
  const TopologyPlan plan = plan_ok(star());
  ASSERT_EQ(plan.addresses.size(), 4u);
  EXPECT_EQ(plan.addresses[0].to_string(), "10.0.0.1");
  EXPECT_EQ(plan.addresses[1].to_string(), "10.0.0.2");
  EXPECT_EQ(plan.addresses[3].to_string(), "10.0.0.4");
  ASSERT_EQ(plan.links.size(), 3u);
  EXPECT_EQ(plan.links[0].transfer_a.to_string(), "172.16.0.1");
  EXPECT_EQ(plan.links[0].transfer_b.to_string(), "172.16.0.2");
  EXPECT_EQ(plan.links[2].transfer_a.to_string(), "172.16.0.9");
  EXPECT_EQ(plan.links[2].transfer_b.to_string(), "172.16.0.10");
  EXPECT_EQ(plan.links[2].a, 0u);  // router
  EXPECT_EQ(plan.links[2].b, 3u);  // c
}

TEST(TopologyPlan, AutoAddressesCarryIntoTheNextOctet) {
  EXPECT_EQ(auto_node_address(254).to_string(), "10.0.0.255");
  EXPECT_EQ(auto_node_address(255).to_string(), "10.0.1.0");
  EXPECT_EQ(auto_node_address(65535).to_string(), "10.1.0.0");
  EXPECT_EQ(transfer_address(64, false).to_string(), "172.16.1.1");
  EXPECT_EQ(transfer_address(64, true).to_string(), "172.16.1.2");
}

TEST(TopologyPlan, ExplicitAddressIsKept) {
  TopologySpec spec = star();
  spec.nodes[2].address = IpAddress::v4(192, 0, 2, 7);
  const TopologyPlan plan = plan_ok(spec);
  EXPECT_EQ(plan.addresses[2].to_string(), "192.0.2.7");
  EXPECT_EQ(plan.addresses[3].to_string(), "10.0.0.4");
}

TEST(TopologyPlan, StarRoutesGoThroughTheHub) {
  const TopologyPlan plan = plan_ok(star());
  EXPECT_EQ(plan.next_hop("a", "b"), "router");
  EXPECT_EQ(plan.next_hop("a", "c"), "router");
  EXPECT_EQ(plan.next_hop("router", "c"), "c");
  EXPECT_EQ(plan.next_hop("c", "a"), "router");
  EXPECT_EQ(plan.next_hop("a", "a"), std::nullopt);
  EXPECT_EQ(plan.next_hop("a", "nowhere"), std::nullopt);
  const auto r = plan.routes.find(1, 3);  // a -> c
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path_delay, 40ms);
  EXPECT_EQ(r->hops, 2u);
  EXPECT_EQ(r->link, 0u);
  const auto back = plan.routes.find(3, 1);  // c -> a
  ASSERT_TRUE(back);
  EXPECT_EQ(back->link, 2u);
  EXPECT_EQ(back->next_hop, 0u);
}

TEST(TopologyPlan, LineRoutesHopByHop) {
  TopologySpec spec = nodes_only({"w", "x", "y", "z"});
  add_link(spec, "w", "x", 1ms);
  add_link(spec, "x", "y", 2ms);
  add_link(spec, "y", "z", 3ms);
  const TopologyPlan plan = plan_ok(spec);
  EXPECT_EQ(plan.next_hop("w", "z"), "x");
  EXPECT_EQ(plan.next_hop("x", "z"), "y");
  EXPECT_EQ(plan.next_hop("y", "z"), "z");
  EXPECT_EQ(plan.next_hop("z", "w"), "y");
  EXPECT_EQ(plan.next_hop("y", "w"), "x");
  EXPECT_EQ(plan.routes.find(0, 3)->path_delay, 6ms);
  EXPECT_EQ(plan.routes.find(0, 3)->hops, 3u);
  EXPECT_EQ(plan.routes.find(3, 1)->path_delay, 5ms);
  EXPECT_EQ(plan.routes.find(3, 1)->hops, 2u);
}

TEST(TopologyPlan, RoutesFollowDelayNotHopCount) {
  // The direct a--b link (50ms) loses to a--c--b (10ms + 10ms).
  TopologySpec spec = nodes_only({"a", "b", "c", "d"});
  add_link(spec, "a", "b", 50ms);
  add_link(spec, "a", "c", 10ms);
  add_link(spec, "c", "b", 10ms);
  add_link(spec, "b", "d", 1ms);
  const TopologyPlan plan = plan_ok(spec);
  EXPECT_EQ(plan.next_hop("a", "b"), "c");
  EXPECT_EQ(plan.next_hop("b", "a"), "c");
  EXPECT_EQ(plan.next_hop("a", "d"), "c");
  EXPECT_EQ(plan.next_hop("c", "d"), "b");
  EXPECT_EQ(plan.next_hop("d", "a"), "b");
  EXPECT_EQ(plan.routes.find(0, 3)->path_delay, 21ms);
  EXPECT_EQ(plan.routes.find(0, 3)->hops, 3u);
}

TEST(TopologyPlan, TwoNodesRouteToEachOther) {
  TopologySpec spec = nodes_only({"a", "b"});
  add_link(spec, "a", "b", 7ms);
  const TopologyPlan plan = plan_ok(spec);
  EXPECT_EQ(plan.next_hop("a", "b"), "b");
  EXPECT_EQ(plan.next_hop("b", "a"), "a");
  EXPECT_EQ(plan.routes.find(1, 0)->path_delay, 7ms);
}

// Every route of a mesh with leaves, checked against Floyd-Warshall: the
// path_delay is the shortest distance, and following next hops from `from`
// reaches `to` in exactly `hops` steps over links summing to path_delay.
TEST(TopologyPlan, EveryRouteIsAShortestPathAndLeadsThere) {
  SeededRandom rng(42);
  // (Built by appending: GCC 12 warns falsely on "n" + std::to_string(i).)
  auto name = [](size_t i) {
    std::string out = "n";
    out += std::to_string(i);
    return out;
  };
  const size_t core = 25, leaves = 35, n = core + leaves;
  TopologySpec spec;
  for (size_t i = 0; i < n; ++i) spec.nodes.push_back({name(i), {}, {}, 0});
  std::set<std::pair<size_t, size_t>> used;
  auto link = [&](size_t a, size_t b) {
    if (a == b || !used.insert(std::minmax(a, b)).second) return;
    add_link(spec, name(a), name(b),
             std::chrono::milliseconds(1 + rng.below(20)));
  };
  for (size_t i = 1; i < core; ++i) link(i, rng.below(i));  // a random tree
  for (int extra = 0; extra < 30; ++extra) link(rng.below(core), rng.below(core));
  for (size_t i = core; i < n; ++i) link(i, rng.below(core));  // leaves
  const TopologyPlan plan = plan_ok(spec);
  ASSERT_EQ(plan.node_count(), n);

  constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;
  std::vector<int64_t> d(n * n, kInf);
  for (size_t i = 0; i < n; ++i) d[i * n + i] = 0;
  for (const LinkSpec& l : spec.links) {
    const size_t a = *plan.index_of(l.a), b = *plan.index_of(l.b);
    d[a * n + b] = d[b * n + a] = l.delay.count();
  }
  for (size_t k = 0; k < n; ++k)
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        d[i * n + j] = std::min(d[i * n + j], d[i * n + k] + d[k * n + j]);

  int leaf_nodes = 0;
  for (size_t from = 0; from < n; ++from) {
    leaf_nodes += plan.routes.is_leaf(from);
    for (size_t to = 0; to < n; ++to) {
      const auto r = plan.routes.find(from, to);
      if (from == to) {
        EXPECT_FALSE(r);
        continue;
      }
      ASSERT_TRUE(r) << from << "->" << to;
      EXPECT_EQ(r->path_delay.count(), d[from * n + to]) << from << "->" << to;
      size_t at = from;
      Duration walked{};
      uint32_t steps = 0;
      while (at != to && steps <= n) {
        const auto step = plan.routes.find(at, to);
        ASSERT_TRUE(step);
        const PlannedLink& l = plan.links[step->link];
        ASSERT_TRUE((l.a == at && l.b == step->next_hop) || (l.b == at && l.a == step->next_hop));
        walked += plan.spec.links[step->link].delay;
        at = step->next_hop;
        ++steps;
      }
      EXPECT_EQ(at, to);
      EXPECT_EQ(steps, r->hops) << from << "->" << to;
      EXPECT_EQ(walked, r->path_delay) << from << "->" << to;
    }
  }
  EXPECT_GE(leaf_nodes, 35);  // the compact store really had leaves to derive
}

TEST(TopologyPlan, DisconnectedGraphNamesTheUnreachableNodes) {
  TopologySpec spec = nodes_only({"a", "b", "c", "d", "e"});
  add_link(spec, "a", "b", 1ms);
  add_link(spec, "c", "d", 1ms);
  const TopologyErrors errors = plan_errors(spec);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].source_line, 3);  // node c
  EXPECT_EQ(errors[0].message, "topology is disconnected: not reachable from 'a': c, d, e");
}

TEST(TopologyPlan, LinkErrorsCarryTheirLine) {
  TopologySpec spec = nodes_only({"a", "b"});
  add_link(spec, "a", "b", 1ms);       // line 100
  add_link(spec, "b", "a", 2ms);       // 101: duplicate (same pair)
  add_link(spec, "a", "a", 1ms);       // 102: self link
  add_link(spec, "a", "ghost", 1ms);   // 103: unknown node
  LinkSpec& bad = add_link(spec, "a", "b", -1ms);  // 104: negative delay and jitter, zero rate
  bad.rate_bps = 0;
  bad.jitter = -1ms;
  const TopologyErrors errors = plan_errors(spec);
  const TopologyErrors expected = {
      {101, "duplicate link b -- a (first declared on line 100)"},
      {102, "link a -- a: a link cannot join a node to itself"},
      {103, "link a -- ghost: unknown node 'ghost'"},
      {104, "link a -- b: delay must not be negative"},
      {104, "link a -- b: jitter must not be negative"},
      {104, "link a -- b: rate must be > 0"},
      {104, "duplicate link a -- b (first declared on line 100)"},
  };
  EXPECT_EQ(errors, expected);
}

TEST(TopologyPlan, NodeAndAddressErrors) {
  TopologySpec spec = nodes_only({"a", "b", "a", "c", "d"});
  spec.nodes[3].address = IpAddress::v4(10, 0, 0, 1);  // a's auto address
  spec.nodes[4].address = IpAddress::v4(172, 20, 0, 1);
  add_link(spec, "a", "b", 1ms);
  const TopologyErrors errors = plan_errors(spec);
  const TopologyErrors expected = {
      {3, "duplicate node 'a' (first declared on line 1)"},
      {4, "node 'c': address 10.0.0.1 is already used by node 'a'"},
      {5, "node 'd': address 172.20.0.1 is inside the link transfer range 172.16.0.0/12"},
  };
  EXPECT_EQ(errors, expected);
}

TEST(TopologyPlan, LossParametersAreChecked) {
  TopologySpec spec = nodes_only({"a", "b"});
  LinkSpec& l = add_link(spec, "a", "b", 1ms);
  l.loss_a_to_b.model = LossSpec::Model::GilbertElliott;
  l.loss_a_to_b.p = 1.5;
  l.loss_b_to_a.model = LossSpec::Model::Outage;
  l.loss_b_to_a.from = 2s;
  l.loss_b_to_a.to = 1s;
  const TopologyErrors errors = plan_errors(spec);
  const TopologyErrors expected = {
      {100, "link a -- b (a -> b): gilbert-elliott p must be in [0, 1]"},
      {100, "link a -- b (b -> a): outage must end after it starts"},
  };
  EXPECT_EQ(errors, expected);
}

TEST(TopologyPlan, Ipv6AddressesMirrorTheIpv4Plan) {
  TopologySpec spec = star();
  spec.ipv6 = true;
  spec.nodes[2].address6 = IpAddress::parse("fd00::5060");
  const TopologyPlan plan = plan_ok(spec);
  ASSERT_EQ(plan.addresses6.size(), 4u);
  EXPECT_EQ(plan.addresses6[0].to_string(), "fd00::1");
  EXPECT_EQ(plan.addresses6[2].to_string(), "fd00::5060");
  EXPECT_EQ(plan.addresses6[3].to_string(), "fd00::4");
  EXPECT_EQ(plan.links[2].transfer6_a.to_string(), "fd01::9");
  EXPECT_EQ(plan.links[2].transfer6_b.to_string(), "fd01::a");
  EXPECT_EQ(auto_node_address6(65535).to_string(), "fd00::1:0");
  EXPECT_EQ(transfer_address6(64, true).to_string(), "fd01::102");
}

TEST(TopologyPlan, Ipv6AddressErrors) {
  TopologySpec spec = nodes_only({"a", "b", "c", "d", "e"});
  spec.ipv6 = true;
  spec.nodes[1].address6 = IpAddress::v4(192, 0, 2, 1);
  spec.nodes[2].address6 = IpAddress::parse("fd01::77");
  spec.nodes[3].address6 = IpAddress::parse("fd00::1");  // a's auto address6
  spec.nodes[4].address6 = IpAddress::parse("2001:db8::10");
  add_link(spec, "a", "b", 1ms);
  add_link(spec, "a", "c", 1ms);
  add_link(spec, "a", "d", 1ms);
  add_link(spec, "a", "e", 1ms);
  const TopologyErrors expected = {
      {2, "node 'b': address6 192.0.2.1 is not an IPv6 address"},
      {3, "node 'c': address6 fd01::77 is inside the link transfer range fd01::/64"},
      {4, "node 'd': address6 fd00::1 is already used by node 'a'"},
      {5, "node 'e': address6 2001:db8::10 is in 2001:db8::/32 (RFC 3849), which ns-3 routers do not forward; "
          "use a unique local address such as fd00::10"},
  };
  EXPECT_EQ(plan_errors(spec), expected);
}

TEST(TopologyPlan, Address6WithoutIpv6IsAnError) {
  TopologySpec spec = nodes_only({"a"});
  spec.nodes[0].address6 = IpAddress::parse("2001:db8::1");
  const TopologyErrors expected = {{1, "node 'a': address6 2001:db8::1 given but ipv6 is off"}};
  EXPECT_EQ(plan_errors(spec), expected);
}

TEST(TopologyPlan, EmptyTopologyIsAnError) {
  const TopologyErrors errors = plan_errors(TopologySpec{});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "topology has no nodes");
}

TEST(TopologyPlan, SingleNodeNeedsNoLinks) {
  const TopologyPlan plan = plan_ok(nodes_only({"alone"}));
  EXPECT_EQ(plan.addresses[0].to_string(), "10.0.0.1");
  EXPECT_EQ(plan.routes.find(0, 0), std::nullopt);
}

TEST(TopologyDot, ExactTextForASmallGraph) {
  TopologySpec spec = nodes_only({"pc", "router", "my \"proxy\""});
  add_link(spec, "pc", "router", 15ms, 10'000'000).jitter = 3ms;
  LinkSpec& l = add_link(spec, "router", "my \"proxy\"", 250us, 1'500'000);
  l.queue_packets = 20;
  l.loss_a_to_b.model = LossSpec::Model::GilbertElliott;
  l.loss_a_to_b.p = 0.01;
  l.loss_a_to_b.r = 0.3;
  l.loss_b_to_a.model = LossSpec::Model::Outage;
  l.loss_b_to_a.from = 1s;
  l.loss_b_to_a.to = 2500ms;
  const std::string expected =
      "graph topology {\n"
      "  node [shape=box];\n"
      "  \"pc\" [label=\"pc\\n10.0.0.1\"];\n"
      "  \"router\" [label=\"router\\n10.0.0.2\"];\n"
      "  \"my \\\"proxy\\\"\" [label=\"my \\\"proxy\\\"\\n10.0.0.3\"];\n"
      "  \"pc\" -- \"router\" [label=\"15ms 10Mbps 100p jitter 3ms\"];\n"
      "  \"router\" -- \"my \\\"proxy\\\"\" [label=\"250us 1500kbps 20p"
      "\\nrouter->my \\\"proxy\\\": gilbert-elliott p=0.01 r=0.3 good=0 bad=1"
      "\\nmy \\\"proxy\\\"->router: outage 1s-2500ms\"];\n"
      "}\n";
  EXPECT_EQ(to_dot(plan_ok(spec)), expected);
}

TEST(TopologyDot, UnitsPickTheLargestExactOne) {
  EXPECT_EQ(format_duration(0ns), "0ns");
  EXPECT_EQ(format_duration(7ns), "7ns");
  EXPECT_EQ(format_duration(2s), "2s");
  EXPECT_EQ(format_rate(1'000'000'000), "1Gbps");
  EXPECT_EQ(format_rate(64'000), "64kbps");
  EXPECT_EQ(format_rate(1'500), "1500bps");
  LossSpec random;
  random.model = LossSpec::Model::Random;
  random.rate = 0.05;
  EXPECT_EQ(describe_loss(random), "random 0.05");
  EXPECT_EQ(describe_loss(LossSpec{}), "none");
}

}  // namespace
}  // namespace siplab::topo
