// Every bundled scenario validates (zones included) and says what the issue
// asks of it.
#include <gtest/gtest.h>

#include "sim/scenario/scenario_loader.h"

namespace siplab::scenario {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kDir = SIPLAB_BUNDLED_SCENARIOS;

ScenarioSpec load_bundled(const std::string& name) {
  LoadResult r = load_scenario_file(kDir / (name + ".yaml"));
  EXPECT_TRUE(r.ok()) << name << ":\n" << format_diagnostics(r.diagnostics);
  return r.spec.value_or(ScenarioSpec{});
}

TEST(BundledScenarios, EveryFileInTheFolderValidates) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    LoadResult r = load_scenario_file(entry.path());
    EXPECT_TRUE(r.ok()) << entry.path() << ":\n" << format_diagnostics(r.diagnostics);
    if (r.ok()) {
      EXPECT_EQ(r.spec->name, scenario_name_from_path(entry.path()));
      EXPECT_FALSE(r.spec->expectations.empty()) << entry.path();
    }
  }
  EXPECT_GE(count, 6);
}

TEST(BundledScenarios, SeedRegister) {
  ScenarioSpec s = load_bundled("seed-register");
  ASSERT_EQ(s.users.size(), 1u);
  EXPECT_EQ(s.users[0].devices.size(), 2u);
  ASSERT_EQ(s.proxies.size(), 1u);
  EXPECT_EQ(s.proxies[0].registrar->default_expires, 3600u);
  EXPECT_EQ(s.proxies[0].registrar->users.at("ivan"), *s.users[0].password);
  const auto& reg = std::get<RegistrationExpectation>(s.expectations[0].check);
  EXPECT_EQ(reg.devices, 2u);
}

TEST(BundledScenarios, SeedCallAndRecordRouteDifferOnlyWhereTheyShould) {
  ScenarioSpec plain = load_bundled("seed-call");
  ScenarioSpec rr = load_bundled("seed-call-record-route");
  EXPECT_FALSE(plain.proxies[0].record_route);
  EXPECT_TRUE(rr.proxies[0].record_route);
  const auto& call = std::get<CallAction>(plain.events[1].action);
  EXPECT_EQ(std::get<AnswerBehaviour>(call.callee).device, "ivan-laptop");
  EXPECT_EQ(call.hangup->by, Party::Callee);
  auto proxy_view = [](const ScenarioSpec& s) {
    for (const auto& x : s.expectations)
      if (auto* c = std::get_if<CallExpectation>(&x.check); c && c->sequence && c->sequence->seen_by == "proxy")
        return c->sequence->messages;
    return std::vector<std::string>{};
  };
  EXPECT_EQ(proxy_view(plain), (std::vector<std::string>{"ACK"}));
  EXPECT_EQ(proxy_view(rr), (std::vector<std::string>{"ACK", "ACK", "ACK", "BYE", "BYE"}));
}

TEST(BundledScenarios, LossOnTheCalleesAccessLink) {
  ScenarioSpec s = load_bundled("loss-10pct");
  const topo::LinkSpec* lossy = nullptr;
  for (const auto& l : s.topology.links)
    if (l.loss_a_to_b.model != topo::LossSpec::Model::None) {
      EXPECT_EQ(lossy, nullptr) << "only one lossy link";
      lossy = &l;
    }
  ASSERT_NE(lossy, nullptr);
  EXPECT_EQ(lossy->a, "ivan-laptop");
  EXPECT_EQ(lossy->loss_a_to_b.rate, 0.1);
  EXPECT_EQ(lossy->loss_b_to_a.rate, 0.1);
}

TEST(BundledScenarios, OutageTakesThePrimaryDownForTheWholeRun) {
  ScenarioSpec s = load_bundled("outage-failover");
  for (const auto& l : s.topology.links)
    if (l.a == "proxy") {
      EXPECT_EQ(l.loss_a_to_b.model, topo::LossSpec::Model::Outage);
      EXPECT_EQ(l.loss_a_to_b.from, 0s);
      EXPECT_GE(l.loss_a_to_b.to, s.stop);
    }
  EXPECT_EQ(s.find_node("proxy")->address->to_string(), "192.0.2.10");
  EXPECT_EQ(s.find_node("proxy2")->address->to_string(), "192.0.2.20");
}

TEST(BundledScenarios, LocateFallbacksUsesTheZonePorts) {
  ScenarioSpec s = load_bundled("locate-fallbacks");
  ASSERT_EQ(s.proxies.size(), 3u);
  EXPECT_EQ(s.proxies[0].domain, "srvonly.test");
  EXPECT_EQ(s.proxies[0].port, 5070);
  EXPECT_EQ(s.find_node("sip-srvonly")->address->to_string(), "192.0.2.30");
  EXPECT_EQ(s.find_node("sip-aonly")->address->to_string(), "192.0.2.31");
  EXPECT_EQ(s.find_node("sip-tcponly")->address->to_string(), "192.0.2.32");
}

}  // namespace
}  // namespace siplab::scenario
