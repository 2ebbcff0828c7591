#include "models/sip/message/header_values.h"

#include <charconv>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "models/sip/message/internal.h"
#include "models/sip/message/syntax.h"

namespace siplab::sip {
namespace {

// Cold: error paths are laid out of the hot code.
[[gnu::cold]] ParseError err(std::size_t offset, std::string_view reason) {
  return ParseError{offset, std::string(reason), 400};
}

std::size_t scan_token(std::string_view s, std::size_t i) { return syntax::span_token(s, i); }

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

constexpr std::string_view kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool two_digits(std::string_view s, std::size_t i, uint8_t& out) {
  if (i + 2 > s.size() || !syntax::is_digit(s[i]) || !syntax::is_digit(s[i + 1])) return false;
  out = static_cast<uint8_t>((s[i] - '0') * 10 + (s[i + 1] - '0'));
  return true;
}

}  // namespace

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> out;
  internal::for_each_split_value(value, [&](std::string_view v) { out.push_back(v); });
  return out;
}

Expected<uint32_t> parse_uint(std::string_view value, uint32_t max) {
  if (value.empty()) return err(0, "expected a number");
  uint64_t n = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!syntax::is_digit(value[i])) return err(i, "expected a number");
    n = n * 10 + static_cast<uint64_t>(value[i] - '0');
    if (n > max) return err(0, "number exceeds " + std::to_string(max));
  }
  return static_cast<uint32_t>(n);
}

Expected<std::string_view> parse_token(std::string_view value) {
  std::string_view t = syntax::trim(value);
  if (t.empty()) return err(0, "expected a token");
  for (std::size_t i = 0; i < t.size(); ++i)
    if (!syntax::is_token(t[i])) return err(static_cast<std::size_t>(t.data() - value.data()) + i, "invalid token character");
  return t;
}

namespace {

#if defined(__SSE2__)
// The common Call-ID, "alnum/./-" bytes with at most one "@" inside, in
// one SSE2 pass (those bytes are all word bytes, and the class is far
// cheaper than word's): true when the value is that shape, so valid.
// False decides nothing (the word scans then give the verdict).  Values
// of 16 bytes or more: the last block is read as the final 16 bytes.
bool plain_call_id(std::string_view value) {
  const std::size_t n = value.size();
  bool found_at = false;
  std::size_t first_at = 0;
  for (std::size_t i = 0; i < n; i += 16) {
    const std::size_t load = i + 16 <= n ? i : n - 16;
    const unsigned skip = static_cast<unsigned>(i - load);  // bytes of the block seen already
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(value.data() + load));
    const __m128i at = _mm_cmpeq_epi8(v, _mm_set1_epi8('@'));
    const __m128i ok = _mm_or_si128(syntax::simd::host(v), at);
    const unsigned seen = (0xFFFFu << skip) & 0xFFFFu;
    if ((static_cast<unsigned>(_mm_movemask_epi8(ok)) & seen) != seen) return false;
    const unsigned ats = static_cast<unsigned>(_mm_movemask_epi8(at)) & seen;
    if (ats != 0) {
      // callid = word [ "@" word ]: a second "@" is the word scans' to report.
      if (found_at || (ats & (ats - 1)) != 0) return false;
      found_at = true;
      first_at = load + static_cast<std::size_t>(__builtin_ctz(ats));
    }
  }
  // One "@" at most, with a word either side.
  return !found_at || (first_at != 0 && first_at + 1 != n);
}
#endif

}  // namespace

Expected<std::string_view> parse_call_id(std::string_view value) {
  // callid = word [ "@" word ]
#if defined(__SSE2__)
  if (value.size() >= 16 && plain_call_id(value)) return value;
#endif
  if (value.empty()) return err(0, "empty Call-ID");
  std::size_t i = syntax::span_word(value, 0);
  if (i == value.size()) return value;
  if (value[i] != '@') return err(i, "invalid character in Call-ID");
  if (i == 0 || i + 1 == value.size()) return err(i, "misplaced '@' in Call-ID");
  ++i;
  i = syntax::span_word(value, i);
  if (i == value.size()) return value;
  if (value[i] == '@') return err(i, "misplaced '@' in Call-ID");
  return err(i, "invalid character in Call-ID");
}

std::optional<ParseError> internal::parse_cseq_into(std::string_view value, CSeqView* out) {
  // CSeq = 1*DIGIT LWS Method (§20.16); the number is a 32-bit unsigned.
  std::size_t i = 0;
  while (i < value.size() && syntax::is_digit(value[i])) ++i;
  if (i == 0) return err(0, "CSeq must start with a sequence number");
  uint32_t number;
  if (!parse_uint_fast(value.substr(0, i), 0xFFFFFFFFu, number)) return err(0, "CSeq number exceeds 2^32-1");
  std::size_t m = syntax::skip_ws(value, i);
  if (m == i) return err(i, "expected whitespace after CSeq number");
  std::size_t end = scan_token(value, m);
  if (end == m || end != value.size()) return err(end, "CSeq method must be a token");
  if (out) *out = CSeqView{number, value.substr(m)};
  return std::nullopt;
}

Expected<CSeq> parse_cseq(std::string_view value) {
  CSeqView view;
  if (auto e = internal::parse_cseq_into(value, &view)) return *e;
  return view.to_cseq();
}

namespace {

bool is_ip_address(std::string_view v) {
  auto kind = internal::classify_host(v);
  if (kind == HostKind::IPv4 || kind == HostKind::IPv6) return true;
  // received may also carry an IPv6 address without brackets.
  if (v.find(':') == std::string_view::npos || v.size() > 45) return false;
  char buf[48];
  buf[0] = '[';
  v.copy(buf + 1, v.size());
  buf[v.size() + 1] = ']';
  return internal::classify_host(std::string_view(buf, v.size() + 2)) == HostKind::IPv6;
}

// via-params with a defined syntax (§20.42, RFC 3581).
const char* check_via_param(std::string_view name, std::optional<std::string_view> value) {
  // Dispatch on the length first: every Via carries a branch, so this
  // runs for most parameters the parser sees.
  switch (name.size()) {
    case 6:
      if (internal::iequals_letters(name, "branch")) {
        if (!value || value->front() == '"') return "Via branch must be a token";
      }
      return nullptr;
    case 8:
      if (internal::iequals_letters(name, "received")) {
        if (!value || !is_ip_address(*value)) return "Via received must be an IP address";
      }
      return nullptr;
    case 3:
      if (internal::iequals_letters(name, "ttl")) {
        if (!value || !parse_uint(*value, 255)) return "Via ttl must be 0-255";
      }
      return nullptr;
    case 5:
      if (internal::iequals_letters(name, "maddr")) {
        if (!value || !internal::classify_host(*value)) return "Via maddr must be a host";
      } else if (internal::iequals_letters(name, "rport")) {
        if (value && !parse_uint(*value, 65535)) return "Via rport must be a port number";
      }
      return nullptr;
    default:
      return nullptr;
  }
}

}  // namespace

namespace internal {

std::optional<ParseError> parse_via_into(std::string_view value, ViaView* out) {
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport,
  // SLASH = SWS "/" SWS; then LWS sent-by *( SEMI via-params ).
  std::size_t i = 0;
  std::string_view parts[3];
  int k = 0;
  // Nearly every Via starts "SIP/2.0/": the general loop below would read
  // the same two tokens and slashes (no whitespace between them).
  if (value.size() >= 8 && std::memcmp(value.data(), "SIP/2.0/", 8) == 0) {
    parts[0] = value.substr(0, 3);
    parts[1] = value.substr(4, 3);
    i = 8;
    k = 2;
  }
  for (; k < 3; ++k) {
    i = syntax::skip_ws(value, i);
    std::size_t end = scan_token(value, i);
    if (end == i) return err(i, "malformed Via sent-protocol");
    parts[k] = value.substr(i, end - i);
    i = syntax::skip_ws(value, end);
    if (k < 2) {
      if (i >= value.size() || value[i] != '/') return err(i, "expected '/' in Via sent-protocol");
      ++i;
    }
  }
  std::size_t host_start = i;
  std::string_view host;
  HostKind kind = HostKind::Name;
  if (i < value.size() && value[i] == '[') {
    std::size_t close = value.find(']', i);
    if (close == std::string_view::npos) return err(i, "unterminated IPv6 reference in Via");
    i = close + 1;
    auto k = classify_host(value.substr(host_start, i - host_start));
    if (k != HostKind::IPv6) return err(host_start, "invalid IPv6 address in Via");
    host = value.substr(host_start + 1, i - host_start - 2);
    kind = HostKind::IPv6;
  } else if (const std::size_t run = hostname_run(value, i); run != std::string_view::npos) {
    host = value.substr(host_start, run - host_start);  // a Name, found and checked in one pass
    i = run;
  } else {
    i = syntax::span_host_chars(value, i);
    if (i == host_start) return err(i, "missing Via sent-by host");
    host = value.substr(host_start, i - host_start);
    auto k = classify_host(host);
    if (!k) return err(host_start, "invalid host in Via sent-by");
    kind = *k;
  }
  std::optional<uint16_t> port;
  std::size_t j = syntax::skip_ws(value, i);
  if (j < value.size() && value[j] == ':') {  // COLON = SWS ":" SWS
    std::size_t port_start = syntax::skip_ws(value, j + 1);
    std::size_t port_end = port_start;
    while (port_end < value.size() && syntax::is_digit(value[port_end])) ++port_end;
    uint32_t n;
    if (!parse_uint_fast(value.substr(port_start, port_end - port_start), 65535, n))
      return err(port_start, "invalid Via port");
    port = static_cast<uint16_t>(n);
    i = port_end;
  }
  // The fields are written in place (on an error `out` holds no view the
  // caller may use); the parameter pass writes `params` when it succeeds.
  if (out) {
    out->protocol_name = parts[0];
    out->protocol_version = parts[1];
    out->transport = parts[2];
    out->host = host;
    out->host_kind = kind;
    out->port = port;
  }
  // (Through a lambda: a plain function reference would be called
  // indirectly for every parameter instead of being inlined.)
  return parse_header_params_with(
      value, i, [](std::string_view name, std::optional<std::string_view> v) { return check_via_param(name, v); },
      out ? &out->params : nullptr);
}

}  // namespace internal

Expected<Via> parse_via(std::string_view value) {
  ViaView view;
  if (auto e = internal::parse_via_into(value, &view)) return *e;
  return view.to_via();
}

Via ViaView::to_via() const {
  Via via;
  via.protocol_name.assign(protocol_name);
  via.protocol_version.assign(protocol_version);
  via.transport.assign(transport);
  via.host.assign(host);
  via.host_kind = host_kind;
  via.port = port;
  via.params = params.to_list();
  return via;
}

namespace {

// rport value when present with a number (RFC 3581 §4).
std::optional<uint16_t> rport_of(std::optional<std::string_view> v) {
  if (!v) return std::nullopt;
  auto n = parse_uint(*v, 65535);
  if (!n) return std::nullopt;
  return static_cast<uint16_t>(*n);
}

// "host[:port]", IPv6 bracketed.
std::string sent_by_of(std::string_view host, HostKind kind, std::optional<uint16_t> port) {
  std::string out;
  internal::append_host(out, host, kind);
  if (port) {
    out += ':';
    append_uint(out, *port);
  }
  return out;
}

}  // namespace

std::optional<uint16_t> ViaView::rport() const { return rport_of(params.value("rport")); }
std::string ViaView::sent_by() const { return sent_by_of(host, host_kind, port); }

std::optional<uint16_t> Via::rport() const { return rport_of(param_value(params, "rport")); }

void Via::set_rport(std::optional<uint16_t> port) {
  if (port) {
    set_param(params, "rport", std::to_string(*port));
  } else {
    set_param(params, "rport", std::nullopt);
  }
}

std::string Via::sent_by() const { return sent_by_of(host, host_kind, port); }

void Via::append_to(std::string& out) const {
  out += protocol_name;
  out += '/';
  out += protocol_version;
  out += '/';
  out += transport;
  out += ' ';
  internal::append_host(out, host, host_kind);
  if (port) {
    out += ':';
    append_uint(out, *port);
  }
  append_params(out, params);
}

std::string Via::to_string() const {
  std::string out;
  out.reserve(64);
  append_to(out);
  return out;
}

std::string CSeq::to_string() const {
  std::string out;
  append_uint(out, number);
  out += ' ';
  out += method;
  return out;
}

std::optional<ParseError> internal::parse_media_type_into(std::string_view value, MediaTypeView* out) {
  std::size_t i = syntax::skip_ws(value, 0);
  std::size_t end = scan_token(value, i);
  if (end == i) return err(i, "media type must start with a token");
  std::string_view type = value.substr(i, end - i);
  i = syntax::skip_ws(value, end);
  if (i >= value.size() || value[i] != '/') return err(i, "expected '/' in media type");
  i = syntax::skip_ws(value, i + 1);
  end = scan_token(value, i);
  if (end == i) return err(i, "missing media subtype");
  if (auto e = internal::parse_header_params(value, end)) return *e;
  if (out) *out = MediaTypeView{type, value.substr(i, end - i), ParamsView{value.substr(end), true}};
  return std::nullopt;
}

Expected<MediaType> parse_media_type(std::string_view value) {
  MediaTypeView view;
  if (auto e = internal::parse_media_type_into(value, &view)) return *e;
  return view.to_media_type();
}

MediaType MediaTypeView::to_media_type() const {
  return MediaType{std::string(type), std::string(subtype), params.to_list()};
}

bool MediaTypeView::matches(std::string_view t, std::string_view s) const {
  return iequals(type, t) && iequals(subtype, s);
}

bool MediaType::matches(std::string_view t, std::string_view s) const {
  return iequals(type, t) && iequals(subtype, s);
}

std::string MediaType::to_string() const {
  std::string out = type;
  out += '/';
  out += subtype;
  append_params(out, params);
  return out;
}

Expected<RetryAfter> parse_retry_after(std::string_view value) {
  RetryAfter ra;
  std::size_t i = 0;
  while (i < value.size() && syntax::is_digit(value[i])) ++i;
  auto secs = parse_uint(value.substr(0, i), 0xFFFFFFFFu);
  if (!secs) return err(0, "Retry-After must be delta-seconds not above 2^32-1");
  ra.seconds = *secs;
  std::size_t j = syntax::skip_ws(value, i);
  if (j < value.size() && value[j] == '(') {
    std::size_t end = syntax::scan_comment(value, j);
    if (end == std::string_view::npos) return err(j, "unterminated comment in Retry-After");
    ra.comment.assign(value.substr(j + 1, end - j - 2));
    i = end;
  }
  if (auto e = internal::parse_header_params(value, i)) return *e;
  ra.params = ParamsView{value.substr(i), true}.to_list();
  return ra;
}

std::string RetryAfter::to_string() const {
  std::string out;
  append_uint(out, seconds);
  if (!comment.empty()) {
    out += " (";
    out += comment;
    out += ')';
  }
  append_params(out, params);
  return out;
}

Expected<Warning> parse_warning(std::string_view value) {
  // warning-value = warn-code SP warn-agent SP warn-text (§20.43)
  Warning w;
  if (value.size() < 4 || !syntax::is_digit(value[0]) || !syntax::is_digit(value[1]) ||
      !syntax::is_digit(value[2]) || value[3] != ' ')
    return err(0, "warn-code must be 3 digits followed by SP");
  w.code = static_cast<uint16_t>((value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0'));
  std::size_t sp = value.find(' ', 4);
  if (sp == std::string_view::npos || sp == 4) return err(4, "missing warn-agent");
  std::string_view agent = value.substr(4, sp - 4);
  if (!internal::parse_hostport(agent) && !syntax::all_token(agent)) return err(4, "invalid warn-agent");
  w.agent.assign(agent);
  std::size_t q = sp + 1;
  if (q >= value.size() || value[q] != '"') return err(q, "warn-text must be a quoted string");
  std::size_t end = syntax::scan_quoted(value, q);
  if (end == std::string_view::npos) return err(q, "unterminated warn-text");
  if (end != value.size()) return err(end, "unexpected text after warn-text");
  w.text.assign(value.substr(q + 1, end - q - 2));
  return w;
}

std::string Warning::to_string() const {
  std::string out;
  char code_text[4] = {static_cast<char>('0' + code / 100 % 10), static_cast<char>('0' + code / 10 % 10),
                       static_cast<char>('0' + code % 10), '\0'};
  out += code_text;
  out += ' ';
  out += agent;
  out += " \"";
  out += text;
  out += '"';
  return out;
}

Expected<SipDate> parse_date(std::string_view v) {
  // rfc1123-date = wkday "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":"
  //                2DIGIT ":" 2DIGIT SP "GMT"  (§20.17: only GMT)
  // The weekday, month and "GMT" are quoted literals in the ABNF, which
  // RFC 2234 §2.3 makes case-insensitive ("sat, 13 nov 2010 ... gmt").
  SipDate d;
  if (v.size() != 29) return err(0, "Date must be an RFC 1123 date in GMT");
  int wd = -1, mo = -1;
  for (int k = 0; k < 7; ++k)
    if (iequals(v.substr(0, 3), kWeekdays[k])) wd = k;
  for (int k = 0; k < 12; ++k)
    if (iequals(v.substr(8, 3), kMonths[k])) mo = k;
  if (wd < 0) return err(0, "invalid weekday in Date");
  if (v.substr(3, 2) != ", " || v[7] != ' ' || v[11] != ' ' || v[16] != ' ' || v[19] != ':' || v[22] != ':' ||
      v[25] != ' ')
    return err(3, "malformed Date");
  if (mo < 0) return err(8, "invalid month in Date");
  if (!iequals(v.substr(26), "GMT")) return err(26, "Date time zone must be GMT (RFC 3261 §20.17)");
  uint8_t yh = 0, yl = 0;
  if (!two_digits(v, 5, d.day) || !two_digits(v, 12, yh) || !two_digits(v, 14, yl) ||
      !two_digits(v, 17, d.hour) || !two_digits(v, 20, d.minute) || !two_digits(v, 23, d.second))
    return err(5, "malformed Date digits");
  // RFC 3261 §25.1 (after RFC 2616 §3.3.1): time is 00:00:00 - 23:59:59.
  if (d.day < 1 || d.day > 31 || d.hour > 23 || d.minute > 59 || d.second > 59) return err(5, "Date field out of range");
  d.weekday = static_cast<uint8_t>(wd);
  d.month = static_cast<uint8_t>(mo);
  d.year = static_cast<uint16_t>(yh * 100 + yl);
  return d;
}

std::string SipDate::to_string() const {
  char buf[32];
  auto two = [](char* p, unsigned v) {
    p[0] = static_cast<char>('0' + v / 10 % 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  std::string_view wd = kWeekdays[weekday % 7], mo = kMonths[month % 12];
  buf[0] = wd[0], buf[1] = wd[1], buf[2] = wd[2], buf[3] = ',', buf[4] = ' ';
  two(buf + 5, day);
  buf[7] = ' ';
  buf[8] = mo[0], buf[9] = mo[1], buf[10] = mo[2], buf[11] = ' ';
  two(buf + 12, year / 100);
  two(buf + 14, year % 100);
  buf[16] = ' ';
  two(buf + 17, hour);
  buf[19] = ':';
  two(buf + 20, minute);
  buf[22] = ':';
  two(buf + 23, second);
  buf[25] = ' ', buf[26] = 'G', buf[27] = 'M', buf[28] = 'T';
  return std::string(buf, 29);
}

}  // namespace siplab::sip
