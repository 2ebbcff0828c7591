// The default zone file check.  siplab_dns gains its zone parser
// (models/dns/zone.h) independently of this library; CMake defines
// SIPLAB_SCENARIO_ZONE_PARSER when siplab_dns compiles zone.cc, and until
// then the check is limited to "the file can be read".
#include <fstream>

#include "sim/scenario/scenario_loader.h"

#ifdef SIPLAB_SCENARIO_ZONE_PARSER
#include "models/dns/zone.h"
#endif

namespace siplab::scenario {

bool zone_parser_available() {
#ifdef SIPLAB_SCENARIO_ZONE_PARSER
  return true;
#else
  return false;
#endif
}

std::vector<Diagnostic> check_zone_file(const std::filesystem::path& zone_file) {
  std::vector<Diagnostic> out;
#ifdef SIPLAB_SCENARIO_ZONE_PARSER
  const dns::ZoneParseResult parsed = dns::load_zone_file(zone_file.string());
  for (const auto& e : parsed.errors) out.push_back({e.file, e.line, e.column, e.message});
#else
  std::ifstream in(zone_file);
  if (!in) out.push_back({zone_file.string(), 0, 0, "cannot read the zone file"});
#endif
  return out;
}

}  // namespace siplab::scenario
