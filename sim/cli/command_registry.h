// Registry of `siplab` subcommands.  Each sim/cli/*_command.cc defines one
// subcommand and registers it with a static CommandRegistrar, so a new
// subcommand lands as one new file without touching main.cc.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace siplab::cli {

// Adds the subcommand to `app` and arranges for `*exit_code` to be set when it
// runs.  Called once, in name order, by main.
using CommandSetup = std::function<void(CLI::App& app, int* exit_code)>;

struct CommandEntry {
  std::string name;
  CommandSetup setup;
};

std::vector<CommandEntry>& command_registry();

struct CommandRegistrar {
  CommandRegistrar(std::string name, CommandSetup setup) {
    command_registry().push_back({std::move(name), std::move(setup)});
  }
};

// Exit codes shared by every subcommand (DESIGN.md: `siplab run`).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // the input was read, the answer is "no"
inline constexpr int kExitBadInput = 2;  // the input could not be read or is malformed

}  // namespace siplab::cli
