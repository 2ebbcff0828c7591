// Test harness for the UA core: an in-memory network with DNS for
// domain.ru, UA device nodes and scripted peers (small TransactionUsers).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "models/dns/zone.h"
#include "models/sip/core/ua/user_agent.h"
#include "models/sip/message/parser.h"
#include "tests/support/node/node_network.h"

namespace siplab::sip::ua_test {

using namespace std::chrono_literals;
using testing::NodeNetwork;

inline const IpAddress kDns = *IpAddress::parse("192.0.2.53");
inline const IpAddress kProxy = *IpAddress::parse("192.0.2.10");
inline const IpAddress kLaptop = *IpAddress::parse("192.0.2.31");
inline const IpAddress kMobile = *IpAddress::parse("192.0.2.32");
inline const IpAddress kPeter = *IpAddress::parse("198.51.100.10");

inline constexpr const char* kZone = R"(
$ORIGIN domain.ru.
$TTL 3600
@       IN SOA dns.domain.ru. hostmaster.domain.ru. 1 3600 600 604800 300
        IN NS  dns.domain.ru.
@       IN NAPTR 10 50 "S" "SIP+D2U" "" _sip._udp.domain.ru.
_sip._udp IN SRV 10 60 5060 proxy.domain.ru.
dns     IN A 192.0.2.53
proxy   IN A 192.0.2.10
)";

inline SipNodeConfig node_config(std::string name, IpAddress address) {
  SipNodeConfig c;
  c.identity.name = std::move(name);
  c.identity.address = address;
  c.resolver.servers = {Endpoint{kDns, 53}};
  c.stack.validation = ua_validation_options();
  return c;
}

// Scripted peers accept every method the tests script (REGISTER included).
inline SipNodeConfig peer_config(std::string name, IpAddress address) {
  SipNodeConfig c = node_config(std::move(name), address);
  c.stack.validation.allowed_methods.push_back("REGISTER");
  return c;
}

// A peer whose behaviour the test scripts: `on_req` decides what to answer.
class ScriptedPeer : public TransactionUser {
 public:
  std::function<void(Instant, RequestReceived&)> on_req;
  std::function<void(Instant, RequestHandle, const Message&)> on_resp;
  void attach(TuContext& c) override { ctx = &c; }
  void on_request(Instant now, RequestReceived&& r) override {
    requests.push_back(r.request);
    if (on_req) on_req(now, r);
  }
  void on_response(Instant now, RequestHandle h, const Message& m, ResponseOrigin) override {
    responses.push_back(m);
    if (on_resp) on_resp(now, h, m);
  }
  void on_stray_response(Instant, const Message& m) override { strays.push_back(m); }
  void on_server_failure(Instant, TxnId, ServerFailure) override {}
  void on_timer(Instant, TimerCookie) override {}
  std::vector<const Message*> requests_with(std::string_view method) const {
    std::vector<const Message*> out;
    for (const auto& r : requests)
      if (r.method() == method) out.push_back(&r);
    return out;
  }
  TuContext* ctx = nullptr;
  std::vector<Message> requests;
  std::vector<Message> responses;
  std::vector<Message> strays;
};

// One UA device on its own node.
struct Device {
  Device(NodeNetwork& net, Random& random, std::string name, IpAddress address, UaConfig config)
      : ua(std::move(config)), node(node_config(name, address), random, ua) {
    net.add_sip_node(node);
  }
  UserAgent ua;
  SipNode node;
};

struct Peer {
  Peer(NodeNetwork& net, Random& random, std::string name, IpAddress address)
      : node(peer_config(name, address), random, tu) {
    net.add_sip_node(node);
  }
  ScriptedPeer tu;
  SipNode node;
};

struct World {
  World() {
    auto zone = dns::parse_zone(kZone, "test.zone", "domain.ru.");
    EXPECT_TRUE(zone.zone);
    authority.add_zone(std::move(*zone.zone));
    net.add_dns_server("dns", kDns, authority);
    net.set_default_latency(10ms);
  }
  dns::Authority authority;
  NodeNetwork net;
  SeededRandom random{7};
};

inline UaConfig ivan_config() {
  UaConfig c;
  c.aor = "sip:ivan@domain.ru";
  c.password = "secret";
  return c;
}

inline UaConfig peter_config() {
  UaConfig c;
  c.aor = "sip:peter@example.org";
  return c;
}

// TuTrace events of `kind` a node emitted, each as "field=value ..." text.
inline std::vector<std::string> tu_traces(NodeNetwork& net, const std::string& node, std::string_view kind) {
  std::vector<std::string> out;
  for (const auto& t : net.traces(node)) {
    const auto* tu = std::get_if<TuTrace>(&t);
    if (!tu || tu->kind != kind) continue;
    std::string line;
    for (const auto& [name, value] : tu->fields) {
      if (!line.empty()) line += ' ';
      line += name + "=";
      std::visit(
          [&line](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::string>) line += v;
            else if constexpr (std::is_same_v<V, bool>) line += v ? "true" : "false";
            else line += std::to_string(v);
          },
          value);
    }
    out.push_back(line);
  }
  return out;
}

// Instants (since start) of the SIP packets `from` sent with `label`.
inline std::vector<Instant> send_times(const NodeNetwork& net, const std::string& from, const std::string& label) {
  std::vector<Instant> out;
  for (const auto& p : net.packets())
    if (!p.dns && p.from_node == from && p.label() == label) out.push_back(p.sent_at);
  return out;
}

inline Message parsed(const testing::NodePacket& p) {
  auto m = parse_message(p.bytes);
  EXPECT_TRUE(m.ok());
  return m.ok() ? std::move(m.value()) : Message{};
}

// SIP messages `from` sent with `label`, parsed.
inline std::vector<Message> sent(const NodeNetwork& net, const std::string& from, const std::string& label) {
  std::vector<Message> out;
  for (const auto& p : net.packets())
    if (!p.dns && p.from_node == from && p.label() == label) out.push_back(parsed(p));
  return out;
}

}  // namespace siplab::sip::ua_test
