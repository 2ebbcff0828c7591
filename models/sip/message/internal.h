// Helpers shared by the URI, name-addr, header and message parsers.
// Internal to the message layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "models/sip/message/expected.h"
#include "models/sip/message/param.h"
#include "models/sip/message/syntax.h"
#include "models/sip/message/uri.h"

namespace siplab::sip {
struct NameAddrView;
struct ViaView;
struct MediaTypeView;
struct CSeqView;
}  // namespace siplab::sip

namespace siplab::sip::internal {

// host (hostname / IPv4address / IPv6reference, §25.1) followed by an
// optional ":port".  IPv6 is returned without brackets.  On failure returns
// the error with the offset within `text`.
struct HostPort {
  std::string_view host;
  HostKind kind = HostKind::Name;
  std::optional<uint16_t> port;
};
Expected<HostPort> parse_hostport(std::string_view text);
// Classifies a bare host (no port); nullopt when it is not a valid host.
std::optional<HostKind> classify_host(std::string_view host);

// Extra per-parameter rule (e.g. Via received must be an address):
// returns the error reason or nullptr.
using ParamCheck = const char* (*)(std::string_view name, std::optional<std::string_view> value);

// Header parameters: *( SWS ";" SWS token [ SWS "=" SWS (token / host /
// quoted-string) ] ) from s[i] to the end; checks syntax only (a ParamsView
// over s.substr(i) walks the checked text).
std::optional<ParseError> parse_header_params(std::string_view s, std::size_t i, ParamCheck check = nullptr);

// The URI / name-addr / Via parsers fill zero-copy views into `text`;
// out == nullptr checks syntax only.
std::optional<ParseError> parse_uri_into(std::string_view text, UriView* out);
std::optional<ParseError> parse_name_addr_into(std::string_view text, NameAddrView* out);
std::optional<ParseError> parse_via_into(std::string_view value, ViaView* out);
std::optional<ParseError> parse_media_type_into(std::string_view value, MediaTypeView* out);
std::optional<ParseError> parse_cseq_into(std::string_view value, CSeqView* out);
// A Contact "expires" parameter value: 1*DIGIT up to 2^32-1, else nullopt.
std::optional<uint32_t> parse_delta_seconds(std::optional<std::string_view> value);

// Calls fn(item) for each element of a comma list (§7.3.1): commas inside
// quotes and <> do not split; items are trimmed; empty items included.
template <typename Fn>
auto for_each_list_item(std::string_view value, Fn&& fn) -> decltype(fn(value)) {
  using syntax::trim;
  std::size_t start = 0;
  int angle = 0;
  // Most rows hold one value: without a comma there is nothing to split.
  if (syntax::find_byte(value, 0, ',') == std::string_view::npos) return fn(trim(value));
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '"') {
      ++i;
      while (i < value.size() && value[i] != '"') i += value[i] == '\\' ? 2 : 1;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>') {
      if (angle > 0) --angle;
    } else if (c == ',' && angle == 0) {
      if (auto r = fn(trim(value.substr(start, i - start)))) return r;
      start = i + 1;
    }
  }
  return fn(trim(value.substr(start < value.size() ? start : value.size())));
}

void append_host(std::string& out, std::string_view host, HostKind kind);

// The splitting split_list() does (§7.3.1: commas outside quoted strings
// and <> separate values; an unterminated or invalid quoted string ends
// the scan and leaves the rest as the last value), calling fn(value) for
// each trimmed value instead of building a vector.  Typed accessors walk
// list headers with it so reading a Via list allocates only the result.
template <typename Fn>
void for_each_split_value(std::string_view value, Fn&& fn) {
  if (syntax::find_byte(value, 0, ',') == std::string_view::npos) return fn(syntax::trim(value));
  std::size_t start = 0;
  int angle = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '"') {
      std::size_t end = syntax::scan_quoted(value, i);
      if (end == std::string_view::npos) break;  // the element parser reports it
      i = end - 1;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>') {
      if (angle > 0) --angle;
    } else if (c == ',' && angle == 0) {
      fn(syntax::trim(value.substr(start, i - start)));
      start = i + 1;
    }
  }
  fn(syntax::trim(value.substr(start)));
}

}  // namespace siplab::sip::internal
