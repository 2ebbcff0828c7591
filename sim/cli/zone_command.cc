// `siplab zone check FILE`: parse a zone file (RFC 1035 §5) and print its
// records in canonical form (exit 0), its errors as file:line:col (exit 1),
// or why it cannot be read (exit 2).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "models/dns/zone_check.h"
#include "sim/cli/command_registry.h"

namespace {

const siplab::cli::CommandRegistrar kZoneCommand{
    "zone", [](CLI::App& app, int* exit_code) {
      CLI::App* zone = app.add_subcommand("zone", "Work with DNS zone files");
      zone->require_subcommand(1);
      CLI::App* check = zone->add_subcommand("check", "Parse a zone file; print its records or its errors");
      auto path = std::make_shared<std::string>();
      check->add_option("FILE", *path, "zone file; the default origin is its name minus .zone")->required();
      check->callback([path, exit_code] { *exit_code = siplab::dns::check_zone_file(*path, std::cout, std::cerr); });
    }};

}  // namespace
