// `siplab report TRACE`: the RFC 6076 timing report of a trace.
#include <CLI/CLI.hpp>

#include <iostream>

#include "sim/cli/command_registry.h"
#include "sim/cli/output.h"
#include "sim/report/report.h"

namespace siplab::cli {
namespace {

struct ReportArgs {
  std::string trace, output;
  bool json = false, markdown = false;
};

int run_report(const ReportArgs& args) {
  using namespace siplab::report;
  std::string text;
  try {
    Trace trace = load_trace(args.trace);
    auto report = compute_report(trace);
    text = args.json ? report.dump(2) + "\n" : report_markdown(report);
  } catch (const TraceError& e) {
    std::cerr << "siplab report: " << e.what() << "\n";
    return kExitBadInput;
  }
  return write_output(args.output, text, "report");
}

const CommandRegistrar registrar{"report", [](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand("report", "Timing report (RFC 6076 metrics) of a trace.jsonl");
  cmd->add_option("TRACE", args->trace, "trace.jsonl written by `siplab run`")->required();
  auto* json = cmd->add_flag("--json", args->json, "print report.json");
  auto* md = cmd->add_flag("--md", args->markdown, "print report.md (the default)");
  json->excludes(md);
  cmd->add_option("-o,--output", args->output, "write to this file instead of stdout");
  cmd->callback([args, exit_code] { *exit_code = run_report(*args); });
}};

}  // namespace
}  // namespace siplab::cli
