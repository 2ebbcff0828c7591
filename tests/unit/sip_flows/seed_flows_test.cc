// The seed's flows (seeds/000: registration with a 401 challenge, Peter's
// INVITE forked by the proxy to Ivan's devices, ACK and BYE straight to the
// answering device) with the real UA and proxy cores over the in-memory
// network, DNS serving scenarios/domain.ru.zone.  Each link's message
// sequence is asserted exactly.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "models/dns/zone.h"
#include "models/sip/core/proxy/proxy.h"
#include "models/sip/core/ua/user_agent.h"
#include "tests/support/node/node_network.h"

namespace siplab::sip {
namespace {

using namespace std::chrono_literals;
using testing::NodeNetwork;
using Labels = std::vector<std::string>;

const IpAddress kDns = *IpAddress::parse("192.0.2.53");
const IpAddress kProxy = *IpAddress::parse("192.0.2.10");
const IpAddress kMobile = *IpAddress::parse("192.0.2.32");
const IpAddress kLaptop = *IpAddress::parse("192.0.2.31");
const IpAddress kPeter = *IpAddress::parse("198.51.100.10");

std::string zone_text() {
  std::ifstream in(SIPLAB_ZONE_FILE);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

SipNodeConfig node_config(std::string name, IpAddress address) {
  SipNodeConfig c;
  c.identity.name = std::move(name);
  c.identity.address = address;
  c.resolver.servers = {Endpoint{kDns, 53}};
  c.stack.validation = ua_validation_options();
  return c;
}

UaConfig ivan(double refresh_fraction) {
  UaConfig c;
  c.aor = "sip:ivan@domain.ru";
  c.password = "secret";
  c.refresh_fraction = refresh_fraction;
  return c;
}

struct Seed {
  // refresh_fraction 0: the devices never refresh (to let bindings expire).
  explicit Seed(bool record_route = false, double refresh_fraction = 0.5)
      : refresh_fraction_(refresh_fraction), proxy_core(proxy_config(record_route)) {
    auto zone = dns::parse_zone(zone_text(), "domain.ru.zone", "domain.ru.");
    EXPECT_TRUE(zone.zone) << (zone.errors.empty() ? "" : dns::format_error(zone.errors[0]));
    authority.add_zone(std::move(*zone.zone));
    net.add_dns_server("dns", kDns, authority);
    net.set_default_latency(10ms);
    for (SipNode* n : {&proxy, &mobile, &laptop, &peter}) net.add_sip_node(*n);
  }
  static ProxyConfig proxy_config(bool record_route) {
    ProxyConfig c;
    c.domain = "domain.ru";
    c.record_route = record_route;
    RegistrarConfig r;
    r.realm = "domain.ru";
    r.users = {{"ivan", "secret"}};
    c.registrar = r;
    return c;
  }
  SipNodeConfig proxy_node_config() {
    SipNodeConfig c = node_config("proxy", kProxy);
    c.stack.validation = proxy_validation_options(proxy_core.config());
    return c;
  }
  void register_devices(std::optional<uint32_t> expires = std::nullopt) {
    net.command("ivan-mobile", [&](TuContext&) { mobile_ua.register_binding(net.now(), expires); });
    net.command("ivan-laptop", [&](TuContext&) { laptop_ua.register_binding(net.now(), expires); });
    net.run_for(1s);
  }
  CallHandle call(CallOptions options = {}) {
    CallHandle h = kNoCall;
    options.call_number = 1;
    net.command("peter-pc", [&](TuContext&) { h = peter_ua.call(net.now(), "sip:ivan@domain.ru", options); });
    return h;
  }
  std::vector<std::string> events(const std::string& node, std::string_view kind) {
    std::vector<std::string> out;
    for (const auto& t : net.traces(node)) {
      const auto* tu = std::get_if<TuTrace>(&t);
      if (!tu || tu->kind != kind) continue;
      for (const auto& [name, value] : tu->fields)
        if (name == "event" || name == "state" || name == "action")
          out.push_back(std::get<std::string>(value));
    }
    return out;
  }

  double refresh_fraction_;
  dns::Authority authority;
  NodeNetwork net;
  SeededRandom random{11};
  ProxyCore proxy_core;
  SipNode proxy{proxy_node_config(), random, proxy_core};
  UserAgent mobile_ua{ivan(refresh_fraction_)};
  SipNode mobile{node_config("ivan-mobile", kMobile), random, mobile_ua};
  UserAgent laptop_ua{ivan(refresh_fraction_)};
  SipNode laptop{node_config("ivan-laptop", kLaptop), random, laptop_ua};
  UserAgent peter_ua{[] {
    UaConfig c;
    c.aor = "sip:peter@example.org";
    return c;
  }()};
  SipNode peter{node_config("peter-pc", kPeter), random, peter_ua};
};

TEST(SeedFlows, BothDevicesRegisterThroughTheDigestChallenge) {
  Seed s;
  s.register_devices();
  EXPECT_EQ(s.net.sip_labels("ivan-mobile", "proxy"), (Labels{"REGISTER", "401", "REGISTER", "200"}));
  EXPECT_EQ(s.net.sip_labels("ivan-laptop", "proxy"), (Labels{"REGISTER", "401", "REGISTER", "200"}));
  auto bindings = s.proxy_core.bindings("sip:ivan@domain.ru", s.net.now());
  ASSERT_EQ(bindings.size(), 2u);
  EXPECT_EQ(bindings[0].contact, "sip:ivan@192.0.2.32:5060");
  EXPECT_EQ(bindings[1].contact, "sip:ivan@192.0.2.31:5060");
  EXPECT_EQ(s.mobile_ua.registration().state, RegistrationStatus::State::Registered);
  EXPECT_EQ(s.laptop_ua.registration().granted_expires, 3600u);
  EXPECT_EQ(s.laptop_ua.registration().bindings.size(), 2u);
}

TEST(SeedFlows, ForkedCallAnsweredOnTheLaptopMobileCancelledAckAndByeDirect) {
  Seed s;
  s.register_devices();
  s.laptop_ua.set_answer_policy({AnswerPolicy::Kind::Answer, 200, 2s, std::nullopt});
  s.mobile_ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  CallOptions options;
  options.hangup_after = 5s;
  const CallHandle h = s.call(options);
  s.net.run_for(40s);

  EXPECT_EQ(s.net.sip_labels("peter-pc", "proxy"), (Labels{"INVITE", "100", "180", "180", "200"}));
  EXPECT_EQ(s.net.sip_labels("proxy", "ivan-laptop"),
            (Labels{"REGISTER", "401", "REGISTER", "200", "INVITE", "180", "200"}));
  // The whole exchange: the proxy's CANCEL is answered once (200), so it is
  // not retransmitted.
  EXPECT_EQ(s.net.sip_labels("proxy", "ivan-mobile"),
            (Labels{"REGISTER", "401", "REGISTER", "200", "INVITE", "180", "CANCEL", "200", "487", "ACK"}));
  // ACK and BYE bypass the proxy (no Record-Route): straight to the laptop's Contact.
  EXPECT_EQ(s.net.sip_labels("peter-pc", "ivan-laptop"), (Labels{"ACK", "BYE", "200"}));
  EXPECT_TRUE(s.net.sip_labels("peter-pc", "ivan-mobile").empty());

  const Call* call = s.peter_ua.find_call(h);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->state, CallState::Ended);
  EXPECT_EQ(s.events("peter-pc", "call.event"), (Labels{"started", "ringing", "established", "ended"}));
  // mobile's early dialog, laptop's early then confirmed; the laptop's ends
  // with the BYE, the mobile's when the 64*T1 fork window closes.
  EXPECT_EQ(s.events("peter-pc", "dialog.state"),
            (Labels{"early", "early", "confirmed", "terminated", "terminated"}));
  EXPECT_EQ(s.events("ivan-laptop", "call.event"), (Labels{"answered", "ended"}));
  EXPECT_EQ(s.events("ivan-mobile", "call.event"), (Labels{"failed"}));
  EXPECT_EQ(s.mobile_ua.find_call_by_id(call->call_id)->final_code, 487);
  EXPECT_EQ(call->legs.at(*call->answered).dialog.remote_target.to_string(), "sip:ivan@192.0.2.31:5060");
}

TEST(SeedFlows, CalleeHangsUpWithByeStraightToTheCaller) {
  Seed s;
  s.register_devices();
  s.laptop_ua.set_answer_policy({AnswerPolicy::Kind::Answer, 200, 2s, 4s});
  s.mobile_ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  const CallHandle h = s.call();
  s.net.run_for(20s);
  EXPECT_EQ(s.net.sip_labels("peter-pc", "ivan-laptop"), (Labels{"ACK", "BYE", "200"}));
  std::vector<std::string> bye_senders;
  for (const auto& p : s.net.packets())
    if (!p.dns && p.label() == "BYE") bye_senders.push_back(p.from_node);
  EXPECT_EQ(bye_senders, (Labels{"ivan-laptop"}));
  EXPECT_EQ(s.peter_ua.find_call(h)->state, CallState::Ended);
  EXPECT_EQ(s.events("ivan-laptop", "call.event"), (Labels{"answered", "ended"}));
}

TEST(SeedFlows, RecordRouteKeepsAckAndByeOnTheProxy) {
  Seed s(/*record_route=*/true);
  s.register_devices();
  s.laptop_ua.set_answer_policy({AnswerPolicy::Kind::Answer, 200, 2s, std::nullopt});
  s.mobile_ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  CallOptions options;
  options.hangup_after = 5s;
  const CallHandle h = s.call(options);
  s.net.run_for(20s);
  EXPECT_EQ(s.net.sip_labels("peter-pc", "proxy"),
            (Labels{"INVITE", "100", "180", "180", "200", "ACK", "BYE", "200"}));
  EXPECT_EQ(s.net.sip_labels("proxy", "ivan-laptop"),
            (Labels{"REGISTER", "401", "REGISTER", "200", "INVITE", "180", "200", "ACK", "BYE", "200"}));
  EXPECT_TRUE(s.net.sip_labels("peter-pc", "ivan-laptop").empty());
  const Call* call = s.peter_ua.find_call(h);
  EXPECT_EQ(call->state, CallState::Ended);
  ASSERT_EQ(call->legs.at(*call->answered).dialog.route_set.size(), 1u);
  EXPECT_EQ(call->legs.at(*call->answered).dialog.route_set[0].uri.host, "192.0.2.10");
}

TEST(SeedFlows, BusyOnEveryDeviceFailsTheCallWith486) {
  Seed s;
  s.register_devices();
  s.laptop_ua.set_answer_policy({AnswerPolicy::Kind::Reject, 486, Duration::zero(), std::nullopt});
  s.mobile_ua.set_answer_policy({AnswerPolicy::Kind::Reject, 486, Duration::zero(), std::nullopt});
  const CallHandle h = s.call();
  s.net.run_for(10s);
  EXPECT_EQ(s.net.sip_labels("peter-pc", "proxy"), (Labels{"INVITE", "100", "486", "ACK"}));
  EXPECT_EQ(s.net.sip_labels("proxy", "ivan-laptop"),
            (Labels{"REGISTER", "401", "REGISTER", "200", "INVITE", "486", "ACK"}));
  EXPECT_EQ(s.peter_ua.find_call(h)->state, CallState::Failed);
  EXPECT_EQ(s.peter_ua.find_call(h)->final_code, 486);
  EXPECT_EQ(s.events("peter-pc", "call.event"), (Labels{"started", "failed"}));
}

TEST(SeedFlows, NoAnswerEndsWithTimerCAtTheProxy) {
  Seed s;
  s.register_devices();
  s.laptop_ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  s.mobile_ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  const CallHandle h = s.call();
  s.net.run_for(240s);
  EXPECT_EQ(s.net.sip_labels("peter-pc", "proxy"), (Labels{"INVITE", "100", "180", "180", "408", "ACK"}));
  EXPECT_EQ(s.net.sip_labels("proxy", "ivan-laptop"),
            (Labels{"REGISTER", "401", "REGISTER", "200", "INVITE", "180", "CANCEL", "200", "487", "ACK"}));
  EXPECT_EQ(s.peter_ua.find_call(h)->final_code, 408);
  EXPECT_EQ(s.events("ivan-laptop", "call.event"), (Labels{"failed"}));
}

TEST(SeedFlows, CancelCrossingTheTwoHundredEndsWithAckAndBye) {
  Seed s;
  s.register_devices();
  s.laptop_ua.set_answer_policy({AnswerPolicy::Kind::Answer, 200, 2s, std::nullopt});
  s.mobile_ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  // INVITE leaves at 1.02 s (after DNS), reaches the laptop at 1.04 s; its
  // 200 leaves at 3.04 s and reaches Peter at 3.06 s.  Peter's CANCEL leaves
  // at 3.05 s, while the 200 is on the wire.
  CallOptions options;
  options.cancel_after = 2050ms;
  const CallHandle h = s.call(options);
  s.net.run_for(20s);
  // The proxy forwarded the 200 (3.05 s) before the CANCEL reached it; its
  // INVITE server transaction is over, so the CANCEL matches nothing: 481
  // (§9.2).  Peter ACKs the 200 and BYEs the call he no longer wants.
  EXPECT_EQ(s.net.sip_labels("peter-pc", "proxy"),
            (Labels{"INVITE", "100", "180", "180", "200", "CANCEL", "481"}));
  EXPECT_EQ(s.net.sip_labels("peter-pc", "ivan-laptop"), (Labels{"ACK", "BYE", "200"}));
  const Call* call = s.peter_ua.find_call(h);
  EXPECT_EQ(call->state, CallState::Ended);
  EXPECT_EQ(s.events("peter-pc", "call.event"), (Labels{"started", "ringing", "established", "ended"}));
}

TEST(SeedFlows, LossyLinksStillRegisterCallAndHangUp) {
  Seed s;
  // 50 % loss both ways on the callee's and the caller's links (seeded, so
  // the same packets are lost on every run): retransmissions (Timers A/E,
  // §13.3.1.4 2xx, ACK repeated per 2xx) carry every exchange through.
  s.net.set_link("ivan-laptop", "proxy", 10ms, 0.5);
  s.net.set_link("peter-pc", "proxy", 10ms, 0.5);
  s.net.set_link("peter-pc", "ivan-laptop", 20ms, 0.5);
  s.register_devices();
  s.net.run_for(30s);
  EXPECT_EQ(s.laptop_ua.registration().state, RegistrationStatus::State::Registered);
  s.laptop_ua.set_answer_policy({AnswerPolicy::Kind::Answer, 200, 2s, std::nullopt});
  s.mobile_ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  CallOptions options;
  options.hangup_after = 5s;
  const CallHandle h = s.call(options);
  s.net.run_for(60s);
  size_t lost = 0;
  for (const auto& p : s.net.packets()) lost += p.lost ? 1 : 0;
  EXPECT_GT(lost, 10u);
  EXPECT_EQ(s.peter_ua.find_call(h)->state, CallState::Ended);
  auto events = s.events("peter-pc", "call.event");
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.front(), "started");
  EXPECT_EQ(events[events.size() - 2], "established");
  EXPECT_EQ(events.back(), "ended");
  EXPECT_EQ(s.events("ivan-laptop", "call.event"), (Labels{"answered", "ended"}));
}

TEST(SeedFlows, ExpiredRegistrationMakesTheNextCallFailWith480) {
  Seed s(/*record_route=*/false, /*refresh_fraction=*/0);
  s.register_devices(60);
  EXPECT_EQ(s.laptop_ua.registration().granted_expires, 60u);
  EXPECT_FALSE(s.laptop_ua.registration().refresh_at);
  EXPECT_EQ(s.proxy_core.bindings("sip:ivan@domain.ru", s.net.now()).size(), 2u);
  s.net.run_for(60s);  // past 60 s after the 200s (at ~0.06 s)
  EXPECT_TRUE(s.proxy_core.bindings("sip:ivan@domain.ru", s.net.now()).empty());
  EXPECT_EQ(s.events("proxy", "reg.binding"), (Labels{"added", "added", "expired", "expired"}));
  const CallHandle h = s.call();
  s.net.run_for(10s);
  // §16.5 / §10: a known AOR with no current binding is temporarily unavailable.
  EXPECT_EQ(s.net.sip_labels("peter-pc", "proxy"), (Labels{"INVITE", "480", "ACK"}));
  EXPECT_EQ(s.peter_ua.find_call(h)->final_code, 480);
  EXPECT_EQ(s.events("peter-pc", "call.event"), (Labels{"started", "failed"}));
}

}  // namespace
}  // namespace siplab::sip
