#include "sim/scenario/scenario_loader.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "sim/scenario/sections.h"

namespace siplab::scenario {
namespace {



bool valid_scenario_name(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') return false;
  return name != "." && name != "..";
}

// Nodes that run SIP (user devices and proxies) resolve names; those without
// a `resolvers:` entry ask every dns server, in the order `dns:` lists them.
void add_default_resolvers(ScenarioSpec& spec) {
  ResolverSpec defaults;
  for (const auto& d : spec.dns_servers) defaults.servers.push_back(d.node);
  auto ensure = [&](const std::string& node) {
    if (node.empty() || spec.resolver_for(node)) return;
    ResolverSpec r = defaults;
    r.node = node;
    spec.resolvers.push_back(std::move(r));
  };
  for (const auto& p : spec.proxies) ensure(p.node);
  for (const auto& u : spec.users)
    for (const auto& d : u.devices) ensure(d.node);
}

void read_scenario(LoadContext& c, const YAML::Node& root, const std::string& file_label) {
  YamlReader& r = c.reader;
  ScenarioSpec& spec = c.spec;
  r.check_keys(root, "scenario",
               {"name", "seed", "stop", "ipv6", "sip", "nodes", "links", "dns", "resolvers", "proxies", "users", "events",
                "expect"});
  spec.name = scenario_name_from_path(file_label);
  if (root["name"])
    if (auto name = r.text(root["name"], "name")) {
      if (!valid_scenario_name(*name))
        r.error(root["name"], fmt::format("name: expected letters, digits, '-', '_' or '.' (it names the results "
                                          "folder); got '{}'",
                                          *name));
      spec.name = *name;
    }
  if (root["seed"])
    if (auto seed = r.integer(root["seed"], "seed", 0, UINT64_MAX)) spec.seed = *seed;
  if (root["stop"])
    if (auto stop = r.duration(root["stop"], "stop")) {
      if (stop->count() == 0) r.error(root["stop"], "stop: expected more than 0s");
      spec.stop = *stop;
    }
  if (root["sip"]) read_sip(c, root["sip"]);
  read_topology(c, root);
  if (root["dns"]) read_dns(c, root["dns"]);
  if (root["proxies"]) read_proxies(c, root["proxies"]);
  if (root["users"]) read_users(c, root["users"]);
  if (root["resolvers"]) read_resolvers(c, root["resolvers"]);
  add_default_resolvers(spec);
  if (root["events"]) read_events(c, root["events"]);
  if (root["expect"]) read_expectations(c, root["expect"]);
}

}  // namespace

std::string scenario_name_from_path(const std::filesystem::path& file) {
  std::filesystem::path name = file.filename();
  if (name.extension() == ".yaml" || name.extension() == ".yml") name.replace_extension();
  return name.string();
}

LoadResult load_scenario_text(std::string_view yaml, const std::string& file_label,
                              const std::filesystem::path& base_dir, const LoadOptions& options) {
  LoadResult result;
  YAML::Node root;
  try {
    root.reset(YAML::Load(std::string(yaml)));
  } catch (const YAML::DeepRecursion& e) {
    // (yaml-cpp's own text for this is "bad file".)
    result.diagnostics.push_back({file_label, e.mark.line + 1, e.mark.column + 1,
                                  fmt::format("YAML syntax: nested {} levels deep, more than the reader allows",
                                              e.depth())});
    return result;
  } catch (const YAML::ParserException& e) {
    // yaml-cpp marks are 0-based.
    result.diagnostics.push_back({file_label, e.mark.line + 1, e.mark.column + 1, "YAML syntax: " + e.msg});
    return result;
  }
  if (!root.IsMap()) {
    result.diagnostics.push_back(
        {file_label, root.IsDefined() && root.Mark().line >= 0 ? root.Mark().line + 1 : 0,
         root.IsDefined() && root.Mark().column >= 0 ? root.Mark().column + 1 : 0,
         fmt::format("expected the scenario as a map (name, seed, stop, nodes, ...); got {}", describe_node(root))});
    return result;
  }
  OverrideOrigins origins;
  apply_overrides(root, options.overrides, file_label, origins, result.diagnostics);

  ScenarioSpec spec;
  spec.source_file = file_label;
  YamlReader reader(file_label, origins, result.diagnostics);
  const ZoneFileChecker checker = options.zone_checker ? options.zone_checker : ZoneFileChecker(check_zone_file);
  LoadContext context{reader, spec, base_dir, checker};
  try {
    read_scenario(context, root, file_label);
  } catch (const YAML::Exception& e) {
    // The readers only use checked accessors; this guards against a yaml-cpp
    // surprise turning into a crash.
    result.diagnostics.push_back({file_label, e.mark.line + 1, e.mark.column + 1, "internal YAML error: " + e.msg});
  }
  if (options.seed) spec.seed = *options.seed;
  if (result.diagnostics.empty()) result.spec = std::move(spec);
  return result;
}

LoadResult load_scenario_file(const std::filesystem::path& file, const LoadOptions& options) {
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) {
    LoadResult result;
    result.diagnostics.push_back({file.string(), 0, 0, "is a folder, not a scenario file (siplab check runs a folder)"});
    return result;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.diagnostics.push_back({file.string(), 0, 0, "cannot read the scenario file"});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  LoadResult result = load_scenario_text(text.str(), file.string(), file.parent_path(), options);
  if (result.spec) result.spec->source_file = file;
  return result;
}

}  // namespace siplab::scenario
