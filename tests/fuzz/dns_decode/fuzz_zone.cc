// libFuzzer harness for the zone-file parser: any text must parse to a zone
// or to errors with a position, and a parsed zone printed in canonical form
// must parse back to the same records.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/dns/zone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace siplab::dns;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ZoneParseResult first = parse_zone(text, "fuzz.zone", "f.");
  if (first.zone.has_value() == !first.errors.empty()) std::abort();
  for (const auto& e : first.errors)
    if (e.line < 1 || e.column < 1 || e.message.empty()) std::abort();
  if (!first.zone) return 0;
  std::string printed;
  for (const auto& rr : first.zone->records) printed += to_presentation(rr) + "\n";
  ZoneParseResult second = parse_zone(printed, "printed.zone", first.zone->origin);
  if (!second.zone) std::abort();
  if (second.zone->records != first.zone->records) std::abort();
  return 0;
}
