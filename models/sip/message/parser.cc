#include "models/sip/message/parser.h"

#include <cstring>

#include "models/sip/message/internal.h"
#include "models/sip/message/parsed_message.h"
#include "models/sip/message/syntax.h"

namespace siplab::sip {
namespace {

// Cold: GCC then lays every path that builds an error out of the hot
// code (and builds the reason text there, not on the hot path).
[[gnu::cold]] ParseError err(std::size_t offset, std::string_view reason, int status = 400) {
  return ParseError{offset, std::string(reason), status};
}

constexpr std::size_t npos = std::string_view::npos;

// The message buffer holds kSlack readable (zero) bytes past the message,
// so the scans below read whole 16-byte blocks with no byte-by-byte tail
// (for a header line that tail was most of the cost).
constexpr std::size_t kSlack = 16;

// First index in [from, end) holding a or b, or npos (the CR/LF of a line
// end; the ':' after a header name with a == b).  Reads whole 16-byte
// blocks, which the slack makes safe.
[[gnu::always_inline]] inline std::size_t find_either_padded(const char* data, std::size_t from, std::size_t end,
                                                            char a, char b) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
  for (std::size_t i = from; i < end; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const unsigned hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb))));
    if (hits != 0) {
      const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(hits));
      return at < end ? at : npos;
    }
  }
  return npos;
#else
  for (std::size_t i = from; i < end; ++i)
    if (data[i] == a || data[i] == b) return i;
  return npos;
#endif
}

// End of the line starting at `from` (index of its CR), or npos when no
// CRLF follows.  A bare LF is reported through `bare_lf`; `inner_cr` says
// whether a CR not followed by LF lies inside the line (when false the line
// holds no CR at all).
[[gnu::always_inline]] inline std::size_t line_end(std::string_view s, std::size_t from, bool& bare_lf,
                                                  bool& inner_cr) {
  const std::size_t first = find_either_padded(s.data(), from, s.size(), '\r', '\n');
  inner_cr = false;
  if (first == npos) return npos;
  if (s[first] == '\n') {  // no CR right before it, or that CR would be first
    bare_lf = true;
    return first;
  }
  if (first + 1 < s.size() && s[first + 1] == '\n') return first;
  inner_cr = true;  // a bare CR: find the LF the slow way
  const void* p = std::memchr(s.data() + first, '\n', s.size() - first);
  if (p == nullptr) return npos;
  std::size_t lf = static_cast<std::size_t>(static_cast<const char*>(p) - s.data());
  if (lf == from || s[lf - 1] != '\r') {
    bare_lf = true;
    return lf;
  }
  return lf - 1;
}

// line_end() for a header row, which also reports the first ':' of the
// row from the same first block: `colon` is its index when it lies before
// the line end in that block, npos when the line ends in that block
// without one, kColonNotInFirstBlock when the line goes on past the block
// (the caller scans on).  Only meaningful when inner_cr comes back false.
constexpr std::size_t kColonNotInFirstBlock = npos - 1;
[[gnu::always_inline]] inline std::size_t row_end(std::string_view s, std::size_t from, bool& bare_lf, bool& inner_cr,
                                                std::size_t& colon) {
#if defined(__SSE2__)
  // from <= s.size(): the block lies within the bytes and the slack.
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + from));
  const unsigned breaks = static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')))));
  const unsigned colons = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
  if (breaks == 0) {
    // No CR or LF in the block: the line (if it ends) ends after it, and
    // line_end() from there finds the same end (its bare-CR check looks
    // back at most to a CR of the block, and there is none).
    colon = colons != 0 ? from + static_cast<std::size_t>(__builtin_ctz(colons)) : kColonNotInFirstBlock;
    return line_end(s, from + 16, bare_lf, inner_cr);
  }
  // (The slack past the bytes is zeros: a break found is inside the bytes.)
  const std::size_t first = from + static_cast<std::size_t>(__builtin_ctz(breaks));
  const unsigned before = colons & ((breaks & (0u - breaks)) - 1);
  colon = before != 0 ? from + static_cast<std::size_t>(__builtin_ctz(before)) : npos;
  inner_cr = false;
  if (s[first] == '\n') {
    bare_lf = true;
    return first;
  }
  // s.data()[first + 1] is a slack zero when first + 1 == s.size().
  if (s.data()[first + 1] == '\n') return first;
  inner_cr = true;
  const void* p = std::memchr(s.data() + first, '\n', s.size() - first);
  if (p == nullptr) return npos;
  const std::size_t lf = static_cast<std::size_t>(static_cast<const char*>(p) - s.data());
  if (lf == from || s[lf - 1] != '\r') {
    bare_lf = true;
    return lf;
  }
  return lf - 1;
#else
  colon = kColonNotInFirstBlock;
  return line_end(s, from, bare_lf, inner_cr);
#endif
}

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, "SIP" case-insensitive (§7.1).
std::optional<ParseError> check_version(std::string_view v, std::size_t offset) {
  if (v == "SIP/2.0") return std::nullopt;  // what nearly every message carries
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

// 1#token (Require, Supported, Allow ...): one pass over the list; an
// error points at the element that is not a token.
std::optional<ParseError> check_tokens(std::string_view value, bool may_be_empty) {
  if (value.empty()) {
    if (may_be_empty) return std::nullopt;
    return err(0, "empty header value");
  }
  std::size_t i = 0;
  while (true) {
    const std::size_t start = syntax::skip_ws(value, i);
    const std::size_t end = syntax::span_token(value, start);
    const std::size_t next = syntax::skip_ws(value, end);
    if (end == start || (next < value.size() && value[next] != ',')) return err(start, "expected a token");
    if (next >= value.size()) return std::nullopt;
    i = next + 1;
  }
}

template <typename T>
std::optional<ParseError> lift(const Expected<T>& r) {
  if (r) return std::nullopt;
  return r.error();
}

// A number header (Max-Forwards, Content-Length, Expires ...): the first
// row's value is kept; parse_uint() gives the error text when it fails.
// `row`, when given, gets this row's value.
std::optional<ParseError> uint_into(std::string_view value, uint32_t max, std::optional<uint32_t>& out,
                                    uint32_t* row = nullptr) {
  uint32_t n;
  if (!internal::parse_uint_fast(value, max, n)) return parse_uint(value, max).error();
  if (!out) out = n;  // single-valued headers: the first row counts
  if (row) *row = n;
  return std::nullopt;
}

}  // namespace

// Fills a ParsedMessage: the validating pass over the bytes, keeping each
// typed value it checks.
class ParsedMessageBuilder {
 public:
  explicit ParsedMessageBuilder(ParsedMessage& m) : m_(m) {}

  // Copies the bytes into the message's buffer and clears every field
  // (but the Request-URI, which the start line's parse sets either way).
  // Returns the copy, which every view points into.  Buffer layout: the
  // bytes, kSlack zero bytes (the padded scans read 16-byte blocks and
  // header_id_padded 8-byte words past the end), then as many bytes again
  // for the unfolded text of folded rows.
  std::string_view adopt(std::string_view bytes) {
    const std::size_t need = bytes.size() * 2 + kSlack;
    m_.reserve_buffer(need);
    char* buf = m_.buffer_.get();
    if (!bytes.empty()) std::memcpy(buf, bytes.data(), bytes.size());
    std::memset(buf + bytes.size(), 0, kSlack);
    fold_at_ = bytes.size() + kSlack;
    m_.is_request_ = true;
    m_.method_ = {};
    m_.status_code_ = 0;
    m_.reason_ = {};
    m_.version_ = {};
    m_.headers_.clear();
    m_.vias_.clear();
    m_.from_.clear();
    m_.to_.clear();
    m_.call_id_.reset();
    m_.cseq_.reset();
    m_.repeated_single_value_ = HeaderId::Other;
    m_.contacts_.clear();
    m_.contact_star_ = false;
    m_.routes_.clear();
    m_.record_routes_.clear();
    m_.max_forwards_.reset();
    m_.content_length_.reset();
    m_.expires_.reset();
    m_.min_expires_.reset();
    m_.content_type_.reset();
    m_.authorization_.clear();
    m_.proxy_authorization_.clear();
    m_.malformed_credentials_ = 0;
    m_.body_ = {};
    return std::string_view(m_.buffer_.get(), bytes.size());
  }

  // Room for an unfolded value of at most `size` bytes.
  char* fold_space() { return m_.buffer_.get() + fold_at_; }
  void used_fold_space(std::size_t n) { fold_at_ += n; }

  // `sp1`: the first SP of the line (npos when none), which the caller
  // looked for already.
  std::optional<ParseError> request_line(std::string_view line, std::size_t base, std::size_t sp1) {
    std::string_view method = line.substr(0, sp1);
    if (!syntax::all_token(method)) return err(base, "malformed request method");
    if (sp1 == npos) return err(base + line.size(), "request line has no Request-URI");
    std::size_t sp2 = syntax::find_byte(line, sp1 + 1, ' ');
    if (sp2 == npos) return err(base + line.size(), "request line has no SIP version");
    std::string_view uri_text = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    // Request-Line = Method SP Request-URI SP SIP-Version: exactly one SP
    // each, no LWS inside the URI, nothing after the version (RFC 4475
    // §3.1.2.8-10).
    if (uri_text.empty()) return err(base + sp1 + 1, "more than one SP between request line elements");
    // "SIP/2.0", what nearly every request carries, passes the three
    // version checks below (no blank, not empty, supported): they run in
    // the same order for anything else.
    const bool plain_version = version == "SIP/2.0";
    if (!plain_version) {
      if (const std::size_t ws = syntax::find_either(version, 0, ' ', '\t'); ws != npos)
        return err(base + sp2 + 1 + ws, "extra whitespace in request line");
      if (version.empty()) return err(base + sp2 + 1, "missing SIP version");
    }
    if (uri_text.front() == '<') return err(base + sp1 + 1, "Request-URI must not be enclosed in <>");
    if (!plain_version)
      if (auto e = check_version(version, base + sp2 + 1)) return e;
    if (auto e = internal::parse_uri_into(uri_text, &m_.request_uri_))
      return err(base + sp1 + 1 + e->offset, "Request-URI: " + e->reason);
    // §19.1.1 table: the headers component is not allowed in a Request-URI.
    if (!m_.request_uri_.headers.empty())
      return err(base + sp1 + 1 + uri_text.find('?'), "Request-URI must not contain headers (RFC 3261 §19.1.1)");
    m_.is_request_ = true;
    m_.method_ = method;
    m_.version_ = version;
    return std::nullopt;
  }

  // `sp1` as for request_line().
  std::optional<ParseError> status_line(std::string_view line, std::size_t base, std::size_t sp1) {
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
    m_.is_request_ = false;
    m_.request_uri_ = UriView{};  // (a request's is set by parse_uri_into, which clears it first)
    m_.status_code_ = code;
    m_.reason_ = reason;
    m_.version_ = version;
    return std::nullopt;
  }

  // Typed syntax check of one known header row, keeping its typed value;
  // error offsets within `value`.
  [[gnu::always_inline]] std::optional<ParseError> header(HeaderId id, std::string_view value) {
    switch (id) {
      case HeaderId::Via:
        // Nearly every row holds one via-parm: it is parsed whole first.
        // A value that parses whole holds no comma that splits the list (a
        // via-parm can hold one only inside a quoted-string, which the
        // split skips as well), so it is the one element the split below
        // would give (the value is trimmed already).  Anything else is
        // parsed again element by element, which gives the verdict and the
        // exact error.
        // (parse_via_into writes every field when it succeeds; a failed
        // element is taken off again.)
        if (!internal::parse_via_into(value, &m_.vias_.emplace_back_for_overwrite())) return std::nullopt;
        m_.vias_.pop_back();
        return internal::for_each_list_item(value, [&](std::string_view item) -> std::optional<ParseError> {
          std::size_t off = static_cast<std::size_t>(item.data() - value.data());
          if (item.empty()) return err(off, "empty Via value");
          if (auto e = internal::parse_via_into(item, &m_.vias_.emplace_back_for_overwrite())) {
            m_.vias_.pop_back();
            return err(off + e->offset, e->reason);
          }
          return std::nullopt;
        });
      case HeaderId::From:
      case HeaderId::To: {
        // Single-valued: the first row is kept, parsed straight into place;
        // a later row is only checked.
        auto& slot = id == HeaderId::From ? m_.from_ : m_.to_;
        if (!slot.empty()) {
          repeated(id);
          return internal::parse_name_addr_into(value, nullptr);
        }
        // (parse_name_addr_into writes every field when it succeeds.)
        if (auto e = internal::parse_name_addr_into(value, &slot.emplace_back_for_overwrite())) {
          slot.clear();
          return e;
        }
        return std::nullopt;
      }
      case HeaderId::Contact:
        if (value == "*") {
          m_.contact_star_ = true;
          return std::nullopt;
        }
        return name_addrs(value, false, m_.contacts_);
      case HeaderId::Route:
        return name_addrs(value, true, m_.routes_);
      case HeaderId::RecordRoute:
        return name_addrs(value, true, m_.record_routes_);
      case HeaderId::CallId:
        // parse_call_id() returns the value itself when it is valid.
        if (auto valid = parse_call_id(value); !valid) return valid.error();
        if (!m_.call_id_)
          m_.call_id_ = value;
        else
          repeated(id);
        return std::nullopt;
      case HeaderId::CSeq: {
        CSeqView view;
        if (auto e = internal::parse_cseq_into(value, &view)) return e;
        if (!m_.cseq_)
          m_.cseq_ = view;
        else
          repeated(id);
        return std::nullopt;
      }
      case HeaderId::MaxForwards:
        return uint_into(value, 255, m_.max_forwards_);
      case HeaderId::ContentLength:
        return uint_into(value, 0xFFFFFFFFu, m_.content_length_, &length_row_);
      case HeaderId::Expires:
        return uint_into(value, 0xFFFFFFFFu, m_.expires_);
      case HeaderId::MinExpires:
        return uint_into(value, 0xFFFFFFFFu, m_.min_expires_);
      case HeaderId::ContentType: {
        MediaTypeView view;
        if (auto e = internal::parse_media_type_into(value, &view)) return e;
        if (!m_.content_type_) m_.content_type_ = view;
        return std::nullopt;
      }
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
      case HeaderId::Authorization:
      case HeaderId::ProxyAuthorization: {
        // Kept when valid; a malformed one is the authenticating element's
        // to answer (RFC 3261 §22), not a reason to drop the message.
        auto creds = parse_credentials_view(value);
        if (creds)
          (id == HeaderId::Authorization ? m_.authorization_ : m_.proxy_authorization_).push_back(*creds);
        else
          ++m_.malformed_credentials_;
        return std::nullopt;
      }
      default:
        return std::nullopt;
    }
  }

  void add_row(HeaderId id, std::string_view name, std::string_view value) {
    m_.headers_.emplace_back(id, name, value);
  }
  const ParsedMessage& message() const { return m_; }
  // The value of the last Content-Length row header() checked.
  uint32_t length_row() const { return length_row_; }
  void set_body(std::string_view body) { m_.body_ = body; }

 private:
  // A second row of a single-valued header (kept for validate_response).
  void repeated(HeaderId id) {
    if (m_.repeated_single_value_ == HeaderId::Other) m_.repeated_single_value_ = id;
  }

  template <typename List>
  std::optional<ParseError> name_addrs(std::string_view value, bool require_brackets, List& out) {
    // One value per row, nearly always: parsed whole first, as Via rows
    // are (a name-addr that parses whole holds a comma only inside a
    // quoted-string or inside <>, where the split does not cut either: a
    // bare addr-spec with a comma is refused, §20).
    // (parse_name_addr_into writes every field when it succeeds; a failed
    // element is taken off again.)
    if (!internal::parse_name_addr_into(value, &out.emplace_back_for_overwrite()) &&
        (!require_brackets || out.back().angle_brackets))
      return std::nullopt;
    out.pop_back();
    return internal::for_each_list_item(value, [&](std::string_view item) -> std::optional<ParseError> {
      std::size_t off = static_cast<std::size_t>(item.data() - value.data());
      if (item.empty()) return err(off, "empty list element");
      if (auto e = internal::parse_name_addr_into(item, &out.emplace_back_for_overwrite())) {
        out.pop_back();
        return err(off + e->offset, e->reason);
      }
      // route-param = name-addr *( SEMI rr-param ): brackets are required.
      if (require_brackets && !out.back().angle_brackets) return err(off, "route value must be a name-addr in <>");
      return std::nullopt;
    });
  }

  ParsedMessage& m_;
  std::size_t fold_at_ = 0;
  uint32_t length_row_ = 0;
};

std::optional<ParseError> parse_message_into(std::string_view input, ParsedMessage& out, Framing framing) {
  ParsedMessageBuilder b(out);
  const std::string_view bytes = b.adopt(input);
  std::size_t pos = 0;
  // §7.5: CRLFs before the start line are ignored.
  while (pos + 1 < bytes.size() && bytes[pos] == '\r' && bytes[pos + 1] == '\n') pos += 2;
  if (pos >= bytes.size()) return err(pos, "empty message");
  bool bare_lf = false, inner_cr = false;
  std::size_t end = line_end(bytes, pos, bare_lf, inner_cr);
  if (end == npos) return err(bytes.size(), "start line not terminated by CRLF");
  if (bare_lf) return err(end, "bare LF in start line");
  std::string_view first = bytes.substr(pos, end - pos);
  std::size_t first_space = syntax::find_byte(first, 0, ' ');
  std::string_view first_word = first.substr(0, first_space);
  // "SIP/" in any case: the letters OR 0x20 (exact for letters), the "/"
  // as it is.
  bool is_response = false;
  if (first_word.size() >= 4) {
    uint32_t w, sip;
    std::memcpy(&w, first_word.data(), 4);
    std::memcpy(&sip, "sip/", 4);
    is_response = (w | 0x00202020u) == sip;
  }
  if (auto e = is_response ? b.status_line(first, pos, first_space) : b.request_line(first, pos, first_space))
    return *e;
  pos = end + 2;

  std::size_t cseq_value_offset = 0;
  int cseq_rows = 0;
  std::optional<uint32_t> length;
  struct Segment {
    std::size_t unfolded_at, raw_at;
  };
  InlineVector<Segment, 4> segments;  // of the current row when it is folded
  bool conflicting = false;
  while (true) {
    std::size_t colon_hint;
    end = row_end(bytes, pos, bare_lf, inner_cr, colon_hint);
    if (end == npos) return err(bytes.size(), "header section not terminated by an empty line");
    if (bare_lf) return err(end, "bare LF in header section");
    if (end == pos) {
      pos = end + 2;
      break;
    }
    std::size_t line_start = pos;
    char c0 = bytes[pos];
    if (syntax::is_ws(c0)) return err(pos, "continuation line without a header");
    // field-name HCOLON (§7.3.1, HCOLON = *( SP / HTAB ) ":" SWS).  Fast
    // path: the text before the first ':' is looked up as a known name;
    // a match proves it is a token, and ':' and whitespace are not token
    // bytes, so it is the same name the byte-by-byte scan below finds.
    // (The word-wise match folds case with |0x20, under which only CR
    // could pass for a name byte, "-"; a line without a bare CR has none.)
    HeaderId id = HeaderId::Other;
    bool looked_up = false;
    std::size_t i = pos;
    std::string_view name;
    if (!inner_cr) {
      // Names are short: the ':' is nearly always in the first block,
      // which row_end() looked at.
      const std::size_t colon = colon_hint != kColonNotInFirstBlock
                                    ? colon_hint
                                    : find_either_padded(bytes.data(), pos + 16, end, ':', ':');
      if (colon != npos) {
        std::size_t name_end = colon;
        // (syntax::maybe_ws: one compare settles a name byte.)
        while (name_end > pos && syntax::maybe_ws(bytes[name_end - 1]) && syntax::is_ws(bytes[name_end - 1]))
          --name_end;
        name = std::string_view(bytes.data() + pos, name_end - pos);
        id = internal::header_id_hashed(name);
        looked_up = true;
        if (id != HeaderId::Other) i = colon;
      }
    }
    if (i == pos) {
      while (i < end && syntax::is_token(bytes[i])) ++i;
      if (i == pos) return err(pos, "header name must be a token");
      name = bytes.substr(pos, i - pos);
      while (i < end && syntax::is_ws(bytes[i])) ++i;
      if (i >= end || bytes[i] != ':') return err(i, "expected ':' after header name");
      // A valid name ends right before the first ':' (less whitespace),
      // i.e. it is the text the fast path looked up.
      if (!looked_up) id = internal::header_id_hashed(name);
    }
    // The value without the SWS after ':' and the whitespace before CRLF
    // (bytes[end] is CR, so neither scan leaves the line).
    // (syntax::maybe_ws: one compare passes a value byte; and ": " before
    // the value is what nearly every row holds.)
    std::size_t value_start = i + 1;
    if (bytes[value_start] == ' ' && !syntax::maybe_ws(bytes[value_start + 1])) {
      ++value_start;
    } else {
      while (value_start < end && syntax::is_ws(bytes[value_start])) ++value_start;
    }
    std::size_t value_end = end;
    while (value_end > value_start && syntax::maybe_ws(bytes[value_end - 1]) && syntax::is_ws(bytes[value_end - 1]))
      --value_end;
    std::string_view value(bytes.data() + value_start, value_end - value_start);
    std::size_t piece_offset = value_start;
    pos = end + 2;
    // Folding (§7.3.1): a following line starting with SP/HT continues this
    // value; CRLF plus the surrounding whitespace becomes one SP.  The
    // unfolded value is written to the buffer's second half; `segments`
    // maps its offsets back to the wire for error reports.
    // (bytes.data()[pos] is a slack zero when pos == bytes.size().)
    const bool is_folded = syntax::is_ws(bytes.data()[pos]);
    if (is_folded) {
      segments.clear();
      char* folded = b.fold_space();
      std::size_t n = value.size();
      std::memcpy(folded, value.data(), n);
      segments.push_back({0, piece_offset});
      while (pos < bytes.size() && syntax::is_ws(bytes[pos])) {
        bool cont_cr = false;
        std::size_t cont_end = line_end(bytes, pos, bare_lf, cont_cr);
        if (cont_end == npos) return err(bytes.size(), "header section not terminated by an empty line");
        if (bare_lf) return err(cont_end, "bare LF in header section");
        std::size_t cs = syntax::skip_ws(bytes, pos);
        if (cs > cont_end) cs = cont_end;
        std::string_view cont = syntax::trim(bytes.substr(cs, cont_end - cs));
        if (!cont.empty()) {
          if (n != 0) folded[n++] = ' ';
          segments.push_back({n, cs});
          std::memcpy(folded + n, cont.data(), cont.size());
          n += cont.size();
        }
        pos = cont_end + 2;
      }
      b.used_fold_space(n);
      value = std::string_view(folded, n);
    }
    if ((inner_cr || is_folded) && std::memchr(value.data(), '\r', value.size()) != nullptr)
      return err(line_start, "bare CR in header value");
    b.add_row(id, name, value);
    if (id == HeaderId::Other) continue;
    if (auto e = b.header(id, value)) {
      std::size_t raw = piece_offset + e->offset;
      if (is_folded)
        for (const Segment& s : segments)
          if (s.unfolded_at <= e->offset) raw = s.raw_at + (e->offset - s.unfolded_at);
      e->offset = raw;
      e->reason = std::string(canonical_name(id)) + ": " + e->reason;
      return *e;
    }
    if (id == HeaderId::CSeq) {
      cseq_value_offset = piece_offset;
      ++cseq_rows;
    } else if (id == HeaderId::ContentLength) {
      const uint32_t v = b.length_row();  // parsed by header() above
      if (length && *length != v) conflicting = true;
      length = v;
    }
  }

  // Body (§7.4.1, §18.3).
  std::size_t available = bytes.size() - pos;
  if (framing == Framing::Stream && (!length || conflicting))
    return err(pos, conflicting ? "conflicting Content-Length values on a stream" : "missing Content-Length on a stream");
  if (!length || conflicting) {
    // Datagram without a usable Content-Length: the body is the rest of the
    // datagram (§18.3); conflicting values are left for validation to reject.
    b.set_body(bytes.substr(pos));
  } else {
    if (*length > available)
      return err(pos, "Content-Length " + std::to_string(*length) + " exceeds the " + std::to_string(available) +
                          " body bytes received");
    b.set_body(bytes.substr(pos, *length));
  }

  // §8.2 / RFC 4475 §3.1.2.17-18: the CSeq method must equal the request
  // method; for an unknown method a UAS answers 501 instead of 400.
  const ParsedMessage& m = b.message();
  if (m.is_request() && cseq_rows == 1 && m.cseq()->method != m.method())
    return err(cseq_value_offset,
               "CSeq method " + std::string(m.cseq()->method) + " does not match request method " +
                   std::string(m.method()),
               known_method(m.method()) ? 400 : 501);
  return std::nullopt;
}

Expected<Message> parse_message(std::string_view bytes, Framing framing) {
  ParsedMessage parsed;
  if (auto e = parse_message_into(bytes, parsed, framing)) return *e;
  return parsed.to_message();
}

}  // namespace siplab::sip
