// Zone files: RFC 1035 §5 master file format with $ORIGIN, $INCLUDE and
// $TTL (RFC 2308 §4), for the record types in records.h.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/dns/records.h"

namespace siplab::dns {

struct ZoneError {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in octets
  std::string message;

  friend bool operator==(const ZoneError&, const ZoneError&) = default;
};

struct Zone {
  std::string origin;  // the apex, absolute ("domain.ru.")
  std::vector<ResourceRecord> records;  // in file order
};

// `zone` is set only when `errors` is empty.
struct ZoneParseResult {
  std::optional<Zone> zone;
  std::vector<ZoneError> errors;
};

// What a ZoneFileReader gives: the text, or nullopt and, if known, why it
// could not be read ("" for the plain "cannot read").  Converts from a bare
// optional text.
struct ZoneFileText {
  ZoneFileText(std::optional<std::string> text = std::nullopt, std::string error = {})
      : text(std::move(text)), error(std::move(error)) {}
  std::optional<std::string> text;
  std::string error;
};

// How $INCLUDE gets a file's text.
using ZoneFileReader = std::function<ZoneFileText(const std::string& path)>;

// The most a zone file, or a file it includes, may hold: far above any zone
// a simulation needs, far below what would exhaust memory (an $INCLUDE of
// /dev/zero, say).
inline constexpr size_t kMaxZoneFileSize = size_t{4} << 20;

// Parses master-file text.  `default_origin` (absolute or not; "" for none)
// is the initial $ORIGIN and the zone apex, which must own the zone's one
// SOA; without it the apex is the SOA's owner.  `read_include` serves
// $INCLUDE (without it the directive is an error); a relative path is taken
// from the directory of the file that includes it.
ZoneParseResult parse_zone(std::string_view text, std::string_view file_name, std::string_view default_origin = "",
                           const ZoneFileReader& read_include = {});

// Reads and parses a file, and the files it includes; the default origin is
// the file name minus its directory and ".zone" ("scenarios/domain.ru.zone"
// → "domain.ru.").  An unreadable file, or one over kMaxZoneFileSize, gives
// one ZoneError at line 0, column 0.
ZoneParseResult load_zone_file(const std::string& path);

// "file:line:col: error: message"
std::string format_error(const ZoneError& error);

}  // namespace siplab::dns
