// A small valid scenario loads into exactly the spec it describes, with the
// documented defaults where it is silent.
#include <gtest/gtest.h>

#include "sim/scenario/scenario_loader.h"

namespace siplab::scenario {
namespace {

using namespace std::chrono_literals;

constexpr const char* kScenario = R"(
seed: 7
stop: 40s
sip: { t1: 250ms, transport: tcp }
nodes:
  - router
  - { name: dns, address: 192.0.2.53 }
  - { name: proxy, address: 192.0.2.10, address6: "2001:db8::10" }
  - peter-pc
  - ivan-mobile
links:
  - { a: peter-pc, b: router, delay: 15ms, rate: 10Mbps, queue: 50 }
  - { a: ivan-mobile, b: router, delay: 40ms, rate: 2Mbps,
      loss: { model: gilbert-elliott, p: 0.01, r: 0.3 } }
  - { a: proxy, b: router, loss_a_to_b: 0.25, loss_b_to_a: { model: outage, from: 1s, to: 2.5s } }
  - { a: dns, b: router, delay: 2ms, jitter: 3ms }
dns: [ { node: dns, zones: [domain.ru.zone] } ]
resolvers: [ { node: peter-pc, timeout: 1s, attempts: 3 } ]
proxies:
  - { node: proxy, domain: domain.ru, record_route: true, forking: sequential,
      registrar: { expires: 600, min_expires: 30, users: { ivan: secret }, algorithm: SHA-256 } }
users:
  - { aor: "sip:ivan@domain.ru", password: secret,
      devices: [ { node: ivan-mobile, transport: udp, expires: 300, refresh_fraction: 0.8 } ] }
  - { aor: "sip:peter@example.org", devices: [peter-pc], outbound_proxy: "sip:proxy.domain.ru;lr" }
events:
  - { at: 5s, call: { from: "sip:peter@example.org", to: "sip:ivan@domain.ru",
                      answer: { device: ivan-mobile, after: 2s }, hangup: { by: callee, after: 20s } } }
  - { at: 0s, register: "sip:ivan@domain.ru" }
  - { at: 6s, call: { from: "sip:peter@example.org", to: "sip:nobody@domain.ru", reject: { code: 404 }, cancel: { after: 1s } } }
  - { at: 7s, options: { from: "sip:peter@example.org", to: "sip:domain.ru" } }
  - { at: 8s, link_down: { a: router, b: proxy } }
  - { at: 9s, unregister: { aor: "sip:ivan@domain.ru", device: ivan-mobile } }
expect:
  - { call: 1, established: true, setup_delay_max: 3s }
  - { call: 2, code: 404 }
  - { call: 1, seen_by: proxy, sequence: [INVITE, "100"], only: [INVITE, "100"] }
  - { registration: "sip:ivan@domain.ru", devices: 1, delay_max: 1s }
  - { retransmissions: { method: INVITE, call: 1, node: peter-pc, min: 1, max: 3 } }
)";

LoadResult load(const std::string& text, const LoadOptions& options = {}) {
  return load_scenario_text(text, "inline.yaml", SIPLAB_BUNDLED_SCENARIOS, options);
}

TEST(ScenarioLoader, FillsEverySection) {
  LoadResult r = load(kScenario);
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  const ScenarioSpec& s = *r.spec;
  EXPECT_EQ(s.name, "inline");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.stop, 40s);
  EXPECT_EQ(s.sip.t1, 250ms);
  EXPECT_EQ(s.sip.t2, 4s);
  EXPECT_EQ(s.sip.t4, 5s);
  EXPECT_EQ(s.sip.timer_c, 200s);
  EXPECT_EQ(s.sip.transport, Transport::Tcp);

  ASSERT_EQ(s.topology.nodes.size(), 5u);
  EXPECT_EQ(s.topology.nodes[0].name, "router");
  EXPECT_FALSE(s.topology.nodes[0].address);
  EXPECT_EQ(s.topology.nodes[2].address->to_string(), "192.0.2.10");
  EXPECT_EQ(s.topology.nodes[2].address6->to_string(), "2001:db8::10");
  EXPECT_EQ(s.topology.nodes[2].source_line, 8);
  EXPECT_TRUE(s.topology.ipv6);  // some node has address6

  ASSERT_EQ(s.topology.links.size(), 4u);
  const auto& l0 = s.topology.links[0];
  EXPECT_EQ(l0.delay, 15ms);
  EXPECT_EQ(l0.rate_bps, 10'000'000u);
  EXPECT_EQ(l0.queue_packets, 50u);
  EXPECT_EQ(l0.loss_a_to_b.model, topo::LossSpec::Model::None);
  const auto& l1 = s.topology.links[1];
  EXPECT_EQ(l1.loss_a_to_b.model, topo::LossSpec::Model::GilbertElliott);
  EXPECT_EQ(l1.loss_b_to_a.model, topo::LossSpec::Model::GilbertElliott);
  EXPECT_EQ(l1.loss_a_to_b.p, 0.01);
  EXPECT_EQ(l1.loss_a_to_b.r, 0.3);
  EXPECT_EQ(l1.loss_a_to_b.loss_good, 0.0);
  EXPECT_EQ(l1.loss_a_to_b.loss_bad, 1.0);
  const auto& l2 = s.topology.links[2];
  EXPECT_EQ(l2.delay, 1ms);               // default
  EXPECT_EQ(l2.rate_bps, 100'000'000u);   // default
  EXPECT_EQ(l2.queue_packets, 100u);      // default
  EXPECT_EQ(l2.loss_a_to_b.model, topo::LossSpec::Model::Random);
  EXPECT_EQ(l2.loss_a_to_b.rate, 0.25);
  EXPECT_EQ(l2.loss_b_to_a.model, topo::LossSpec::Model::Outage);
  EXPECT_EQ(l2.loss_b_to_a.from, 1s);
  EXPECT_EQ(l2.loss_b_to_a.to, 2500ms);

  ASSERT_EQ(s.dns_servers.size(), 1u);
  EXPECT_EQ(s.dns_servers[0].zone_files[0], std::filesystem::path(SIPLAB_BUNDLED_SCENARIOS) / "domain.ru.zone");

  // peter-pc as configured; proxy and ivan-mobile get the default (every dns server).
  ASSERT_EQ(s.resolvers.size(), 3u);
  const ResolverSpec* peter = s.resolver_for("peter-pc");
  ASSERT_NE(peter, nullptr);
  EXPECT_EQ(peter->timeout, 1s);
  EXPECT_EQ(peter->attempts, 3u);
  EXPECT_EQ(peter->servers, std::vector<std::string>{"dns"});
  const ResolverSpec* mobile = s.resolver_for("ivan-mobile");
  ASSERT_NE(mobile, nullptr);
  EXPECT_EQ(mobile->timeout, 5s);
  EXPECT_EQ(mobile->attempts, 2u);
  EXPECT_EQ(s.resolver_for("router"), nullptr);

  ASSERT_EQ(s.proxies.size(), 1u);
  const ProxySpec& p = s.proxies[0];
  EXPECT_EQ(p.domain, "domain.ru");
  EXPECT_EQ(p.port, 5060);
  EXPECT_TRUE(p.record_route);
  EXPECT_EQ(p.forking, Forking::Sequential);
  EXPECT_EQ(p.timer_c, 200s);
  ASSERT_TRUE(p.registrar);
  EXPECT_EQ(p.registrar->realm, "domain.ru");
  EXPECT_EQ(p.registrar->default_expires, 600u);
  EXPECT_EQ(p.registrar->min_expires, 30u);
  EXPECT_EQ(p.registrar->max_expires, 7200u);
  EXPECT_EQ(p.registrar->algorithm, DigestAlgorithm::Sha256);
  EXPECT_EQ(p.registrar->users.at("ivan"), "secret");

  ASSERT_EQ(s.users.size(), 2u);
  EXPECT_EQ(s.users[0].user, "ivan");
  EXPECT_EQ(s.users[0].domain, "domain.ru");
  EXPECT_EQ(s.users[0].devices[0].transport, Transport::Udp);
  EXPECT_EQ(s.users[0].devices[0].expires, 300u);
  EXPECT_EQ(s.users[0].devices[0].refresh_fraction, 0.8);
  EXPECT_EQ(s.users[1].devices[0].transport, Transport::Tcp);  // sip.transport
  EXPECT_EQ(s.users[1].devices[0].expires, 3600u);
  EXPECT_EQ(s.users[1].outbound_proxy, "sip:proxy.domain.ru;lr");
  EXPECT_FALSE(s.users[1].password);
}

TEST(ScenarioLoader, ReadsLinkJitter) {
  LoadResult r = load(kScenario);
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(r.spec->topology.links[3].jitter, 3ms);
  EXPECT_EQ(r.spec->topology.links[0].jitter, 0ms);
}

TEST(ScenarioLoader, SortsEventsAndNumbersCallsInFileOrder) {
  LoadResult r = load(kScenario);
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  const auto& events = r.spec->events;
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].at, 0s);
  ASSERT_TRUE(std::holds_alternative<RegisterAction>(events[0].action));
  EXPECT_FALSE(std::get<RegisterAction>(events[0].action).device);

  const auto& call1 = std::get<CallAction>(events[1].action);
  EXPECT_EQ(call1.id, 1);
  EXPECT_EQ(call1.from_device, "peter-pc");
  EXPECT_EQ(std::get<AnswerBehaviour>(call1.callee).device, "ivan-mobile");
  EXPECT_EQ(std::get<AnswerBehaviour>(call1.callee).after, 2s);
  EXPECT_EQ(call1.hangup->by, Party::Callee);
  EXPECT_EQ(call1.hangup->after, 20s);

  const auto& call2 = std::get<CallAction>(events[2].action);
  EXPECT_EQ(call2.id, 2);
  EXPECT_EQ(std::get<RejectBehaviour>(call2.callee).code, 404);
  EXPECT_EQ(call2.cancel_after, 1s);

  EXPECT_EQ(std::get<OptionsAction>(events[3].action).to, "sip:domain.ru");
  const auto& down = std::get<LinkStateAction>(events[4].action);
  EXPECT_EQ(down.a, "proxy");  // as the link was declared
  EXPECT_EQ(down.b, "router");
  EXPECT_FALSE(down.up);
  EXPECT_EQ(std::get<UnregisterAction>(events[5].action).device, "ivan-mobile");
}

TEST(ScenarioLoader, ReadsExpectations) {
  LoadResult r = load(kScenario);
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  const auto& x = r.spec->expectations;
  ASSERT_EQ(x.size(), 5u);
  const auto& c1 = std::get<CallExpectation>(x[0].check);
  EXPECT_EQ(c1.call, 1);
  EXPECT_EQ(c1.established, true);
  EXPECT_EQ(c1.setup_delay_max, 3s);
  EXPECT_FALSE(c1.sequence);
  EXPECT_EQ(x[0].source_text, "{call: 1, established: true, setup_delay_max: 3s}");
  const auto& c2 = std::get<CallExpectation>(x[1].check);
  EXPECT_EQ(c2.established, false);  // implied by code
  EXPECT_EQ(c2.code, 404);
  const auto& seq = std::get<CallExpectation>(x[2].check).sequence;
  ASSERT_TRUE(seq);
  EXPECT_EQ(seq->seen_by, "proxy");
  EXPECT_EQ(seq->messages, (std::vector<std::string>{"INVITE", "100"}));
  EXPECT_EQ(seq->only, (std::vector<std::string>{"INVITE", "100"}));
  const auto& reg = std::get<RegistrationExpectation>(x[3].check);
  EXPECT_EQ(reg.aor, "sip:ivan@domain.ru");
  EXPECT_EQ(reg.devices, 1u);
  EXPECT_EQ(reg.delay_max, 1s);
  const auto& rt = std::get<RetransmissionExpectation>(x[4].check);
  EXPECT_EQ(rt.method, "INVITE");
  EXPECT_EQ(rt.call, 1);
  EXPECT_EQ(rt.node, "peter-pc");
  EXPECT_EQ(rt.min, 1u);
  EXPECT_EQ(rt.max, 3u);
  EXPECT_EQ(x[4].source_line, 39);
}

TEST(ScenarioLoader, SequenceDefaultsToTheCallersDevice) {
  std::string text = kScenario;
  text += "  - { call: 1, sequence: [INVITE] }\n";
  LoadResult r = load(text);
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(std::get<CallExpectation>(r.spec->expectations.back().check).sequence->seen_by, "peter-pc");
}

TEST(ScenarioLoader, SeedOptionWinsOverFileAndSet) {
  LoadOptions o;
  o.overrides.push_back({"seed", "9"});
  EXPECT_EQ(load(kScenario, o).spec->seed, 9u);
  o.seed = 42;
  EXPECT_EQ(load(kScenario, o).spec->seed, 42u);
}

TEST(ScenarioLoader, MinimalFileGetsDefaults) {
  LoadResult r = load("nodes: [a]\n");
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(r.spec->seed, 1u);
  EXPECT_EQ(r.spec->stop, 60s);
  EXPECT_EQ(r.spec->sip.t1, 500ms);
  EXPECT_EQ(r.spec->sip.transport, Transport::Udp);
  EXPECT_FALSE(r.spec->topology.ipv6);
  EXPECT_TRUE(r.spec->events.empty());
}

TEST(ScenarioLoader, ZoneCheckerIsInjectable) {
  LoadOptions o;
  std::vector<std::filesystem::path> asked;
  o.zone_checker = [&](const std::filesystem::path& p) {
    asked.push_back(p);
    return std::vector<Diagnostic>{{"z.zone", 3, 1, "bad record"}};
  };
  LoadResult r = load("nodes: [dns]\ndns: [{node: dns, zones: [domain.ru.zone]}]\n", o);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            "inline.yaml:2:27: error: zone file 'domain.ru.zone' does not parse (1 error, listed next)\n"
            "z.zone:3:1: error: bad record\n");
}

}  // namespace
}  // namespace siplab::scenario
