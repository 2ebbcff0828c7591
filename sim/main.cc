// The `siplab` command: a CLI11 front end whose subcommands live in
// sim/cli/*_command.cc and register themselves (see command_registry.h).
#include <CLI/CLI.hpp>

#include <algorithm>

#include "sim/cli/command_registry.h"

namespace siplab::cli {
std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> registry;
  return registry;
}
}  // namespace siplab::cli

int main(int argc, char** argv) {
  using namespace siplab::cli;
  CLI::App app{"siplab: SIP network simulator and protocol conformance lab"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "siplab 0.1.0");
  int exit_code = kExitOk;
  auto& entries = command_registry();
  std::sort(entries.begin(), entries.end(),
            [](const CommandEntry& a, const CommandEntry& b) { return a.name < b.name; });
  for (auto& entry : entries) entry.setup(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Unknown options and bad arguments are bad input: exit 2 after CLI11's message.
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitBadInput;
  }
  return exit_code;
}
