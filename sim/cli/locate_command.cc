// `siplab locate URI [--zone FILE]... [--transports udp,tcp,tls] [--seed N]
// [--ipv6] [--explain]`: RFC 3263 server location of a SIP/SIPS URI against
// the given zone files (served in-process through the stub resolver and the
// DNS wire codec).  Prints the ordered failover list, one target a line:
//
//   <transport> <host> <port> <address>
//
// transport: udp|tcp|tls|sctp; host: the name the address belongs to, no
// trailing dot (the IP itself for a numeric URI); port: decimal; address:
// dotted quad or RFC 5952 IPv6 text.  Exit 0 with at least one target; 1 when
// no target exists (the reason, e.g. which lookup said NXDOMAIN, on stderr);
// 2 on bad input (bad URI, unknown transport, zone errors as file:line:col).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "models/dns/authority.h"
#include "models/dns/zone.h"
#include "models/sip/locate/local_locate.h"
#include "models/sip/locate/uri_request.h"
#include "models/sip/message/uri.h"
#include "sim/cli/command_registry.h"

namespace {

using namespace siplab;
using namespace siplab::sip::locate;

struct LocateOptions {
  std::string uri;
  std::vector<std::string> zones;
  std::string transports = "udp,tcp";  // RFC 3261 §18: every element implements UDP and TCP
  uint64_t seed = 1;
  bool ipv6 = false;
  bool explain = false;
};

int run_locate(const LocateOptions& options) {
  auto parsed = sip::parse_uri(options.uri);
  if (!parsed) {
    std::cerr << "siplab locate: bad URI \"" << options.uri << "\" at offset " << parsed.error().offset << ": "
              << parsed.error().reason << "\n";
    return cli::kExitBadInput;
  }
  std::string error;
  auto request = to_locate_request(*parsed, &error);
  if (!request) {
    std::cerr << "siplab locate: " << error << "\n";
    return cli::kExitBadInput;
  }

  LocatorConfig config;
  config.transports = TransportSet{};
  config.ipv6 = options.ipv6;
  size_t start = 0;
  while (start <= options.transports.size()) {
    size_t comma = options.transports.find(',', start);
    if (comma == std::string::npos) comma = options.transports.size();
    const std::string token = options.transports.substr(start, comma - start);
    auto transport = parse_transport(token);
    if (!transport) {
      std::cerr << "siplab locate: unknown transport \"" << token << "\" in --transports (udp, tcp, tls, sctp)\n";
      return cli::kExitBadInput;
    }
    config.transports.add(*transport);
    start = comma + 1;
  }

  dns::Authority authority;
  bool zone_errors = false;
  for (const auto& path : options.zones) {
    auto zone = dns::load_zone_file(path);
    for (const auto& e : zone.errors) std::cerr << dns::format_error(e) << "\n";
    zone_errors = zone_errors || !zone.errors.empty() || !zone.zone;
    if (zone.zone) authority.add_zone(std::move(*zone.zone));
  }
  if (zone_errors) return cli::kExitBadInput;

  SeededRandom random(options.seed);
  const LocalLocateResult result = locate_with_authority(*request, config, authority, random);
  if (options.explain) {
    for (const auto& step : result.steps) std::cerr << "# " << step << "\n";
  }
  if (result.state != LocateState::Done || result.targets.empty()) {
    std::cerr << "siplab locate: no target for " << options.uri << ": " << result.failure_reason << "\n";
    return cli::kExitFailed;
  }
  for (const auto& target : result.targets) std::cout << format_target(target) << "\n";
  return cli::kExitOk;
}

const cli::CommandRegistrar kLocateCommand{
    "locate", [](CLI::App& app, int* exit_code) {
      auto options = std::make_shared<LocateOptions>();
      CLI::App* cmd = app.add_subcommand(
          "locate",
          "RFC 3263: where to send a request for a SIP/SIPS URI.\n"
          "Prints the ordered failover list, one target a line:\n"
          "  <transport> <host> <port> <address>\n"
          "transport udp|tcp|tls|sctp; host without trailing dot (the IP for a numeric URI);\n"
          "address dotted quad or RFC 5952 IPv6.  Exit 0 with targets, 1 when none exists\n"
          "(reason on stderr), 2 on bad input (zone errors as file:line:col).");
      cmd->add_option("URI", options->uri, "sip: or sips: URI, e.g. sip:ivan@domain.ru")->required();
      cmd->add_option("--zone", options->zones, "zone file served by the in-process DNS (repeatable)");
      cmd->add_option("--transports", options->transports,
                      "transports the client supports, comma separated (default udp,tcp)");
      cmd->add_option("--seed", options->seed, "seed for SRV weight choices and DNS ids (default 1)");
      cmd->add_flag("--ipv6", options->ipv6, "also look up AAAA records (listed before A)");
      cmd->add_flag("--explain", options->explain, "print each lookup step to stderr");
      cmd->callback([options, exit_code] { *exit_code = run_locate(*options); });
    }};

}  // namespace
