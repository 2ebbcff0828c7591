// Name lookups shared by the section readers, and the SIP URI shape check.
#include <cctype>
#include <fmt/format.h>

#include "sim/scenario/sections.h"

namespace siplab::scenario {
namespace {

template <class Items, class NameOf>
std::string list_names(const Items& items, NameOf name_of) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += name_of(item);
  }
  return out.empty() ? std::string("none") : out;
}

}  // namespace

bool LoadContext::is_dns_node(std::string_view name) const {
  for (const auto& d : spec.dns_servers)
    if (d.node == name) return true;
  return false;
}

bool LoadContext::is_proxy_node(std::string_view name) const {
  for (const auto& p : spec.proxies)
    if (p.node == name) return true;
  return false;
}

std::optional<std::string> LoadContext::node_ref(const YAML::Node& v, std::string_view what) {
  auto name = reader.text(v, what);
  if (!name) return std::nullopt;
  if (is_node(*name)) return name;
  if (nodes_unusable) return std::nullopt;
  reader.error(v, fmt::format("{}: unknown node '{}' (declared nodes: {})", what, *name,
                              list_names(spec.topology.nodes, [](const auto& n) { return n.name; })));
  return std::nullopt;
}

const UserSpec* LoadContext::user_ref(const YAML::Node& v, std::string_view what) {
  auto aor = reader.text(v, what);
  if (!aor) return nullptr;
  if (const UserSpec* u = spec.find_user(*aor)) return u;
  reader.error(v, fmt::format("{}: unknown user '{}' (declared users: {})", what, *aor,
                              list_names(spec.users, [](const auto& u) { return u.aor; })));
  return nullptr;
}

std::optional<std::string> LoadContext::device_ref(const YAML::Node& v, const UserSpec& user, std::string_view what) {
  auto name = reader.text(v, what);
  if (!name) return std::nullopt;
  for (const auto& d : user.devices)
    if (d.node == *name) return name;
  if (user.devices.empty()) return std::nullopt;  // "has no devices" is already reported
  reader.error(v, fmt::format("{}: '{}' is not a device of {} (its devices: {})", what, *name, user.aor,
                              list_names(user.devices, [](const auto& d) { return d.node; })));
  return std::nullopt;
}

std::optional<UriParts> split_sip_uri(std::string_view uri) {
  UriParts parts;
  const size_t colon = uri.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  parts.scheme = std::string(uri.substr(0, colon));
  if (parts.scheme != "sip" && parts.scheme != "sips") return std::nullopt;
  std::string_view rest = uri.substr(colon + 1);
  // Parameters and headers (";transport=tcp", "?subject=x") follow the host.
  rest = rest.substr(0, rest.find_first_of(";?"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    parts.user = std::string(rest.substr(0, at));
    if (parts.user.empty()) return std::nullopt;
    rest = rest.substr(at + 1);
  }
  if (!rest.empty() && rest.front() == '[') {  // IPv6 reference: [2001:db8::1]:5060
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    parts.host = std::string(rest.substr(0, close + 1));
    rest = rest.substr(close + 1);
  } else {
    const size_t port_colon = rest.find(':');
    parts.host = std::string(rest.substr(0, port_colon));
    rest = port_colon == std::string_view::npos ? std::string_view() : rest.substr(port_colon);
  }
  if (parts.host.empty()) return std::nullopt;
  for (char ch : parts.host)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.' && ch != '[' && ch != ']' && ch != ':')
      return std::nullopt;
  if (!rest.empty()) {  // ":port"
    if (rest.size() < 2 || rest.size() > 6) return std::nullopt;
    for (char ch : rest.substr(1))
      if (ch < '0' || ch > '9') return std::nullopt;
  }
  return parts;
}

}  // namespace siplab::scenario
