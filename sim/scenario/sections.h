// The section readers the loader runs in order (topology, sip, dns,
// proxies, users, resolvers, events, expect).  Each reads its part of the
// tree into the spec and reports problems through the shared reader; later
// sections look names up in what earlier ones filled.  Internal to the loader.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_spec.h"
#include "sim/scenario/yaml_reader.h"

namespace siplab::scenario {

struct LoadContext {
  YamlReader& reader;
  ScenarioSpec& spec;
  std::filesystem::path base_dir;
  const ZoneFileChecker& zone_checker;
  // Set when `nodes:` is not a list: node references are then not checked,
  // so one broken section does not report every name in the file.
  bool nodes_unusable = false;
  // Call events in the file, valid or not (calls are numbered by position).
  int call_events_in_file = 0;

  bool is_node(std::string_view name) const { return spec.find_node(name) != nullptr; }
  bool is_dns_node(std::string_view name) const;
  bool is_proxy_node(std::string_view name) const;

  // Reads a node name and checks it is declared under `nodes:`.
  std::optional<std::string> node_ref(const YAML::Node& v, std::string_view what);
  // Reads an AOR and checks it is a declared user.
  const UserSpec* user_ref(const YAML::Node& v, std::string_view what);
  // Reads a device node name and checks it is one of `user`'s devices.
  std::optional<std::string> device_ref(const YAML::Node& v, const UserSpec& user, std::string_view what);
};

// The parts of a SIP URI the loader checks (RFC 3261 §19.1.1): scheme sip or
// sips, optional user before '@', a host, optional ";params" kept in host.
struct UriParts {
  std::string scheme;
  std::string user;
  std::string host;  // without port and parameters
};
std::optional<UriParts> split_sip_uri(std::string_view uri);

void read_topology(LoadContext& c, const YAML::Node& root);
void read_sip(LoadContext& c, const YAML::Node& sip);
void read_dns(LoadContext& c, const YAML::Node& dns);
void read_proxies(LoadContext& c, const YAML::Node& proxies);
void read_users(LoadContext& c, const YAML::Node& users);
void read_resolvers(LoadContext& c, const YAML::Node& resolvers);
void read_events(LoadContext& c, const YAML::Node& events);
void read_expectations(LoadContext& c, const YAML::Node& expect);

}  // namespace siplab::scenario
