#include "models/sip/message/parser.h"

#include <cstring>

#include "models/sip/message/internal.h"
#include "models/sip/message/syntax.h"

namespace siplab::sip {
namespace {

ParseError err(std::size_t offset, std::string reason, int status = 400) {
  return ParseError{offset, std::move(reason), status};
}

constexpr std::size_t npos = std::string_view::npos;

// End of the line starting at `from` (index of its CR), or npos when no
// CRLF follows.  A bare LF is reported through `bare_lf`.
std::size_t line_end(std::string_view s, std::size_t from, bool& bare_lf) {
  const void* p = std::memchr(s.data() + from, '\n', s.size() - from);
  if (p == nullptr) return npos;
  std::size_t lf = static_cast<std::size_t>(static_cast<const char*>(p) - s.data());
  if (lf == from || s[lf - 1] != '\r') {
    bare_lf = true;
    return lf;
  }
  return lf - 1;
}

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, "SIP" case-insensitive (§7.1).
std::optional<ParseError> check_version(std::string_view v, std::size_t offset) {
  bool ok = v.size() >= 7 && iequals(v.substr(0, 4), "SIP/");
  std::size_t dot = ok ? v.find('.', 4) : npos;
  if (dot == npos || dot == 4 || dot + 1 == v.size()) ok = false;
  if (ok)
    for (std::size_t i = 4; i < v.size(); ++i)
      if (i != dot && !syntax::is_digit(v[i])) ok = false;
  if (!ok) return err(offset, "malformed SIP version");
  if (v.substr(4) != "2.0") return err(offset, "SIP version not supported", 505);
  return std::nullopt;
}

bool known_method(std::string_view m) {
  static constexpr std::string_view kMethods[] = {"INVITE", "ACK",       "OPTIONS", "BYE",     "CANCEL",
                                                  "REGISTER", "PRACK",   "SUBSCRIBE", "NOTIFY", "PUBLISH",
                                                  "INFO",   "REFER",     "MESSAGE", "UPDATE"};
  for (std::string_view k : kMethods)
    if (k == m) return true;
  return false;
}

std::optional<ParseError> check_name_addrs(std::string_view value, bool require_brackets) {
  return internal::for_each_list_item(value, [&](std::string_view item) -> std::optional<ParseError> {
    std::size_t off = static_cast<std::size_t>(item.data() - value.data());
    if (item.empty()) return err(off, "empty list element");
    if (auto e = internal::parse_name_addr_into(item, nullptr)) return err(off + e->offset, e->reason);
    // route-param = name-addr *( SEMI rr-param ): brackets are required.
    if (require_brackets && item.find('<') == std::string_view::npos)
      return err(off, "route value must be a name-addr in <>");
    return std::nullopt;
  });
}

std::optional<ParseError> check_tokens(std::string_view value, bool may_be_empty) {
  if (value.empty()) {
    if (may_be_empty) return std::nullopt;
    return err(0, "empty header value");
  }
  return internal::for_each_list_item(value, [&](std::string_view item) -> std::optional<ParseError> {
    if (!syntax::all_token(item)) return err(static_cast<std::size_t>(item.data() - value.data()), "expected a token");
    return std::nullopt;
  });
}

template <typename T>
std::optional<ParseError> lift(const Expected<T>& r) {
  if (r) return std::nullopt;
  return r.error();
}

std::optional<ParseError> check_cseq(std::string_view value) {
  std::size_t i = 0;
  while (i < value.size() && syntax::is_digit(value[i])) ++i;
  if (i == 0) return err(0, "CSeq must start with a sequence number");
  if (!parse_uint(value.substr(0, i), 0xFFFFFFFFu)) return err(0, "CSeq number exceeds 2^32-1");
  std::size_t m = syntax::skip_ws(value, i);
  if (m == i) return err(i, "expected whitespace after CSeq number");
  std::size_t end = m;
  while (end < value.size() && syntax::is_token(value[end])) ++end;
  if (end == m || end != value.size()) return err(end, "CSeq method must be a token");
  return std::nullopt;
}

// Typed syntax check of one known header row; offsets within `value`.
// Allocation-free: the typed values are built only when asked for.
std::optional<ParseError> check_header(HeaderId id, std::string_view value) {
  switch (id) {
    case HeaderId::Via:
      return internal::for_each_list_item(value, [&](std::string_view item) -> std::optional<ParseError> {
        std::size_t off = static_cast<std::size_t>(item.data() - value.data());
        if (item.empty()) return err(off, "empty Via value");
        if (auto e = internal::parse_via_into(item, nullptr)) return err(off + e->offset, e->reason);
        return std::nullopt;
      });
    case HeaderId::From:
    case HeaderId::To:
      return internal::parse_name_addr_into(value, nullptr);
    case HeaderId::Contact:
      if (value == "*") return std::nullopt;
      return check_name_addrs(value, false);
    case HeaderId::Route:
    case HeaderId::RecordRoute:
      return check_name_addrs(value, true);
    case HeaderId::CallId:
      return lift(parse_call_id(value));
    case HeaderId::CSeq:
      return check_cseq(value);
    case HeaderId::MaxForwards:
      return lift(parse_uint(value, 255));
    case HeaderId::ContentLength:
    case HeaderId::Expires:
    case HeaderId::MinExpires:
      return lift(parse_uint(value, 0xFFFFFFFFu));
    case HeaderId::ContentType:
      return lift(parse_media_type(value));
    case HeaderId::Require:
    case HeaderId::ProxyRequire:
    case HeaderId::Unsupported:
      return check_tokens(value, false);
    case HeaderId::Supported:
    case HeaderId::Allow:
      return check_tokens(value, true);
    case HeaderId::RetryAfter:
      return lift(parse_retry_after(value));
    case HeaderId::Date:
      return lift(parse_date(value));
    case HeaderId::Warning:
      return internal::for_each_list_item(value, [&](std::string_view item) -> std::optional<ParseError> {
        std::size_t off = static_cast<std::size_t>(item.data() - value.data());
        auto w = parse_warning(item);
        if (!w) return err(off + w.error().offset, w.error().reason);
        return std::nullopt;
      });
    default:
      return std::nullopt;
  }
}

std::optional<ParseError> parse_request_line(std::string_view line, std::size_t base, Message& m) {
  std::size_t sp1 = line.find(' ');
  std::string_view method = line.substr(0, sp1);
  if (!syntax::all_token(method)) return err(base, "malformed request method");
  if (sp1 == npos) return err(base + line.size(), "request line has no Request-URI");
  std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == npos) return err(base + line.size(), "request line has no SIP version");
  std::string_view uri_text = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  // Request-Line = Method SP Request-URI SP SIP-Version: exactly one SP
  // each, no LWS inside the URI, nothing after the version (RFC 4475
  // §3.1.2.8-10).
  if (uri_text.empty()) return err(base + sp1 + 1, "more than one SP between request line elements");
  if (version.find(' ') != npos || version.find('\t') != npos)
    return err(base + sp2 + 1 + version.find_first_of(" \t"), "extra whitespace in request line");
  if (version.empty()) return err(base + sp2 + 1, "missing SIP version");
  if (uri_text.front() == '<') return err(base + sp1 + 1, "Request-URI must not be enclosed in <>");
  if (auto e = check_version(version, base + sp2 + 1)) return e;
  auto uri = parse_uri(uri_text);
  if (!uri) return err(base + sp1 + 1 + uri.error().offset, "Request-URI: " + uri.error().reason);
  // §19.1.1 table: the headers component is not allowed in a Request-URI.
  if (!uri->headers.empty())
    return err(base + sp1 + 1 + uri_text.find('?'), "Request-URI must not contain headers (RFC 3261 §19.1.1)");
  m = Message::request(method, std::move(*uri));
  m.set_version(version);
  return std::nullopt;
}

std::optional<ParseError> parse_status_line(std::string_view line, std::size_t base, Message& m) {
  std::size_t sp1 = line.find(' ');
  if (sp1 == npos) return err(base + line.size(), "status line has no status code");
  std::string_view version = line.substr(0, sp1);
  if (auto e = check_version(version, base)) return e;
  std::size_t i = sp1 + 1;
  std::size_t j = i;
  while (j < line.size() && syntax::is_digit(line[j])) ++j;
  if (j - i != 3) return err(base + i, "status code must be exactly 3 digits");
  if (j >= line.size() || line[j] != ' ') return err(base + j, "status code must be followed by SP");
  int code = (line[i] - '0') * 100 + (line[i + 1] - '0') * 10 + (line[i + 2] - '0');
  if (code < 100 || code > 699) return err(base + i, "status code out of range 100-699");
  std::string_view reason = line.substr(j + 1);
  for (std::size_t k = 0; k < reason.size(); ++k) {
    unsigned char c = static_cast<unsigned char>(reason[k]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return err(base + j + 1 + k, "control character in reason phrase");
  }
  m = Message::response(code, reason);
  m.set_version(version);
  return std::nullopt;
}

}  // namespace

Expected<Message> parse_message(std::string_view bytes, Framing framing) {
  std::size_t pos = 0;
  // §7.5: CRLFs before the start line are ignored.
  while (pos + 1 < bytes.size() && bytes[pos] == '\r' && bytes[pos + 1] == '\n') pos += 2;
  if (pos >= bytes.size()) return err(pos, "empty message");
  bool bare_lf = false;
  std::size_t end = line_end(bytes, pos, bare_lf);
  if (end == npos) return err(bytes.size(), "start line not terminated by CRLF");
  if (bare_lf) return err(end, "bare LF in start line");
  std::string_view first = bytes.substr(pos, end - pos);
  Message m;
  std::size_t first_space = first.find(' ');
  std::string_view first_word = first.substr(0, first_space);
  bool is_response = first_word.size() >= 4 && iequals(first_word.substr(0, 4), "SIP/");
  if (auto e = is_response ? parse_status_line(first, pos, m) : parse_request_line(first, pos, m)) return *e;
  pos = end + 2;

  std::vector<Header>& headers = m.mutable_headers();
  headers.reserve(16);
  std::size_t cseq_value_offset = 0;
  int cseq_rows = 0;
  while (true) {
    end = line_end(bytes, pos, bare_lf);
    if (end == npos) return err(bytes.size(), "header section not terminated by an empty line");
    if (bare_lf) return err(end, "bare LF in header section");
    if (end == pos) {
      pos = end + 2;
      break;
    }
    std::size_t line_start = pos;
    char c0 = bytes[pos];
    if (syntax::is_ws(c0)) return err(pos, "continuation line without a header");
    std::size_t i = pos;
    while (i < end && syntax::is_token(bytes[i])) ++i;
    if (i == pos) return err(pos, "header name must be a token");
    std::string_view name = bytes.substr(pos, i - pos);
    // HCOLON = *( SP / HTAB ) ":" SWS
    while (i < end && syntax::is_ws(bytes[i])) ++i;
    if (i >= end || bytes[i] != ':') return err(i, "expected ':' after header name");
    ++i;
    std::size_t value_start = syntax::skip_ws(bytes, i);
    if (value_start > end) value_start = end;
    std::string_view piece = syntax::trim(bytes.substr(value_start, end - value_start));
    std::size_t piece_offset = value_start;
    pos = end + 2;
    // Folding (§7.3.1): a following line starting with SP/HT continues this
    // value; CRLF plus the surrounding whitespace becomes one SP.
    struct Segment {
      std::size_t unfolded_at, raw_at;
    };
    std::vector<Segment> segments;
    std::string folded;
    bool is_folded = false;
    while (pos < bytes.size() && syntax::is_ws(bytes[pos])) {
      std::size_t cont_end = line_end(bytes, pos, bare_lf);
      if (cont_end == npos) return err(bytes.size(), "header section not terminated by an empty line");
      if (bare_lf) return err(cont_end, "bare LF in header section");
      if (!is_folded) {
        is_folded = true;
        folded.assign(piece);
        segments.push_back({0, piece_offset});
      }
      std::size_t cs = syntax::skip_ws(bytes, pos);
      if (cs > cont_end) cs = cont_end;
      std::string_view cont = syntax::trim(bytes.substr(cs, cont_end - cs));
      if (!cont.empty()) {
        if (!folded.empty()) folded += ' ';
        segments.push_back({folded.size(), cs});
        folded.append(cont);
      }
      pos = cont_end + 2;
    }
    // Constructing the strings in place is cheaper than assigning into
    // default-constructed ones (one copy, no replace bookkeeping).
    Header& h = headers.emplace_back(header_id(name), name, is_folded ? std::string_view(folded) : piece);
    if (std::memchr(h.value.data(), '\r', h.value.size()) != nullptr)
      return err(line_start, "bare CR in header value");
    if (h.id != HeaderId::Other) {
      if (auto e = check_header(h.id, h.value)) {
        std::size_t raw = piece_offset + e->offset;
        if (is_folded) {
          for (const Segment& s : segments)
            if (s.unfolded_at <= e->offset) raw = s.raw_at + (e->offset - s.unfolded_at);
        }
        e->offset = raw;
        e->reason = std::string(canonical_name(h.id)) + ": " + e->reason;
        return *e;
      }
      if (h.id == HeaderId::CSeq) {
        cseq_value_offset = piece_offset;
        ++cseq_rows;
      }
    }
  }

  // Body (§7.4.1, §18.3).
  std::size_t available = bytes.size() - pos;
  std::optional<uint32_t> length;
  bool conflicting = false;
  for (const Header& h : headers) {
    if (h.id != HeaderId::ContentLength) continue;
    uint32_t v = *parse_uint(h.value, 0xFFFFFFFFu);
    if (length && *length != v) conflicting = true;
    length = v;
  }
  if (framing == Framing::Stream && (!length || conflicting))
    return err(pos, conflicting ? "conflicting Content-Length values on a stream" : "missing Content-Length on a stream");
  if (!length || conflicting) {
    // Datagram without a usable Content-Length: the body is the rest of the
    // datagram (§18.3); conflicting values are left for validation to reject.
    m.set_body_raw(std::string(bytes.substr(pos)));
  } else {
    if (*length > available)
      return err(pos, "Content-Length " + std::to_string(*length) + " exceeds the " + std::to_string(available) +
                          " body bytes received");
    m.set_body_raw(std::string(bytes.substr(pos, *length)));
  }

  // §8.2 / RFC 4475 §3.1.2.17-18: the CSeq method must equal the request
  // method; for an unknown method a UAS answers 501 instead of 400.
  if (m.is_request() && cseq_rows == 1) {
    std::string_view cseq = *m.header(HeaderId::CSeq);
    std::string_view method = cseq.substr(syntax::skip_ws(cseq, syntax::find_either(cseq, 0, ' ', '\t')));
    if (method != m.method())
      return err(cseq_value_offset, "CSeq method " + std::string(method) + " does not match request method " +
                                        std::string(m.method()),
                 known_method(m.method()) ? 400 : 501);
  }
  return m;
}

}  // namespace siplab::sip
