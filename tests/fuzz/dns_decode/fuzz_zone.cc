// libFuzzer harness for the zone-file parser: any text must parse to a zone
// or to errors with a position (also through $INCLUDE), and a parsed zone
// printed in canonical form must parse back to the same records.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "models/dns/zone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace siplab::dns;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Every $INCLUDE reads the input itself again: nesting up to the limit.
  const ZoneFileReader self = [text](const std::string&) { return std::optional<std::string>(std::string(text)); };
  ZoneParseResult first = parse_zone(text, "fuzz.zone", "f.", self);
  if (first.zone.has_value() == !first.errors.empty()) std::abort();
  for (const auto& e : first.errors)
    if (e.line < 1 || e.column < 1 || e.message.empty() || e.file.empty()) std::abort();
  if (!first.zone) return 0;
  std::string printed;
  for (const auto& rr : first.zone->records) printed += to_presentation(rr) + "\n";
  ZoneParseResult second = parse_zone(printed, "printed.zone", first.zone->origin);
  if (!second.zone) std::abort();
  if (second.zone->records != first.zone->records) std::abort();
  return 0;
}
