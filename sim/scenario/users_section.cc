// users: AORs, passwords, devices and outbound proxies.
#include <fmt/format.h>

#include "sim/scenario/sections.h"

namespace siplab::scenario {
namespace {

std::optional<DeviceSpec> read_device(LoadContext& c, const YAML::Node& v, const UserSpec& user) {
  YamlReader& r = c.reader;
  DeviceSpec device;
  device.transport = c.spec.sip.transport;
  YAML::Node node_name = v;
  if (v.IsMap()) {
    r.check_keys(v, "device", {"node", "transport", "expires", "refresh_fraction"});
    if (!r.require(v, "node", "device", "the node the device runs on")) return std::nullopt;
    node_name.reset(v["node"]);
  } else if (!v.IsScalar()) {
    r.error(v, fmt::format("expected a device: a node name or {{node, transport, expires, refresh_fraction}}; got {}",
                           describe_node(v)));
    return std::nullopt;
  }
  auto node = c.node_ref(node_name, "device");
  if (!node) return std::nullopt;
  // A device binds its own SIP port; sharing the node with a proxy or a DNS
  // server would make traces ambiguous and ports collide.
  if (c.is_proxy_node(*node) || c.is_dns_node(*node)) {
    r.error(node_name, fmt::format("device '{}' of {}: the node runs a {}; a device needs a node of its own", *node,
                                   user.aor, c.is_proxy_node(*node) ? "proxy" : "dns server"));
    return std::nullopt;
  }
  for (const auto& d : user.devices)
    if (d.node == *node) {
      r.error(node_name, fmt::format("device '{}' is listed twice for {}", *node, user.aor));
      return std::nullopt;
    }
  device.node = *node;
  if (v.IsMap()) {
    if (v["transport"])
      if (auto t = r.choice(v["transport"], "transport of device", {"udp", "tcp"}))
        device.transport = *parse_transport(*t);
    if (v["expires"])
      if (auto e = r.integer(v["expires"], "expires of device (seconds)", 1, 4294967295u))
        device.expires = static_cast<uint32_t>(*e);
    if (v["refresh_fraction"])
      if (auto f = r.probability(v["refresh_fraction"], "refresh_fraction of device")) {
        if (*f <= 0.0 || *f >= 1.0)
          r.error(v["refresh_fraction"],
                  fmt::format("refresh_fraction of device: expected a value strictly between 0 and 1; got {}", *f));
        device.refresh_fraction = *f;
      }
  }
  return device;
}

}  // namespace

void read_users(LoadContext& c, const YAML::Node& users) {
  YamlReader& r = c.reader;
  if (!r.expect_list(users, "users (a list of {aor, password, devices, outbound_proxy})")) return;
  for (const auto& u : users) {
    if (!r.expect_map(u, "a user {aor, password, devices, outbound_proxy}")) continue;
    r.check_keys(u, "user", {"aor", "password", "devices", "outbound_proxy"});
    UserSpec user;
    user.source_line = r.line_of(u);
    if (!r.require(u, "aor", "user", "the address of record, e.g. sip:ivan@domain.ru")) continue;
    auto aor = r.text(u["aor"], "aor of user");
    if (!aor) continue;
    auto parts = split_sip_uri(*aor);
    if (!parts || parts->user.empty()) {
      r.error(u["aor"], fmt::format("aor of user: expected a SIP URI with a user part, e.g. sip:ivan@domain.ru; got '{}'",
                                    *aor));
      continue;
    }
    if (const UserSpec* prev = c.spec.find_user(*aor)) {
      r.error(u["aor"], fmt::format("user {} is declared twice (first on line {})", *aor, prev->source_line));
      continue;
    }
    user.aor = *aor;
    user.user = parts->user;
    user.domain = parts->host;
    if (u["password"])
      if (auto pw = r.text(u["password"], "password of user")) user.password = *pw;
    if (u["outbound_proxy"])
      if (auto op = r.text(u["outbound_proxy"], "outbound_proxy of user")) {
        if (!split_sip_uri(*op))
          r.error(u["outbound_proxy"],
                  fmt::format("outbound_proxy of user: expected a SIP URI such as sip:proxy.domain.ru; got '{}'", *op));
        else
          user.outbound_proxy = *op;
      }
    const YAML::Node devices = u["devices"];
    if (!devices || devices.IsNull() || (devices.IsSequence() && devices.size() == 0)) {
      r.error(devices ? devices : u,
              fmt::format("user {} has no devices (expected devices: a list of node names)", user.aor));
    } else if (r.expect_list(devices, "devices of user (node names or {node, transport, expires, refresh_fraction})")) {
      for (const auto& d : devices)
        if (auto device = read_device(c, d, user)) user.devices.push_back(std::move(*device));
    }
    // Keep the user even without valid devices so later references to it do
    // not add "unknown user" noise; the error above already fails the load.
    c.spec.users.push_back(std::move(user));
  }
}

}  // namespace siplab::scenario
