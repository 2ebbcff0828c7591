// RDATA fields of one zone-file entry, per type (RFC 1035 §3.3 and §5,
// RFC 3596 §2.4, RFC 2782, RFC 3403 §4.1).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/dns/records.h"
#include "models/dns/zone_lexer.h"

namespace siplab::dns {

// "3600", "1h", "1d12h", "2w" (BIND's units s/m/h/d/w, any case); nullopt
// when malformed or above 2^32-1.
std::optional<uint64_t> parse_duration(std::string_view text);

// Resolves \X and \DDD escapes of a <character-string>; nullopt on a bad
// escape.
std::optional<std::string> unescape_string(std::string_view text);

class RdataParser {
 public:
  using NameResolver = std::function<std::optional<std::string>(const ZoneToken&)>;

  RdataParser(const std::vector<ZoneToken>& tokens, size_t first, int end_line, int end_column, NameResolver resolve)
      : tokens_(tokens), next_(first), end_line_(end_line), end_column_(end_column), resolve_(std::move(resolve)) {}

  // The rdata, or nullopt with error/error_line/error_column set.  A name
  // the resolver rejects has already been reported by it: error stays empty.
  std::optional<RData> parse(RrType type);

  std::string error;
  int error_line = 0;
  int error_column = 0;

 private:
  const ZoneToken* take(const char* what);
  // A field that is no <character-string>: a quoted token is an error.
  const ZoneToken* take_unquoted(const char* what);
  bool fail(const ZoneToken& at, std::string message);
  std::optional<uint16_t> u16(const char* what);
  std::optional<uint32_t> u32(const char* what, bool allow_units);
  std::optional<std::string> name(const char* what);
  std::optional<std::string> character_string(const char* what);
  bool at_end() const { return next_ >= tokens_.size(); }

  const std::vector<ZoneToken>& tokens_;
  size_t next_;
  int end_line_;
  int end_column_;
  NameResolver resolve_;
  bool resolver_failed_ = false;

 public:
  bool resolver_failed() const { return resolver_failed_; }
};

}  // namespace siplab::dns
