// `siplab check DIR [-o OUT] [--set key=value]...`: runs every scenario in
// DIR (each in its own process: ns-3's random-stream counter survives
// Simulator::Destroy(), so a run must start from a fresh process to be a
// pure function of its seed) and prints a pass/fail table.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "sim/cli/command_registry.h"

namespace siplab::cli {
namespace {

namespace fs = std::filesystem;

struct CheckArgs {
  std::string dir;
  std::string output = "results/check";
  std::vector<std::string> sets;
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Outcome {
  int status = 2;
  std::string output;
};

Outcome run_one(const fs::path& self, const fs::path& scenario, const fs::path& out_dir,
                const std::vector<std::string>& sets) {
  std::string command = shell_quote(self.string()) + " run -q " + shell_quote(scenario.string()) + " -o " +
                        shell_quote(out_dir.string());
  for (const auto& s : sets) command += " --set " + shell_quote(s);
  command += " 2>&1";
  Outcome outcome;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    outcome.output = "cannot start " + self.string();
    return outcome;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) outcome.output.append(buf, n);
  int status = pclose(pipe);
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
  return outcome;
}

const CommandRegistrar registrar("check", [](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<CheckArgs>();
  auto* cmd = app.add_subcommand("check", "Run every scenario in a folder and print a pass/fail table");
  cmd->add_option("dir", args->dir, "Folder of scenario files (*.yaml)")->required();
  cmd->add_option("-o,--output", args->output, "Parent folder of the runs' outputs (default results/check)");
  cmd->add_option("--set", args->sets, "Override applied to every scenario: key.path=value (repeatable)");
  cmd->footer("Exit status: 0 every scenario passes, 1 one fails, 2 bad input.");
  cmd->callback([args, exit_code]() {
    std::error_code ec;
    std::vector<fs::path> scenarios;
    for (const auto& entry : fs::directory_iterator(args->dir, ec))
      if (entry.is_regular_file() && entry.path().extension() == ".yaml") scenarios.push_back(entry.path());
    if (ec || scenarios.empty()) {
      std::cerr << "siplab check: " << (ec ? ec.message() : "no *.yaml scenario") << " in " << args->dir << "\n";
      *exit_code = kExitBadInput;
      return;
    }
    std::sort(scenarios.begin(), scenarios.end());
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    size_t width = 8;
    for (const auto& s : scenarios) width = std::max(width, s.stem().string().size());
    std::cout << fmt::format("{:<{}}  {}\n", "scenario", width, "result");
    int worst = kExitOk;
    std::string details;
    for (const auto& s : scenarios) {
      Outcome o = run_one(self, s, fs::path(args->output) / s.stem(), args->sets);
      const char* verdict = o.status == 0 ? "pass" : o.status == 1 ? "FAIL" : "ERROR (bad input)";
      std::cout << fmt::format("{:<{}}  {}\n", s.stem().string(), width, verdict) << std::flush;
      if (o.status != 0) details += "\n== " + s.string() + "\n" + o.output;
      worst = std::max(worst, o.status == 0 ? kExitOk : o.status == 1 ? kExitFailed : kExitBadInput);
    }
    std::cout << details;
    // Any failing scenario fails the check; bad input is reported as such.
    *exit_code = worst;
  });
});

}  // namespace
}  // namespace siplab::cli
