// `siplab run`: one scenario, start to finish.  Loads and validates the file,
// builds the network (sim/topology) and the actors (DNS servers, proxies,
// user agents hosted by sim/runtime), plays the scenario's events, writes
// trace.jsonl, the ladders, the report, topology.dot and one pcap per
// interface into the output folder, and checks `expect:`.
//
// A run is a pure function of (scenario, overrides, seed): every random
// draw comes from seeded generators, and nothing reads the wall clock except
// the progress line, which never reaches an output file.  Run one scenario
// per process: ns-3's random-stream counter survives Simulator::Destroy().
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace siplab::runner {

struct RunOptions {
  std::filesystem::path scenario_file;
  std::optional<std::filesystem::path> output_dir;  // default results/<scenario name>/
  std::optional<uint64_t> seed;
  std::vector<std::string> overrides;  // "key.path=value"
  bool quiet = false;                  // no progress line, no summary
};

// Exit codes (DESIGN.md): 0 every expectation holds, 1 one failed (each
// printed), 2 bad input (diagnostics printed).
int run_scenario(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace siplab::runner
