#include "models/sip/message/uri.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "models/sip/message/internal.h"
#include "models/sip/message/syntax.h"

namespace siplab::sip {
namespace {

using syntax::is;

// Cold: error paths are laid out of the hot code.
[[gnu::cold]] ParseError err(std::size_t offset, std::string_view reason) {
  return ParseError{offset, std::string(reason), 400};
}

// IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT (§25.1),
// each part at most 255 (leading zeros allowed).  Unrolled per part: Via
// received and maddr values come through here on every row.
bool is_ipv4(std::string_view s) {
  const char* p = s.data();
  const char* const end = p + s.size();
  const auto digit = [](char c) { return static_cast<unsigned>(static_cast<unsigned char>(c) - '0'); };
  for (int part = 0; part < 4; ++part) {
    if (p == end || digit(*p) > 9) return false;
    unsigned value = digit(*p++);
    if (p != end && digit(*p) <= 9) {
      value = value * 10 + digit(*p++);
      if (p != end && digit(*p) <= 9) {
        value = value * 10 + digit(*p++);
        if (value > 255) return false;
      }
    }
    // A fourth digit is neither "." nor the end: rejected below.
    if (part < 3) {
      if (p == end || *p != '.') return false;
      ++p;
    }
  }
  return p == end;
}

bool is_ipv6(std::string_view s) {
  if (s.empty() || s.size() > 45) return false;
  char buf[64];
  std::copy(s.begin(), s.end(), buf);
  buf[s.size()] = '\0';
  unsigned char out[16];
  return inet_pton(AF_INET6, buf, out) == 1;
}

// Bytes a domainlabel may hold (alphanum / "-"), one table load each.
constexpr std::array<bool, 256> make_label_bytes() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  return t;
}
constexpr std::array<bool, 256> kLabelBytes = make_label_bytes();

// hostname = *( domainlabel "." ) toplabel [ "." ] (§25.1): labels are
// alphanum / "-", never empty, never start or end with "-", and the last
// one starts with ALPHA (which tells it from IPv4).  Scanned label by
// label with a tight inner loop: hosts are checked for every URI and Via.
bool is_hostname_scalar(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  const unsigned char* label;
  while (true) {
    label = p;
    while (p < end && kLabelBytes[*p]) ++p;
    if (p == label || *label == '-' || p[-1] == '-') return false;
    if (p == end) break;
    if (*p != '.') return false;
    ++p;
  }
  return (*label >= 'a' && *label <= 'z') || (*label >= 'A' && *label <= 'Z');
}

#if defined(__SSE2__)
// The same rules as bit masks over the whole host at once (hosts of up to
// 64 bytes, i.e. nearly all): SSE2 classifies 16 bytes per step into
// allowed (alphanum / "." / "-"), "." and "-", and the label rules become
// shifts and ANDs; only the toplabel's first byte is then checked alone.
struct HostChunk {
  uint64_t allowed, dot, dash;
};

// Classifies the 16 bytes at p; keeps the top `keep` of them, as bits 0..keep-1.
HostChunk classify_chunk(const char* p, unsigned keep) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  // Signed compares: bytes >= 0x80 are negative and fall in no range.
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
  const __m128i digit =
      _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  const __m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
  const __m128i dash = _mm_cmpeq_epi8(v, _mm_set1_epi8('-'));
  const unsigned drop = 16 - keep;
  const auto bits = [drop](__m128i m) {
    return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(m)) >> drop);
  };
  return {bits(_mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(dot, dash))), bits(dot), bits(dash)};
}

// The hostname rules over bit masks of a host's n (1..64) bytes, bit k for
// host[k]: every byte alphanum / "-" / "."; no label empty or starting or
// ending with "-"; the toplabel starting with a letter (its first byte is
// alphanum already, so one compare tells a letter from a digit).
[[gnu::always_inline]] inline bool hostname_masks_ok(uint64_t allowed, uint64_t dot, uint64_t dash, std::size_t n,
                                                     const char* host) {
  const uint64_t used = n >= 64 ? ~0ull : (1ull << n) - 1;
  dot &= used;
  dash &= used;
  if ((allowed & used) != used) return false;
  if ((((dot << 1) | 1) & used & (dot | dash)) != 0) return false;         // first byte of a label
  if ((((dot >> 1) | (1ull << (n - 1))) & (dot | dash)) != 0) return false;  // last byte of a label
  const unsigned top = dot == 0 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(dot));
  return static_cast<unsigned char>(host[top]) > '9';
}

[[gnu::always_inline]] inline bool is_hostname_simd(std::string_view s) {
  uint64_t allowed = 0, dot = 0, dash = 0;
  auto add = [&](const HostChunk& c, std::size_t at) {
    allowed |= c.allowed << at;
    dot |= c.dot << at;
    dash |= c.dash << at;
  };
  std::size_t i = 0;
  for (; i + 16 <= s.size(); i += 16) add(classify_chunk(s.data() + i, 16), i);
  if (const unsigned rest = static_cast<unsigned>(s.size() - i); rest != 0) {
    if (s.size() >= 16) {
      // The last 16 bytes of the host, of which the top `rest` are new.
      add(classify_chunk(s.data() + s.size() - 16, rest), i);
    } else {
      alignas(16) char tail[16] = {};
      std::memcpy(tail + 16 - rest, s.data(), rest);
      add(classify_chunk(tail, rest), 0);
    }
  }
  return hostname_masks_ok(allowed, dot, dash, s.size(), s.data());
}

// The run of hostname bytes (alphanum / "-" / ".") in s from `from` on,
// classified 16 bytes per step and only up to the block where the run
// ends: its length, and its "." and "-" bytes as masks (bit k: s[from + k];
// bits past the run are unspecified).  False when the run is longer than
// 63 bytes (the masks hold 64).  Needs s.size() >= 16 and from <= s.size():
// a block that would cross the end of s is read as its last 16 bytes and
// shifted, so nothing outside s is read, and the end of s ends the run.
struct HostRun {
  std::size_t length;
  uint64_t dot, dash;
};
[[gnu::always_inline]] inline bool host_run(std::string_view s, std::size_t from, HostRun& r) {
  const std::size_t n = s.size();
  uint64_t dot = 0, dash = 0;
  for (std::size_t i = 0; i < 64; i += 16) {
    std::size_t at = from + i;
    unsigned skip = 0;  // bytes of the block before from + i
    if (at + 16 > n) {
      skip = static_cast<unsigned>(at + 16 - n);  // <= 16 as from + i <= n
      at = n - 16;
    }
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
    const __m128i d = _mm_cmpeq_epi8(v, _mm_set1_epi8('.')), h = _mm_cmpeq_epi8(v, _mm_set1_epi8('-'));
    const unsigned allowed =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(syntax::simd::alphanum(v), _mm_or_si128(d, h)))) >> skip;
    dot |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(d)) >> skip) << i;
    dash |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(h)) >> skip) << i;
    // The top `skip` bits lie past the end of s: not allowed, so they end
    // the run there.
    const unsigned stop = ~allowed & 0xFFFFu;
    if (stop != 0) {
      r.length = i + static_cast<std::size_t>(__builtin_ctz(stop));  // <= 63
      r.dot = dot;
      r.dash = dash;
      return true;
    }
  }
  return false;
}
#endif

[[gnu::always_inline]] inline bool is_hostname(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty()) return false;
#if defined(__SSE2__)
  if (s.size() <= 64) return is_hostname_simd(s);
#endif
  return is_hostname_scalar(s);
}

bool is_reserved(char c) { return std::string_view(";/?:@&=+$,").find(c) != std::string_view::npos; }

// §19.1.4: escaped non-reserved characters equal their literal form, so
// decode those and leave escaped reserved ones (with uppercase hex).
std::string normalize_escapes(std::string_view s, bool fold_case) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size() + 0 && syntax::is_hex(s[i + 1]) && syntax::is_hex(s[i + 2])) {
      char decoded = static_cast<char>(syntax::hex_value(s[i + 1]) * 16 + syntax::hex_value(s[i + 2]));
      if (!is_reserved(decoded)) {
        out += fold_case ? syntax::lower(decoded) : decoded;
      } else {
        out += '%';
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 1])));
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 2])));
      }
      i += 2;
      continue;
    }
    out += fold_case ? syntax::lower(c) : c;
  }
  return out;
}

std::string escape_with(std::string_view raw, uint16_t allowed) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (syntax::is_unreserved(c) || is(c, allowed)) {
      out += c;
    } else {
      unsigned char u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

[[gnu::always_inline]] inline bool valid_component(std::string_view s, uint16_t allowed) {
  // unreserved / allowed-extra in one table lookup per byte; '%' must
  // start an escape, which escapes_ok() checks only when one was seen.
  const uint16_t mask = syntax::kAlphaNum | syntax::kMark | allowed;
  bool percent = false;
  for (char c : s) {
    if (is(c, mask)) continue;
    if (c != '%') return false;
    percent = true;
  }
  return !percent || syntax::escapes_ok(s);
}

// host [":" port] (§25.1 hostport).  Kept out of line: inlined into the
// URI parser it measured slower (callgrind).
[[gnu::noinline]] std::optional<ParseError> hostport_into(std::string_view text, internal::HostPort& hp) {
  std::size_t port_at;
  hp.port.reset();
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return err(0, "unterminated IPv6 reference");
    hp.host = text.substr(1, close - 1);
    if (!is_ipv6(hp.host)) return err(1, "invalid IPv6 address");
    hp.kind = HostKind::IPv6;
    port_at = close + 1;
    if (port_at < text.size() && text[port_at] != ':') return err(port_at, "unexpected text after IPv6 reference");
  } else {
    port_at = syntax::find_byte(text, 0, ':');
    hp.host = text.substr(0, port_at);
    if (hp.host.empty()) return err(0, "missing host");
    if (is_ipv4(hp.host)) {
      hp.kind = HostKind::IPv4;
    } else if (is_hostname(hp.host)) {
      hp.kind = HostKind::Name;
    } else {
      return err(0, "invalid host");
    }
  }
  if (port_at < text.size()) {
    std::string_view port = text.substr(port_at + 1);
    // port = 1*DIGIT (§25.1): leading zeros are digits like any other
    // ("005060" is 5060); the value stops growing past 65535 (no overflow).
    unsigned value = 0;
    if (port.empty()) return err(port_at + 1, "invalid port");
    for (char c : port) {
      if (!syntax::is_digit(c)) return err(port_at + 1, "invalid port");
      if (value <= 65535) value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return err(port_at + 1, "port exceeds 65535");
    hp.port = static_cast<uint16_t>(value);
  }
  return std::nullopt;
}

// The port of hostport (§25.1 port = 1*DIGIT): any number of digits
// (leading zeros included), a value of at most 65535.
bool port_value(std::string_view port, uint16_t& out) {
  if (port.empty()) return false;
  unsigned value = 0;
  for (char c : port) {
    if (!syntax::is_digit(c)) return false;
    if (value <= 65535) value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return false;
  out = static_cast<uint16_t>(value);
  return true;
}

#if defined(__SSE2__)
// The common case of what follows the userinfo, "hostname[:port]" then a
// ';', '?' or the end, for texts of 16 bytes or more: one SSE2 pass over
// the hostname (host_run, stopping at the block where it ends) and the
// port's digits, where the general path scans the text three times and
// classifies the host a fourth.  Returns false, having decided nothing,
// for anything else (an IPv4 or IPv6 host, a toplabel starting with a
// digit, any error): the general path then gives the verdict and the exact
// error.  On true, hp holds a Name host and hp_end the index of the ';' or
// '?' (npos when none).
[[gnu::always_inline]] inline bool hostport_name_fast(std::string_view rest, internal::HostPort& hp,
                                                      std::size_t& hp_end) {
  const std::size_t n = rest.size();
  if (n < 16) return false;  // ('[' of an IPv6 reference is no host byte: an empty run)
  HostRun run;
  if (!host_run(rest, 0, run)) return false;
  const std::size_t host_len = run.length;
  // is_hostname(): one trailing "." allowed, then the label rules; a
  // toplabel starting with a letter is never an IPv4 address (all digits
  // and dots), which the general path tries first.
  const std::size_t hn = host_len != 0 && rest[host_len - 1] == '.' ? host_len - 1 : host_len;
  if (hn == 0 || !hostname_masks_ok(~0ull, run.dot, run.dash, hn, rest.data())) return false;
  // The run ended at a byte that is no host byte: the ':' before a port
  // (whose digits must run to the ';' / '?' / end, as port_value() of the
  // general path's text up to there requires), or the ';' / '?' itself.
  std::size_t end = host_len;
  hp.port.reset();
  if (end < n && rest[end] == ':') {
    std::size_t p = end + 1;
    while (p < n && syntax::is_digit(rest[p])) ++p;
    uint16_t port;
    if (!port_value(rest.substr(end + 1, p - end - 1), port)) return false;
    hp.port = port;
    end = p;
  }
  if (end < n && rest[end] != ';' && rest[end] != '?') return false;
  hp.host = rest.substr(0, host_len);
  hp.kind = HostKind::Name;
  hp_end = end < n ? end : std::string_view::npos;
  return true;
}
#endif

// Parses after "sip:"/"sips:"; with out == nullptr it only checks syntax.
[[gnu::always_inline]] inline std::optional<ParseError> parse_sip_uri(std::string_view text, std::size_t rest_at,
                                                                     UriView* out) {
  std::string_view rest = text.substr(rest_at);
  std::size_t base = rest_at;
  // '@' cannot appear unescaped in host, params or headers, so the first
  // one ends the userinfo (whose user part may hold ; ? / , §25.1).
  std::size_t at = syntax::find_byte(rest, 0, '@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    // Mostly a user alone: a valid user part holds no ':', so one check of
    // the whole userinfo settles it; anything else takes the general path.
    if (at != 0 && valid_component(userinfo, syntax::kUserUnreserved)) {
      if (out) out->user = userinfo;
    } else {
      std::size_t colon = syntax::find_byte(userinfo, 0, ':');
      std::string_view user = userinfo.substr(0, colon);
      if (user.empty()) return err(base, "empty user part in SIP URI");
      if (!valid_component(user, syntax::kUserUnreserved))
        return err(base, "invalid character or escape in URI user part");
      if (out) out->user = user;
      if (colon != std::string_view::npos) {
        std::string_view password = userinfo.substr(colon + 1);
        if (!valid_component(password, syntax::kPasswordExtra))
          return err(base + colon + 1, "invalid character or escape in URI password");
        if (out) out->password = password;
      }
    }
    base += at + 1;
    rest = rest.substr(at + 1);
  }
  std::size_t hp_end;
  internal::HostPort hp;
#if defined(__SSE2__)
  if (!hostport_name_fast(rest, hp, hp_end))
#endif
  {
    hp_end = syntax::find_either(rest, 0, ';', '?');
    if (auto e = hostport_into(rest.substr(0, hp_end), hp)) return err(base + e->offset, e->reason);
  }
  if (out) {
    out->host = hp.host;
    out->host_kind = hp.kind;
    out->port = hp.port;
  }
  if (hp_end == std::string_view::npos) return std::nullopt;
  std::size_t i = hp_end;
  while (i < rest.size() && rest[i] == ';') {
    std::size_t start = i + 1;
    std::size_t end = syntax::find_either(rest, start, ';', '?');
    if (end == std::string_view::npos) end = rest.size();
    std::string_view param = rest.substr(start, end - start);
    std::size_t eq = syntax::find_byte(param, 0, '=');
    std::string_view name = param.substr(0, eq);
    if (name.empty()) return err(base + start, "empty URI parameter");
    if (!valid_component(name, syntax::kParamUnreserved)) return err(base + start, "invalid character in URI parameter name");
    if (eq != std::string_view::npos) {
      std::string_view value = param.substr(eq + 1);
      if (value.empty()) return err(base + start + eq + 1, "empty URI parameter value");
      if (!valid_component(value, syntax::kParamUnreserved))
        return err(base + start + eq + 1, "invalid character in URI parameter value");
    }
    i = end;
  }
  if (out) out->params = ParamsView{rest.substr(hp_end, i - hp_end), false};
  if (i < rest.size()) {  // rest[i] == '?'
    std::size_t pos = i + 1;
    while (true) {
      std::size_t end = rest.find('&', pos);
      if (end == std::string_view::npos) end = rest.size();
      std::string_view h = rest.substr(pos, end - pos);
      std::size_t eq = h.find('=');
      if (eq == std::string_view::npos || eq == 0) return err(base + pos, "URI header must be hname=hvalue");
      std::string_view name = h.substr(0, eq), value = h.substr(eq + 1);
      if (!valid_component(name, syntax::kHnvUnreserved) || !valid_component(value, syntax::kHnvUnreserved))
        return err(base + pos, "invalid character in URI header");
      if (end == rest.size()) break;
      pos = end + 1;
    }
    if (out) out->headers = rest.substr(i + 1);
  }
  return std::nullopt;
}

// parse_sip_uri as a call, for the rare "sips:" / odd-case schemes.
[[gnu::noinline]] std::optional<ParseError> parse_sip_uri_call(std::string_view text, std::size_t rest_at, UriView* out) {
  return parse_sip_uri(text, rest_at, out);
}

}  // namespace

namespace internal {

std::size_t hostname_run(std::string_view s, std::size_t from) {
#if defined(__SSE2__)
  if (s.size() < 16 || from >= s.size()) return std::string_view::npos;
  HostRun run;
  if (!host_run(s, from, run)) return std::string_view::npos;
  const std::size_t hn = run.length != 0 && s[from + run.length - 1] == '.' ? run.length - 1 : run.length;
  if (hn == 0 || !hostname_masks_ok(~0ull, run.dot, run.dash, hn, s.data() + from)) return std::string_view::npos;
  return from + run.length;
#else
  (void)s;
  (void)from;
  return std::string_view::npos;
#endif
}

std::optional<HostKind> classify_host(std::string_view host) {
  if (is_ipv4(host)) return HostKind::IPv4;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']' && is_ipv6(host.substr(1, host.size() - 2)))
    return HostKind::IPv6;
  if (is_hostname(host)) return HostKind::Name;
  return std::nullopt;
}

Expected<HostPort> parse_hostport(std::string_view text) {
  HostPort hp;
  if (auto e = hostport_into(text, hp)) return *std::move(e);
  return hp;
}

std::optional<ParseError> parse_header_params(std::string_view s, std::size_t i, ParamCheck check) {
  return parse_header_params_with(s, i, [check](std::string_view name, std::optional<std::string_view> value) {
    return check != nullptr ? check(name, value) : nullptr;
  });
}

bool is_ipv6_address(std::string_view s) { return is_ipv6(s); }

void append_host(std::string& out, std::string_view host, HostKind kind) {
  if (kind == HostKind::IPv6) {
    out += '[';
    out += host;
    out += ']';
  } else {
    out += host;
  }
}

}  // namespace internal

namespace internal {

std::optional<ParseError> parse_uri_into(std::string_view text, UriView* out) {
  // A copy of a constant empty view: one block copy instead of a
  // member-by-member construction (URIs are parsed several times a message).
  static constexpr UriView kEmpty{};
  if (out) *out = kEmpty;
  // "sip:" in any case, the scheme of nearly every URI: the general path
  // below finds the same first ':' at 3 and the same scheme.  (|0x20 maps
  // only "S"/"s", "I"/"i", "P"/"p" onto "s", "i", "p"; ':' keeps its 0x20 bit.)
  if (text.size() >= 4) {
    uint32_t w, sip;
    std::memcpy(&w, text.data(), 4);
    std::memcpy(&sip, "sip:", 4);
    if ((w | 0x20202020u) == sip) {
      if (out) {
        out->scheme_text = text.substr(0, 3);
        out->scheme = UriScheme::Sip;
      }
      return parse_sip_uri(text, 4, out);  // (inlined: the one hot call site)
    }
  }
  std::size_t colon = syntax::find_byte(text, 0, ':');
  if (colon == std::string_view::npos || colon == 0) return err(0, "URI has no scheme");
  std::string_view scheme = text.substr(0, colon);
  if (!((scheme[0] >= 'a' && scheme[0] <= 'z') || (scheme[0] >= 'A' && scheme[0] <= 'Z')))
    return err(0, "URI scheme must start with a letter");
  for (char c : scheme)
    if (!is(c, syntax::kSchemeChar)) return err(0, "invalid character in URI scheme");
  if (out) out->scheme_text = scheme;
  if (iequals(scheme, "sip") || iequals(scheme, "sips")) {
    if (out) out->scheme = scheme.size() == 3 ? UriScheme::Sip : UriScheme::Sips;
    return parse_sip_uri_call(text, colon + 1, out);
  }
  std::string_view opaque = text.substr(colon + 1);
  if (opaque.empty()) return err(colon + 1, "empty URI after scheme");
  for (std::size_t i = 0; i < opaque.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(opaque[i]);
    if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>' || c == '"')
      return err(colon + 1 + i, "invalid character in absolute URI");
  }
  if (out) {
    out->scheme = UriScheme::Other;
    out->opaque = opaque;
  }
  return std::nullopt;
}

}  // namespace internal

Expected<Uri> parse_uri(std::string_view text) {
  UriView view;
  if (auto e = internal::parse_uri_into(text, &view)) return *e;
  return view.to_uri();
}

Uri UriView::to_uri() const {
  Uri uri;
  uri.scheme = scheme;
  uri.scheme_text.assign(scheme_text);
  uri.opaque.assign(opaque);
  uri.user.assign(user);
  if (password) uri.password.emplace(*password);
  uri.host.assign(host);
  uri.host_kind = host_kind;
  uri.port = port;
  if (!params.empty()) uri.params = params.to_list();
  // headers = hname "=" hvalue *( "&" hname "=" hvalue ), checked already.
  for (std::size_t pos = 0; pos < headers.size();) {
    std::size_t end = headers.find('&', pos);
    if (end == std::string_view::npos) end = headers.size();
    std::string_view h = headers.substr(pos, end - pos);
    std::size_t eq = h.find('=');
    uri.headers.push_back(UriHeader{std::string(h.substr(0, eq)), std::string(h.substr(eq + 1))});
    pos = end + 1;
  }
  return uri;
}

std::string Uri::host_port() const {
  std::string out;
  internal::append_host(out, host, host_kind);
  if (port) {
    out += ':';
    out += std::to_string(*port);
  }
  return out;
}

uint16_t Uri::port_or_default() const {
  if (port) return *port;
  return scheme == UriScheme::Sips ? 5061 : 5060;
}

void Uri::append_to(std::string& out) const {
  switch (scheme) {
    case UriScheme::Sip:
      out += iequals(scheme_text, "sip") ? std::string_view(scheme_text) : std::string_view("sip");
      break;
    case UriScheme::Sips:
      out += iequals(scheme_text, "sips") ? std::string_view(scheme_text) : std::string_view("sips");
      break;
    case UriScheme::Other:
      out += scheme_text;
      out += ':';
      out += opaque;
      return;
  }
  out += ':';
  if (!user.empty()) {
    out += user;
    if (password) {
      out += ':';
      out += *password;
    }
    out += '@';
  }
  internal::append_host(out, host, host_kind);
  if (port) {
    char buf[8];
    auto r = std::to_chars(buf, buf + sizeof buf, *port);
    out += ':';
    out.append(buf, r.ptr);
  }
  for (const Param& p : params) {
    out += ';';
    out += p.name;
    if (p.value) {
      out += '=';
      out += *p.value;
    }
  }
  for (std::size_t i = 0; i < headers.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += headers[i].name;
    out += '=';
    out += headers[i].value;
  }
}

std::string Uri::to_string() const {
  std::string out;
  out.reserve(32 + user.size() + host.size());
  append_to(out);
  return out;
}

bool uri_equivalent(const Uri& a, const Uri& b) {
  if (a.scheme != b.scheme) return false;
  if (a.scheme == UriScheme::Other)
    return iequals(a.scheme_text, b.scheme_text) && a.opaque == b.opaque;
  // userinfo: case-sensitive after unescaping (§19.1.4).
  if (normalize_escapes(a.user, false) != normalize_escapes(b.user, false)) return false;
  if (a.password.has_value() != b.password.has_value()) return false;
  if (a.password && normalize_escapes(*a.password, false) != normalize_escapes(*b.password, false)) return false;
  if (!iequals(a.host, b.host)) return false;
  // A URI omitting a component with a default never matches one that
  // states the default explicitly.
  if (a.port != b.port) return false;
  auto param_matches = [](const Param& x, const Param* y) {
    if (y == nullptr) return false;
    if (x.value.has_value() != y->value.has_value()) return false;
    return !x.value || normalize_escapes(*x.value, true) == normalize_escapes(*y->value, true);
  };
  for (const ParamList* side : {&a.params, &b.params}) {
    const ParamList& other = side == &a.params ? b.params : a.params;
    for (const Param& p : *side) {
      const Param* q = find_param(other, p.name);
      static constexpr std::string_view kMustMatch[] = {"user", "ttl", "method", "maddr", "transport"};
      bool must = std::any_of(std::begin(kMustMatch), std::end(kMustMatch),
                              [&](std::string_view n) { return iequals(n, p.name); });
      if (q == nullptr) {
        if (must) return false;
        continue;
      }
      if (!param_matches(p, q)) return false;
    }
  }
  // Headers are never ignored: both sides hold the same set.
  if (a.headers.size() != b.headers.size()) return false;
  for (const UriHeader& h : a.headers) {
    bool found = std::any_of(b.headers.begin(), b.headers.end(), [&](const UriHeader& g) {
      return normalize_escapes(h.name, true) == normalize_escapes(g.name, true) &&
             normalize_escapes(h.value, true) == normalize_escapes(g.value, true);
    });
    if (!found) return false;
  }
  return true;
}

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() + 0 || !syntax::is_hex(text[i + 1]) || !syntax::is_hex(text[i + 2])) return std::nullopt;
    out += static_cast<char>(syntax::hex_value(text[i + 1]) * 16 + syntax::hex_value(text[i + 2]));
    i += 2;
  }
  return out;
}

std::string escape_user(std::string_view raw) { return escape_with(raw, syntax::kUserUnreserved); }
std::string escape_password(std::string_view raw) { return escape_with(raw, syntax::kPasswordExtra); }
std::string escape_param(std::string_view raw) { return escape_with(raw, syntax::kParamUnreserved); }
std::string escape_header(std::string_view raw) { return escape_with(raw, syntax::kHnvUnreserved); }

}  // namespace siplab::sip
