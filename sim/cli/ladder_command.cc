// `siplab ladder TRACE`: render a trace as a ladder diagram.
#include <CLI/CLI.hpp>

#include <iostream>

#include "sim/cli/command_registry.h"
#include "sim/cli/output.h"
#include "sim/report/ladder.h"
#include "sim/report/time_arg.h"

namespace siplab::cli {
namespace {

struct LadderArgs {
  std::string trace;
  std::string format = "ascii";
  std::string call_id, dialog, from, to, output;
  bool no_dns = false, sip_only = false;
};

int run_ladder(const LadderArgs& args) {
  using namespace siplab::report;
  LadderOptions options;
  auto format = parse_ladder_format(args.format);
  if (!format) {
    std::cerr << "siplab ladder: unknown format \"" << args.format
              << "\" (expected ascii, svg, mermaid, plantuml or html)\n";
    return kExitBadInput;
  }
  options.format = *format;
  options.call_id = args.call_id;
  options.dialog = args.dialog;
  options.show_dns = !(args.no_dns || args.sip_only);
  for (auto [text, slot, flag] : {std::tuple{&args.from, &options.from, "--from"},
                                  std::tuple{&args.to, &options.to, "--to"}}) {
    if (text->empty()) continue;
    auto t = parse_time_arg(*text);
    if (!t) {
      std::cerr << "siplab ladder: " << flag << " \"" << *text << "\" is not a time (e.g. 5.1, 5.1s, 5100ms)\n";
      return kExitBadInput;
    }
    *slot = t;
  }
  std::string text;
  try {
    Trace trace = load_trace(args.trace);
    text = render_ladder(trace, options);
  } catch (const TraceError& e) {
    std::cerr << "siplab ladder: " << e.what() << "\n";
    return kExitBadInput;
  }
  return write_output(args.output, text, "ladder");
}

const CommandRegistrar registrar{"ladder", [](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<LadderArgs>();
  CLI::App* cmd = app.add_subcommand("ladder", "Render a trace.jsonl as a ladder diagram");
  cmd->add_option("TRACE", args->trace, "trace.jsonl written by `siplab run`")->required();
  cmd->add_option("--format", args->format, "ascii | svg | mermaid | plantuml | html (default ascii)");
  cmd->add_option("--call-id", args->call_id, "only the messages of this Call-ID");
  cmd->add_option("--dialog", args->dialog, "only this dialog: \"call-id;local-tag;remote-tag\"");
  cmd->add_option("--from", args->from, "only arrows sent at or after this time (s, or with ms/s suffix)");
  cmd->add_option("--to", args->to, "only arrows sent at or before this time");
  cmd->add_flag("--no-dns", args->no_dns, "hide DNS queries and answers");
  cmd->add_flag("--sip-only", args->sip_only, "only SIP messages");
  cmd->add_option("-o,--output", args->output, "write to this file instead of stdout");
  cmd->callback([args, exit_code] { *exit_code = run_ladder(*args); });
}};

}  // namespace
}  // namespace siplab::cli
