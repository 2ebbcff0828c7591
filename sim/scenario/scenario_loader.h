// Loads a scenario file into a validated ScenarioSpec (scenario_spec.h).
// Nothing runs until the whole file is known good: every problem (YAML
// syntax, unknown keys, wrong types, bad units, dangling names, zone files
// that do not parse, users without devices, overlapping events, bad --set
// paths) comes back as a Diagnostic with file:line:column.  The exit codes
// (2 on bad input) are the caller's business.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/diagnostic.h"
#include "sim/scenario/overrides.h"
#include "sim/scenario/scenario_spec.h"

namespace siplab::scenario {

// Parses one zone file and returns its problems (empty when it parses).
// The file is known to exist when this is called.
using ZoneFileChecker = std::function<std::vector<Diagnostic>(const std::filesystem::path& zone_file)>;

struct LoadOptions {
  std::vector<Override> overrides;  // --set, applied in order before validation
  std::optional<uint64_t> seed;     // --seed, wins over `seed:` and --set seed=
  // Empty: check_zone_file below.
  ZoneFileChecker zone_checker;
};

struct LoadResult {
  std::optional<ScenarioSpec> spec;  // set only when diagnostics is empty
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return spec.has_value(); }
};

// Reads `file`; diagnostics name it as given.  Zone paths are relative to
// the file's folder.
LoadResult load_scenario_file(const std::filesystem::path& file, const LoadOptions& options = {});

// Same, from text already in memory: `file_label` names it in diagnostics
// and gives the default scenario name; `base_dir` anchors zone paths.
LoadResult load_scenario_text(std::string_view yaml, const std::string& file_label,
                              const std::filesystem::path& base_dir, const LoadOptions& options = {});

// The default zone check: models/dns/zone.h load_zone_file when siplab_dns
// has the zone parser (zone_parser_available()), errors mapped one to one;
// otherwise only that the file can be read.
std::vector<Diagnostic> check_zone_file(const std::filesystem::path& zone_file);
bool zone_parser_available();

// "seed-call" for "scenarios/seed-call.yaml".
std::string scenario_name_from_path(const std::filesystem::path& file);

}  // namespace siplab::scenario
