// Helpers shared by the URI, name-addr, header and message parsers.
// Internal to the message layer.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "models/sip/message/expected.h"
#include "models/sip/message/header_names.h"
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

// The known header names by a perfect hash of (first eight bytes
// case-folded, length, last byte case-folded), for header_id_padded() and
// the message parser's header loop, which inlines the lookup (it runs for
// every row).  Built and checked collision-free in header_names.cc.
struct HeaderNameHash {
  static constexpr std::size_t kMaxLength = 24;  // longer names are never known ones
  static constexpr unsigned kBits = 8;
  static constexpr uint64_t kMultiplier = 0xab04c157aa9eea3dull;  // searched offline
  static constexpr std::size_t kIds = static_cast<std::size_t>(HeaderId::kCount);
  std::array<HeaderId, 1u << kBits> slot{};                  // Other: no name hashes here
  std::array<uint8_t, kIds> length{};                         // long-name length by id
  std::array<std::array<char, kMaxLength>, kIds> lower{};     // long name lowercased, zero-padded
  std::array<HeaderId, 26> compact{};                          // by letter
};
extern const HeaderNameHash kHeaderNameHash;

constexpr uint64_t header_name_key(uint64_t first8_folded, std::size_t length, unsigned char last_folded) {
  return first8_folded + (static_cast<uint64_t>(length) << 1) + (static_cast<uint64_t>(last_folded) << 9);
}
constexpr std::size_t header_name_slot(uint64_t key) {
  return static_cast<std::size_t>((key * HeaderNameHash::kMultiplier) >> (64 - HeaderNameHash::kBits));
}

// header_id_padded(name), inline: up to 7 bytes past the end of `name`
// are read, so they must be readable (the parser's buffer has slack).
// A match is exact for names of token bytes (OR-ing 0x20 maps only A-Z
// onto the letters, digits and "-" of the long names; of other bytes only
// CR lands on "-" and 0x10-0x19 on digits, which no long name holds).
[[gnu::always_inline]] inline HeaderId header_id_hashed(std::string_view name) {
  static_assert(std::endian::native == std::endian::little, "the key keeps the low bytes of a word");
  const HeaderNameHash& t = kHeaderNameHash;
  const std::size_t n = name.size();
  if (n <= 1) {
    if (n == 0) return HeaderId::Other;
    const char c = static_cast<char>(name[0] | 0x20);  // only A-Z, a-z land in a-z
    return c >= 'a' && c <= 'z' ? t.compact[static_cast<std::size_t>(c - 'a')] : HeaderId::Other;
  }
  if (n >= HeaderNameHash::kMaxLength) return HeaderId::Other;
  constexpr uint64_t kCase = 0x2020202020202020ull;
  // The first min(n, 8) bytes, by a mask per length (no variable shift).
  static constexpr uint64_t kKeep[9] = {0,
                                        0xFFull,
                                        0xFFFFull,
                                        0xFFFFFFull,
                                        0xFFFFFFFFull,
                                        0xFFFFFFFFFFull,
                                        0xFFFFFFFFFFFFull,
                                        0xFFFFFFFFFFFFFFull,
                                        ~0ull};
  uint64_t w;
  std::memcpy(&w, name.data(), 8);
  w = (w | kCase) & kKeep[n < 8 ? n : 8];
  const HeaderId id = t.slot[header_name_slot(header_name_key(w, n, static_cast<unsigned char>(name[n - 1] | 0x20)))];
  const auto k = static_cast<std::size_t>(id);
  // (Other has length 0, and n >= 2 here.)
  if (t.length[k] != n) return HeaderId::Other;
  // The hash narrows to one candidate: confirm it word by word.  The first
  // word is `w`, already folded and, for a name shorter than 8, cut to its
  // length as the zero-padded lowercase name is.
  const char* lower = t.lower[k].data();
  uint64_t x, y;
  std::memcpy(&y, lower, 8);
  if (w != y) return HeaderId::Other;
  if (n <= 8) return id;
  std::size_t i = 8;
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&x, name.data() + i, 8);
    std::memcpy(&y, lower + i, 8);
    if ((x | kCase) != y) return HeaderId::Other;
  }
  if (i == n) return id;
  std::memcpy(&x, name.data() + i, 8);
  std::memcpy(&y, lower + i, 8);
  const uint64_t used = (1ull << (8 * (n - i))) - 1;
  return (((x | kCase) ^ y) & used) == 0 ? id : HeaderId::Other;
}

// Whether `name` equals `lower` ASCII case-insensitively, where `lower` is
// a literal of 2 to 8 lowercase letters (a parameter name the parser
// knows): a word compare of the bytes OR 0x20, which is exact because
// OR-ing 0x20 lands on a lowercase letter only from that letter or its
// uppercase form.  Two overlapping loads of `name`, never a byte outside it.
template <std::size_t N>
[[gnu::always_inline]] inline bool iequals_letters(std::string_view name, const char (&lower_literal)[N]) {
  constexpr std::size_t n = N - 1;
  static_assert(n >= 2 && n <= 8, "two overlapping words cover 2 to 8 bytes");
  const std::string_view lower(lower_literal, n);
  if (name.size() != n) return false;
  if constexpr (n >= 4) {
    uint32_t a, b, x, y;
    std::memcpy(&a, name.data(), 4);
    std::memcpy(&b, name.data() + n - 4, 4);
    std::memcpy(&x, lower.data(), 4);
    std::memcpy(&y, lower.data() + n - 4, 4);
    return ((a | 0x20202020u) ^ x) == 0 && ((b | 0x20202020u) ^ y) == 0;
  } else {
    uint16_t a, b, x, y;
    std::memcpy(&a, name.data(), 2);
    std::memcpy(&b, name.data() + n - 2, 2);
    std::memcpy(&x, lower.data(), 2);
    std::memcpy(&y, lower.data() + n - 2, 2);
    return static_cast<uint16_t>(a | 0x2020u) == x && static_cast<uint16_t>(b | 0x2020u) == y;
  }
}

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
// The common Via / URI host in one SSE2 pass: when the bytes of s from
// `from` on that are alphanum / "-" / "." form a hostname whose toplabel
// starts with a letter (so classify_host() says Name), the index just past
// them; npos when that is not so or not decidable in 64 bytes (callers
// then take the general path, which gives the verdict and the error).
std::size_t hostname_run(std::string_view s, std::size_t from);

// Extra per-parameter rule (e.g. Via received must be an address):
// returns the error reason or nullptr.
using ParamCheck = const char* (*)(std::string_view name, std::optional<std::string_view> value);

// Header parameters: *( SWS ";" SWS token [ SWS "=" SWS (token / host /
// quoted-string) ] ) from s[i] to the end; checks syntax only (a ParamsView
// over s.substr(i) walks the checked text).
std::optional<ParseError> parse_header_params(std::string_view s, std::size_t i, ParamCheck check = nullptr);
// The same with the per-parameter check as a callable the compiler can
// inline (Via runs its check on every parameter of every row).  On success
// `out`, when given, becomes the ParamsView of s.substr(i) with its first
// parameter's place recorded.
template <typename Check>
std::optional<ParseError> parse_header_params_with(std::string_view s, std::size_t i, Check&& check,
                                                   ParamsView* out = nullptr);
// IPv6address (§25.1) without brackets.
bool is_ipv6_address(std::string_view s);

// The URI / name-addr / Via parsers fill zero-copy views into `text`;
// out == nullptr checks syntax only.  After an error *out is unspecified
// (partly written).
std::optional<ParseError> parse_uri_into(std::string_view text, UriView* out);
std::optional<ParseError> parse_name_addr_into(std::string_view text, NameAddrView* out);
std::optional<ParseError> parse_via_into(std::string_view value, ViaView* out);
std::optional<ParseError> parse_media_type_into(std::string_view value, MediaTypeView* out);
std::optional<ParseError> parse_cseq_into(std::string_view value, CSeqView* out);
// parse_uint() without building an Expected: true with `out` set exactly
// when parse_uint(value, max) succeeds (callers ask parse_uint for the
// error when this fails).  1*DIGIT, leading zeros allowed, not above max.
inline bool parse_uint_fast(std::string_view value, uint32_t max, uint32_t& out) {
  if (value.empty()) return false;
  // Nine digits stay below 10^9: no overflow, and as the value only grows
  // digit by digit, comparing with max once at the end is the same test.
  // Longer values compare at every digit (before n can overflow).
  const bool long_value = value.size() > 9;
  uint64_t n = 0;
  for (char c : value) {
    const unsigned d = static_cast<unsigned char>(c) - static_cast<unsigned>('0');
    if (d > 9) return false;
    n = n * 10 + d;
    if (long_value && n > max) return false;
  }
  if (n > max) return false;
  out = static_cast<uint32_t>(n);
  return true;
}

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

// Where one header parameter lies: name [name_at, name_end), value
// [value_at, value_end) (value_at == 0: no "=").
struct HeaderParamSpan {
  std::size_t name_at = 0, name_end = 0, value_at = 0, value_end = 0;
};

// One SEMI generic-param at s[i] (i past any SWS before the ';'): checks it,
// sets `span` when given, and moves i past it; or returns the error.
template <typename Check>
[[gnu::always_inline]] inline std::optional<ParseError> header_param_at(std::string_view s, std::size_t& i,
                                                                        Check& check, HeaderParamSpan* span) {
  const std::size_t n = s.size();
  if (s[i] != ';') return ParseError{i, "expected ';' before parameter", 400};
  i = syntax::skip_ws(s, i + 1);
  const std::size_t name_start = i;
  i = syntax::span_token(s, i);
  if (i == name_start) return ParseError{name_start, "empty or invalid parameter name", 400};
  const std::string_view name(s.data() + name_start, i - name_start);
  if (span) {
    span->name_at = name_start;
    span->name_end = i;
    span->value_at = 0;
  }
  std::optional<std::string_view> value;
  std::size_t j = syntax::skip_ws(s, i);
  if (j < n && s[j] == '=') {
    j = syntax::skip_ws(s, j + 1);
    const std::size_t value_start = j;
    if (j < n && s[j] == '"') {
      j = syntax::scan_quoted(s, j);
      if (j == std::string_view::npos) return ParseError{value_start, "unterminated quoted string in parameter", 400};
    } else if (j < n && s[j] == '[') {
      const std::size_t close = s.find(']', j);
      if (close == std::string_view::npos || !is_ipv6_address(s.substr(j + 1, close - j - 1)))
        return ParseError{value_start, "invalid IPv6 reference in parameter", 400};
      j = close + 1;
    } else if (iequals_letters(name, "received")) {
      // Via received may hold a bare IPv6address (§20.42), hence ':'.
      j = syntax::span_token_or_colon(s, j);
    } else {
      j = syntax::span_token(s, j);
    }
    if (j == value_start) return ParseError{value_start, "empty or invalid parameter value", 400};
    value = std::string_view(s.data() + value_start, j - value_start);
    if (span) {
      span->value_at = value_start;
      span->value_end = j;
    }
    i = j;
  }
  if (const char* why = check(name, value)) return ParseError{name_start, why, 400};
  return std::nullopt;
}

template <typename Check>
[[gnu::always_inline]] inline std::optional<ParseError> parse_header_params_with(std::string_view s, std::size_t i,
                                                                                 Check&& check, ParamsView* out) {
  const std::size_t n = s.size();
  const std::size_t base = i;  // <= n: callers start inside s
  // The first parameter is read apart so that its place can be recorded
  // without tracking it through the loop.
  HeaderParamSpan first;
  i = syntax::skip_ws(s, i);
  if (i < n) {
    if (auto e = header_param_at(s, i, check, &first)) return e;
    while (true) {
      i = syntax::skip_ws(s, i);
      if (i >= n) break;
      if (auto e = header_param_at(s, i, check, nullptr)) return e;
    }
  }
  if (out) {
    ParamsView view{std::string_view(s.data() + base, n - base), true};
    // Offsets relative to the view; recorded when they fit its fields
    // (a view of at most 64 KiB with the first name in its first 256
    // bytes: any ordinary header).
    if (first.name_end != 0 && n - base <= 0xFFFF && first.name_at - base <= 0xFF) {
      view.first_name_at = static_cast<uint8_t>(first.name_at - base);
      view.first_name_end = static_cast<uint16_t>(first.name_end - base);
      if (first.value_at != 0) {
        view.first_value_at = static_cast<uint16_t>(first.value_at - base);
        view.first_value_end = static_cast<uint16_t>(first.value_end - base);
      }
    }
    *out = view;
  }
  return std::nullopt;
}

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
