#include "models/dns/zone_check.h"

#include "models/dns/zone.h"

namespace siplab::dns {

int check_zone_file(const std::string& path, std::ostream& out, std::ostream& err) {
  ZoneParseResult result = load_zone_file(path);
  if (result.zone) {
    for (const auto& rr : result.zone->records) out << to_presentation(rr) << '\n';
    return 0;
  }
  // load_zone_file reports an unreadable file as its only error, at line 0.
  if (result.errors.size() == 1 && result.errors.front().line == 0) {
    err << path << ": error: " << result.errors.front().message << '\n';
    return 2;
  }
  for (const auto& e : result.errors) err << format_error(e) << '\n';
  return 1;
}

}  // namespace siplab::dns
