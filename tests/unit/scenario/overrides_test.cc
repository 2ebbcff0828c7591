// --set key.path=value: applied before validation, by index or by name.
#include <gtest/gtest.h>

#include "sim/scenario/scenario_loader.h"

namespace siplab::scenario {
namespace {

using namespace std::chrono_literals;

constexpr const char* kScenario = R"(nodes:
  - router
  - proxy
  - { name: peter-pc, address: 198.51.100.10 }
links:
  - { a: peter-pc, b: router, delay: 15ms }
  - { a: proxy, b: router, delay: 2ms }
proxies:
  - { node: proxy, domain: domain.ru }
users:
  - { aor: "sip:peter@example.org", devices: [peter-pc] }
)";

LoadResult load_with(std::vector<std::string> sets) {
  LoadOptions o;
  for (const auto& s : sets) {
    auto parsed = parse_override(s);
    EXPECT_TRUE(parsed) << parsed.error;
    if (parsed) o.overrides.push_back(*parsed.value);
  }
  return load_scenario_text(kScenario, "o.yaml", ".", o);
}

TEST(ParseOverride, SplitsAtTheFirstEquals) {
  auto o = parse_override("links.1.loss={model: random, rate: 0.2}");
  ASSERT_TRUE(o);
  EXPECT_EQ(o.value->path, "links.1.loss");
  EXPECT_EQ(o.value->value, "{model: random, rate: 0.2}");
  EXPECT_EQ(parse_override("a.b=c=d").value->value, "c=d");
}

TEST(ParseOverride, RefusesMalformedArguments) {
  EXPECT_EQ(parse_override("links.1.delay").error, "--set links.1.delay: expected key.path=value");
  EXPECT_EQ(parse_override("=5ms").error, "--set =5ms: empty key path before '='");
  EXPECT_EQ(parse_override("links..delay=5ms").error, "--set links..delay=5ms: empty component in key path 'links..delay'");
  EXPECT_EQ(parse_override("seed=").error, "--set seed=: empty value after '='");
}

TEST(ApplyOverrides, ByIndexAndByName) {
  LoadResult r = load_with({"links.1.delay=7ms", "links.0.loss={model: random, rate: 0.2}", "proxies.proxy.record_route=true",
                            "nodes.peter-pc.address=198.51.100.99", "users.peter.devices.0.transport=tcp", "seed=5",
                            "sip.t1=100ms"});
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  const ScenarioSpec& s = *r.spec;
  EXPECT_EQ(s.topology.links[1].delay, 7ms);
  EXPECT_EQ(s.topology.links[0].loss_a_to_b.model, topo::LossSpec::Model::Random);
  EXPECT_EQ(s.topology.links[0].loss_b_to_a.rate, 0.2);
  EXPECT_TRUE(s.proxies[0].record_route);
  EXPECT_EQ(s.topology.nodes[2].address->to_string(), "198.51.100.99");
  EXPECT_EQ(s.users[0].devices[0].transport, Transport::Tcp);
  EXPECT_EQ(s.seed, 5u);
  EXPECT_EQ(s.sip.t1, 100ms);
}

TEST(ApplyOverrides, ExpandsPlainListElements) {
  // `proxy` is written as a plain name; setting its address turns it into a map.
  LoadResult r = load_with({"nodes.proxy.address=192.0.2.10"});
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(r.spec->topology.nodes[1].name, "proxy");
  EXPECT_EQ(r.spec->topology.nodes[1].address->to_string(), "192.0.2.10");
  EXPECT_EQ(r.spec->topology.nodes[1].source_line, 3);  // the name keeps its line
}

TEST(ApplyOverrides, BadPaths) {
  EXPECT_EQ(format_diagnostics(load_with({"links.7.delay=5ms"}).diagnostics),
            "o.yaml: error: --set links.7.delay=5ms: no element 7 in 'links' (it has 2 elements: 0..1)\n");
  // A missing map key is created, so a misspelt one is an unknown key.
  EXPECT_EQ(format_diagnostics(load_with({"lnks.0.delay=5ms"}).diagnostics),
            "o.yaml: error: --set lnks.0.delay=5ms: unknown key 'lnks' in scenario (expected one of: name, seed, stop, "
            "ipv6, sip, nodes, links, dns, resolvers, proxies, users, events, expect)\n");
  EXPECT_EQ(format_diagnostics(load_with({"nodes.nobody.address=192.0.2.1"}).diagnostics),
            "o.yaml: error: --set nodes.nobody.address=192.0.2.1: no element named 'nobody' in 'nodes'\n");
  EXPECT_EQ(format_diagnostics(load_with({"links.0.delay.ms=5"}).diagnostics),
            "o.yaml: error: --set links.0.delay.ms=5: 'links.0.delay' is a plain value; nothing below it to set\n");
}

TEST(ApplyOverrides, ValidationNamesTheSetAndTheOriginalLine) {
  // A bad value keeps the position of the value it replaced.
  EXPECT_EQ(format_diagnostics(load_with({"links.1.delay=5 parsecs"}).diagnostics),
            "o.yaml:7:35: error: --set links.1.delay=5 parsecs: delay of link: expected a duration: a non-negative "
            "number with a unit (ns, us, ms, s, min), e.g. 500ms or 1.5s; got '5 parsecs' (unknown unit 'parsecs')\n");
  // A new key that the schema does not know is an unknown key.
  EXPECT_EQ(format_diagnostics(load_with({"links.1.dealy=5ms"}).diagnostics),
            "o.yaml: error: --set links.1.dealy=5ms: unknown key 'dealy' in link (expected one of: a, b, delay, jitter, rate, "
            "queue, loss, loss_a_to_b, loss_b_to_a)\n");
}

TEST(ApplyOverrides, StructuredValuesHaveNoFilePosition) {
  // Positions inside a --set value would point into the command line, not
  // the file, so the diagnostic names only the --set.
  EXPECT_EQ(format_diagnostics(load_with({"links.0.loss={model: random, rate: 2}"}).diagnostics),
            "o.yaml: error: --set links.0.loss={model: random, rate: 2}: rate of loss of link: expected a probability "
            "in [0, 1] (e.g. 0.1) or a percentage (e.g. 10%); got '2' (greater than 1)\n");
  EXPECT_EQ(format_diagnostics(load_with({"links.0.loss.rate=0.2"}).diagnostics),
            "o.yaml: error: --set links.0.loss.rate=0.2: missing key 'model' in loss of link (expected none, random, "
            "gilbert-elliott or outage)\n");
}

TEST(ApplyOverrides, LaterOverridesWin) {
  LoadResult r = load_with({"links.0.delay=1ms", "links.0.delay=3ms"});
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(r.spec->topology.links[0].delay, 3ms);
}

}  // namespace
}  // namespace siplab::scenario
