// Typed, position-aware reads from a yaml-cpp tree.  Every failed read adds
// a Diagnostic at the offending node ("file:line:col: error: ...") and
// returns nullopt, so a section reader can carry on and report every
// problem in one pass.  Used by the section readers; not a public API.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/common/time.h"
#include "sim/scenario/diagnostic.h"
#include "sim/scenario/overrides.h"

namespace siplab::scenario {

class YamlReader {
 public:
  YamlReader(std::string file, const OverrideOrigins& origins, std::vector<Diagnostic>& out)
      : file_(std::move(file)), origins_(origins), out_(out) {}

  // Adds a diagnostic at `at` (its line and column; none when `at` has no
  // position).  When an override wrote `at`, the message names the --set.
  void error(const YAML::Node& at, const std::string& message);
  // Adds a diagnostic about another file (a zone file's own errors).
  void add(Diagnostic d) { out_.push_back(std::move(d)); }
  // 1-based line of `at`, 0 when unknown.
  int line_of(const YAML::Node& at) const;
  size_t error_count() const { return out_.size(); }

  // Type checks: report "expected <what>; got <kind>" on mismatch.
  bool expect_map(const YAML::Node& n, std::string_view what);
  bool expect_list(const YAML::Node& n, std::string_view what);

  // Reports every key of `map` not in `allowed` (at the key), and keys given
  // twice.  `what` names the map ("link").
  void check_keys(const YAML::Node& map, std::string_view what, std::initializer_list<std::string_view> allowed);
  // Reports a required key that is absent (at the map); true when present.
  bool require(const YAML::Node& map, std::string_view key, std::string_view what, std::string_view expected);

  // Scalar reads.  `what` names the value for messages ("delay of link").
  std::optional<std::string> text(const YAML::Node& v, std::string_view what);
  std::optional<Duration> duration(const YAML::Node& v, std::string_view what);
  std::optional<uint64_t> rate(const YAML::Node& v, std::string_view what);
  std::optional<double> probability(const YAML::Node& v, std::string_view what);
  std::optional<uint64_t> integer(const YAML::Node& v, std::string_view what, uint64_t min, uint64_t max);
  std::optional<bool> boolean(const YAML::Node& v, std::string_view what);
  // One of `choices`, compared exactly.
  std::optional<std::string> choice(const YAML::Node& v, std::string_view what,
                                    std::initializer_list<std::string_view> choices);

  // The key node for `key` in `map` (for errors about a key), or `map`.
  YAML::Node key_node(const YAML::Node& map, std::string_view key) const;

 private:
  std::optional<std::string> scalar(const YAML::Node& v, std::string_view what, std::string_view expected);

  std::string file_;
  const OverrideOrigins& origins_;
  std::vector<Diagnostic>& out_;
};

// "a list", "a map", "nothing", "'text'" — what a node actually is.
std::string describe_node(const YAML::Node& n);

}  // namespace siplab::scenario
