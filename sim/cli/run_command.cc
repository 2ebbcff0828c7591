// `siplab run SCENARIO [-o DIR] [--seed N] [--set key=value]... [--quiet]`
#include <CLI/CLI.hpp>

#include <iostream>

#include "sim/cli/command_registry.h"
#include "sim/runner/run.h"

namespace siplab::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::string output;
  uint64_t seed = 0;
  std::vector<std::string> sets;
  bool quiet = false;
};

const CommandRegistrar registrar("run", [](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a scenario: trace, ladders, report, pcaps; check its expectations");
  cmd->add_option("scenario", args->scenario, "Scenario file (YAML)")->required();
  cmd->add_option("-o,--output", args->output, "Output folder (default results/<scenario name>/)");
  auto* seed = cmd->add_option("--seed", args->seed, "Seed (overrides the scenario's seed:)");
  cmd->add_option("--set", args->sets, "Override a value: key.path=value (repeatable)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line and no summary");
  cmd->footer("Exit status: 0 every expectation holds, 1 one failed, 2 bad input.");
  cmd->callback([args, seed, exit_code]() {
    runner::RunOptions options;
    options.scenario_file = args->scenario;
    if (!args->output.empty()) options.output_dir = args->output;
    if (seed->count()) options.seed = args->seed;
    options.overrides = args->sets;
    options.quiet = args->quiet;
    *exit_code = runner::run_scenario(options, std::cout, std::cerr);
  });
});

}  // namespace
}  // namespace siplab::cli
