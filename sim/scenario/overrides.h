// `--set key.path=value`: changes to the scenario's YAML tree made before
// validation, so a sweep can vary any value without editing the file.
//
// Path components are map keys or list positions.  A list element can be
// picked by its index (`links.1.delay`) or by name: a plain element equal to
// the component, or a map whose `name`, `node` or `aor` user part equals it
// (`nodes.proxy.address`, `proxies.proxy.record_route`, `users.ivan.password`).
// A list element must exist (index in range, name found); a missing map key
// is created (validation then checks it is one the schema knows, and names
// the --set when it is not).  A plain list
// element is turned into its map form when a path goes below it
// (`nodes.proxy.address` on `nodes: [proxy]`, `devices.0.transport` on
// `devices: [ivan-mobile]`).  The value is YAML: `5ms`, `0.2`,
// `{model: random, rate: 0.2}`, `[a, b]`.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/diagnostic.h"
#include "sim/scenario/units.h"

namespace siplab::scenario {

struct Override {
  std::string path;   // "links.1.delay"
  std::string value;  // "5ms"
  std::string text() const { return path + "=" + value; }
};

// Splits "links.1.delay=5ms"; refuses a missing '=', an empty path or an
// empty path component.
Parsed<Override> parse_override(std::string_view argument);

// Remembers which tree nodes an override wrote, so a diagnostic about such a
// node names the --set that put it there.
class OverrideOrigins {
 public:
  struct Origin {
    YAML::Node node;
    std::string text;  // "links.1.delay=5ms"
    // True when the override rewrote a plain value in place, so the node's
    // line and column still point into the scenario file; false for nodes
    // the override created, whose positions are inside the --set text.
    bool file_position = false;
  };
  void add(const YAML::Node& node, const std::string& override_text, bool file_position);
  // The latest override that wrote `node`, or nullptr.
  const Origin* find(const YAML::Node& node) const;

 private:
  std::vector<Origin> entries_;
};

// Applies the overrides in order.  A bad one adds a diagnostic (in `file`,
// without position: "--set links.9.delay=5ms: ...") and changes nothing.
void apply_overrides(YAML::Node& root, std::span<const Override> overrides, const std::string& file,
                     OverrideOrigins& origins, std::vector<Diagnostic>& diagnostics);

}  // namespace siplab::scenario
