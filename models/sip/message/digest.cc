// Digest authentication: auth-param syntax (RFC 7235 §2.1, RFC 3261 §25.1),
// the Digest parameter sets (RFC 2617 §3.2, RFC 7616 §3.3-3.4, RFC 8760) and
// the response computation through OpenSSL EVP.
#include "models/sip/message/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <bit>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "models/sip/message/inline_vector.h"
#include "models/sip/message/internal.h"
#include "models/sip/message/syntax.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace siplab::sip {
namespace {

// ---------------------------------------------------------------------------
// Character classes

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" /
// "+" / "`" / "'" / "~"), one table load per byte.
bool is_token_char(char c) { return syntax::is_token(c); }

// Bytes a quoted-string holds as themselves: qdtext (§25.1) other than the
// line breaks of a fold, i.e. everything but DQUOTE, "\", CR, LF and the
// controls (HTAB allowed).
constexpr std::array<bool, 256> make_plain_qdtext() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[static_cast<std::size_t>(c)] = (c >= 0x20 || c == '\t') && c != 0x7f && c != '"' && c != '\\';
  return t;
}
constexpr std::array<bool, 256> kPlainQdtext = make_plain_qdtext();

// Index of the first byte at or after `from` that is not plain qdtext, or
// t.size(): sixteen bytes per step with SSE2 (nonces, URIs and responses
// are long quoted strings).
std::size_t skip_plain_qdtext(std::string_view t, std::size_t from) {
  std::size_t p = from;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), del = _mm_set1_epi8(0x7f),
                tab = _mm_set1_epi8('\t'), below_space = _mm_set1_epi8(0x1f);
  for (; p + 16 <= t.size(); p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + p));
    // Unsigned v <= 0x1F: saturating subtract leaves zero.
    const __m128i control = _mm_andnot_si128(_mm_cmpeq_epi8(v, tab),
                                             _mm_cmpeq_epi8(_mm_subs_epu8(v, below_space), _mm_setzero_si128()));
    const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                      _mm_or_si128(_mm_cmpeq_epi8(v, del), control));
    const int hits = _mm_movemask_epi8(stop);
    if (hits != 0) return p + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
  }
#endif
  while (p < t.size() && kPlainQdtext[static_cast<unsigned char>(t[p])]) ++p;
  return p;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

bool is_hex_string(std::string_view s) { return syntax::span_hex(s, 0) == s.size(); }

// LWS as a header value may still carry it (RFC 3261 §25.1: folding is
// whitespace); the message parser normally unfolds first.
// One compare and one bit test: SP (32), HT (9), LF (10) and CR (13) are
// the set bits of the mask, and no byte above SP is LWS.
constexpr bool is_lws(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= ' ' && ((0x100002600ull >> u) & 1) != 0;
}
// Checked against the plain definition for every byte, at compile time.
static_assert([] {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    if (is_lws(c) != (c == ' ' || c == '\t' || c == '\r' || c == '\n')) return false;
  }
  return true;
}());

// Cold: error paths are laid out of the hot code.
[[gnu::cold]] ParseError error_at(std::size_t offset, std::string_view reason) {
  return ParseError{offset, std::string(reason), 400};
}

// ---------------------------------------------------------------------------
// auth-param scanner

// Resolves the quoted-pairs and folds (CRLF 1*WSP reads as one SP, RFC 3261
// §7.3.1) of a quoted-string's inside that the scanner has checked.
std::string unquote(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      out.push_back(raw[++i]);
    } else if (c == '\r' || c == '\n') {
      while (i + 1 < raw.size() && (raw[i + 1] == '\r' || raw[i + 1] == '\n' || raw[i + 1] == ' ' || raw[i + 1] == '\t')) ++i;
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

struct RawParam {
  std::string_view name;
  std::string_view raw;     // as written, without the quotes
  bool quoted = false;
  bool escaped = false;     // raw holds a quoted-pair or a fold
  std::size_t value_offset = 0;
  std::string value() const { return escaped ? unquote(raw) : std::string(raw); }
};
// Digest values carry about ten parameters: room for them inline.
using RawParams = InlineVector<RawParam, 16>;

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  std::size_t pos() const { return pos_; }
  void set_pos(std::size_t p) { pos_ = p; }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  std::string_view text() const { return text_; }

  // The scanning loops work on locals: through `this` the compiler would
  // reload pos_ and text_ on every byte.
  void skip_lws() {
    std::size_t p = pos_;
    const std::string_view t = text_;
    while (p < t.size() && is_lws(t[p])) ++p;
    pos_ = p;
  }

  // Length of a fold "CRLF 1*WSP" (or "LF 1*WSP") starting at `at`; 0 when
  // the line break there is not followed by whitespace.
  std::size_t fold_length(std::size_t at) const {
    std::size_t i = at;
    if (i < text_.size() && text_[i] == '\r') ++i;
    if (i >= text_.size() || text_[i] != '\n') return 0;
    ++i;
    const std::size_t wsp_start = i;
    while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t')) ++i;
    return i == wsp_start ? 0 : i - at;
  }

  std::string_view read_token() {
    const std::size_t start = pos_;
    const std::string_view t = text_;
    const std::size_t p = syntax::span_token(t, start);
    pos_ = p;
    return t.substr(start, p - start);
  }

  // At an opening DQUOTE.  RFC 3261 §25.1: quoted-pair = "\" (%x00-09 /
  // %x0B-0C / %x0E-7F); qdtext excludes DQUOTE and "\" and the controls
  // other than LWS.
  [[gnu::always_inline]] std::optional<ParseError> read_quoted(std::string_view& raw, bool& escaped) {
    const std::size_t open = pos_;
    ++pos_;
    escaped = false;
    while (pos_ < text_.size()) {
      pos_ = skip_plain_qdtext(text_, pos_);
      if (pos_ >= text_.size()) break;
      const char c = text_[pos_];
      if (c == '"') {
        raw = std::string_view(text_.data() + open + 1, pos_ - open - 1);  // (both inside text_)
        ++pos_;
        return std::nullopt;
      }
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) break;
        const auto quoted = static_cast<unsigned char>(text_[pos_ + 1]);
        if (quoted == '\r' || quoted == '\n' || quoted > 0x7f)
          return error_at(pos_, "invalid quoted-pair");
        escaped = true;
        pos_ += 2;
        continue;
      }
      if (c == '\r' || c == '\n') {
        // Only a fold (CRLF 1*WSP) may break a quoted-string; it reads as
        // one SP (RFC 3261 §7.3.1).  A bare line break would end the header
        // line, and re-emitting it would inject a header.
        const std::size_t fold = fold_length(pos_);
        if (fold == 0) return error_at(pos_, "line break in quoted-string");
        escaped = true;
        pos_ += fold;
        continue;
      }
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f)
        return error_at(pos_, "control character in quoted-string");
      ++pos_;
    }
    return error_at(open, "unterminated quoted-string");
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// After a comma inside a challenge list: does a new challenge (auth-scheme)
// start at `pos`, rather than another auth-param?  A scheme is a token not
// followed by "=" (RFC 7235 §2.1).
bool new_scheme_starts(std::string_view text, std::size_t pos) {
  Scanner s(text);
  s.set_pos(pos);
  s.skip_lws();
  if (s.read_token().empty()) return false;
  s.skip_lws();
  return s.at_end() || s.peek() != '=';
}

// Reads "name = value" pairs separated by commas until the end of the text
// or, when `list_mode`, until a comma followed by a new scheme.  Empty list
// elements are ignored (RFC 7230 §7).
// The auth-params of one challenge or credential, in order, each handed
// to on_param(const RawParam&) as it is read; stops at the end, at the
// first syntax error, or (list_mode) before a comma that starts another
// scheme.  Inline: read_params() keeps the parameters, the credentials'
// one-pass parse checks them as they come.
template <typename OnParam>
[[gnu::always_inline]] inline std::optional<ParseError> scan_params(Scanner& s, bool list_mode, OnParam&& on_param) {
  // The position lives in a local (through `s` the compiler would reload
  // and store it around every byte); `s` is synced for read_quoted and on
  // the way out.
  const std::string_view t = s.text();
  const std::size_t n = t.size();
  std::size_t p = s.pos();
  auto skip_lws = [&] {
    while (p < n && is_lws(t[p])) ++p;
  };
  auto done = [&](std::optional<ParseError> result) {
    s.set_pos(p);
    return result;
  };
  while (true) {
    skip_lws();
    if (p >= n) return done(std::nullopt);
    if (t[p] == ',') {
      if (list_mode && new_scheme_starts(t, p + 1)) return done(std::nullopt);
      ++p;
      continue;
    }
    const std::size_t name_at = p;
    p = syntax::span_token(t, p);
    const std::string_view name = t.substr(name_at, p - name_at);
    if (name.empty()) return done(error_at(name_at, "expected a parameter name"));
    skip_lws();
    if (p >= n || t[p] != '=') return done(error_at(p, "missing '=' after parameter '" + std::string(name) + "'"));
    ++p;
    skip_lws();
    RawParam param;
    param.name = name;
    param.value_offset = p;
    if (p >= n) return done(error_at(p, "missing value for parameter '" + std::string(name) + "'"));
    if (t[p] == '"') {
      s.set_pos(p);
      if (auto err = s.read_quoted(param.raw, param.escaped)) return err;
      p = s.pos();
      param.quoted = true;
    } else {
      const std::size_t value_at = p;
      p = syntax::span_token(t, p);
      param.raw = t.substr(value_at, p - value_at);
      if (param.raw.empty()) return done(error_at(p, "missing value for parameter '" + std::string(name) + "'"));
    }
    on_param(param);
    skip_lws();
    if (p < n && t[p] != ',') return done(error_at(p, "expected ',' between parameters"));
  }
}

std::optional<ParseError> read_params(Scanner& s, bool list_mode, RawParams& out) {
  return scan_params(s, list_mode, [&out](const RawParam& param) { out.push_back(param); });
}

// RFC 7235 §2.1: each parameter name MUST only occur once per challenge.
std::optional<ParseError> check_duplicates(const RawParams& params) {
  for (std::size_t i = 0; i < params.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (iequal(params[i].name, params[j].name))
        return error_at(params[i].value_offset,
                        "duplicate parameter '" + std::string(params[i].name) + "'");
  return std::nullopt;
}

// Splits "auth, auth-int" (RFC 2617 §3.2.1 qop-options) into tokens.
std::optional<ParseError> split_qop_options(const RawParam& p, std::vector<std::string>& out) {
  std::size_t i = 0;
  const std::string value = p.value();
  const std::string_view v = value;
  while (i < v.size()) {
    while (i < v.size() && (is_lws(v[i]) || v[i] == ',')) ++i;
    const std::size_t start = i;
    while (i < v.size() && !is_lws(v[i]) && v[i] != ',') ++i;
    if (i == start) break;
    const std::string_view item = v.substr(start, i - start);
    if (!is_token(item)) return error_at(p.value_offset, "qop option is not a token");
    out.emplace_back(item);
  }
  return std::nullopt;
}

void split_domain(std::string_view v, std::vector<std::string>& out) {
  std::size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && is_lws(v[i])) ++i;
    const std::size_t start = i;
    while (i < v.size() && !is_lws(v[i])) ++i;
    if (i > start) out.emplace_back(v.substr(start, i - start));
  }
}

AuthParam keep_unknown(const RawParam& p) { return AuthParam{std::string(p.name), p.value(), p.quoted}; }

Expected<DigestChallenge> build_challenge(const RawParams& params, std::size_t end) {
  if (auto err = check_duplicates(params)) return *err;
  DigestChallenge c;
  bool have_realm = false, have_nonce = false;
  for (const auto& p : params) {
    if (iequal(p.name, "realm")) {
      c.realm = p.value();
      have_realm = true;
    } else if (iequal(p.name, "nonce")) {
      c.nonce = p.value();
      have_nonce = true;
    } else if (iequal(p.name, "domain")) {
      split_domain(p.value(), c.domain);
    } else if (iequal(p.name, "opaque")) {
      c.opaque = p.value();
    } else if (iequal(p.name, "stale")) {
      // RFC 2617 §3.2.1: anything other than "true" means not stale.
      c.stale = iequal(p.raw, "true");
    } else if (iequal(p.name, "algorithm")) {
      if (!is_token(p.value())) return error_at(p.value_offset, "algorithm is not a token");
      c.algorithm = p.value();
    } else if (iequal(p.name, "qop")) {
      if (auto err = split_qop_options(p, c.qop_options)) return *err;
    } else if (iequal(p.name, "charset")) {
      c.charset = p.value();
    } else if (iequal(p.name, "userhash")) {
      c.userhash = iequal(p.raw, "true");
    } else {
      c.other_params.push_back(keep_unknown(p));
    }
  }
  // RFC 2617 §3.2.1 / RFC 7616 §3.3: realm and nonce are required.
  if (!have_realm) return error_at(end, "Digest challenge without realm");
  if (!have_nonce) return error_at(end, "Digest challenge without nonce");
  return c;
}

// The Digest credential parameters (RFC 2617 §3.2.2, RFC 7616 §3.4).
enum class CredField : uint8_t { Username, Realm, Nonce, Uri, Response, Algorithm, Cnonce, Opaque, Qop, Nc, Userhash, Other };

// Parameter names compared a word at a time: the first N (<= 8) bytes of
// a name, case-folded by OR-ing 0x20, against a lowercase name packed the
// same way.  For token bytes (read_token() gives only those) OR-ing 0x20
// maps only "A"-"Z" onto "a"-"z", so equal words mean equal names.
constexpr uint64_t packed(std::string_view lower) {
  uint64_t w = 0;
  for (std::size_t i = 0; i < lower.size() && i < 8; ++i) w |= static_cast<uint64_t>(static_cast<unsigned char>(lower[i])) << (8 * i);
  return w;
}
template <std::size_t N>
uint64_t folded(const char* p) {
  static_assert(N >= 1 && N <= 8 && std::endian::native == std::endian::little);
  uint64_t w = 0;
  std::memcpy(&w, p, N);
  return w | (0x2020202020202020ull >> (8 * (8 - N)));
}

// Which field a parameter name is, by length first (one compare at most).
[[gnu::always_inline]] inline CredField credential_field(std::string_view name) {
  const char* p = name.data();
  switch (name.size()) {
    case 2: return folded<2>(p) == packed("nc") ? CredField::Nc : CredField::Other;
    case 3: {
      const uint64_t w = folded<3>(p);
      return w == packed("uri") ? CredField::Uri : w == packed("qop") ? CredField::Qop : CredField::Other;
    }
    case 5: {
      const uint64_t w = folded<5>(p);
      return w == packed("realm") ? CredField::Realm : w == packed("nonce") ? CredField::Nonce : CredField::Other;
    }
    case 6: {
      const uint64_t w = folded<6>(p);
      return w == packed("cnonce") ? CredField::Cnonce : w == packed("opaque") ? CredField::Opaque : CredField::Other;
    }
    case 8: {
      const uint64_t w = folded<8>(p);
      return w == packed("username")   ? CredField::Username
             : w == packed("response") ? CredField::Response
             : w == packed("userhash") ? CredField::Userhash
                                       : CredField::Other;
    }
    case 9:
      return folded<8>(p) == packed("algorithm") && (p[8] | 0x20) == 'm' ? CredField::Algorithm : CredField::Other;
    default: return CredField::Other;
  }
}

bool is_credential_field(std::string_view name) { return credential_field(name) != CredField::Other; }

// The Digest credential checks, one parameter at a time, shared by
// build_credentials_view() (over stored parameters) and the one-pass
// read_credentials_view() (which stores none).
struct CredentialState {
  uint32_t seen = 0;          // bit per CredField met
  std::size_t qop_at = 0;     // value offset of qop, when seen
  InlineVector<std::string_view, 4> others;  // names no field takes, for the duplicate check
};

// What take_credential() found wrong with a parameter (the error text
// follows from it and the parameter: credential_error()).
enum class CredCheck : uint8_t { Ok, Duplicate, ResponseNotHex, AlgorithmNotToken, QopNotToken, NcNotHex };

ParseError credential_error(CredCheck check, const RawParam& p) {
  switch (check) {
    case CredCheck::Duplicate: return error_at(p.value_offset, "duplicate parameter '" + std::string(p.name) + "'");
    case CredCheck::ResponseNotHex: return error_at(p.value_offset, "response is not hex");
    case CredCheck::AlgorithmNotToken: return error_at(p.value_offset, "algorithm is not a token");
    case CredCheck::QopNotToken: return error_at(p.value_offset, "qop is not a token");
    case CredCheck::NcNotHex: return error_at(p.value_offset, "nc is not 8 hex digits");
    case CredCheck::Ok: break;
  }
  return error_at(p.value_offset, "internal error: no credential error");
}

// One parameter, in order: what build_credentials_view() rejects it for,
// or Ok having recorded it in `c`.  Inline: it runs for every parameter of
// every Authorization row.
[[gnu::always_inline]] inline CredCheck take_credential(const RawParam& p, CredentialState& st,
                                                        DigestCredentialsView& c) {
  // RFC 7235 §2.1: each parameter name only once.  Known names are tracked
  // in a bit set; unknown ones (rare) are compared pairwise.  (An unknown
  // name never equals a known one: credential_field() folds case exactly.)
  const CredField field = credential_field(p.name);
  const uint32_t bit = 1u << static_cast<unsigned>(field);
  if (field != CredField::Other && (st.seen & bit) != 0) return CredCheck::Duplicate;
  st.seen |= bit;
  c.escaped |= p.escaped;
  switch (field) {
    case CredField::Username: c.username = p.raw; break;
    case CredField::Realm: c.realm = p.raw; break;
    case CredField::Nonce: c.nonce = p.raw; break;
    case CredField::Uri: c.uri = p.raw; break;
    case CredField::Response:
      // RFC 2617 §3.2.2: request-digest = <"> 32LHEX <">; RFC 8760 §2.6
      // allows longer hashes and an empty value before any challenge.
      if (!is_hex_string(p.escaped ? p.value() : p.raw)) return CredCheck::ResponseNotHex;
      c.response = p.raw;
      break;
    case CredField::Algorithm:
      if (!is_token(p.escaped ? p.value() : p.raw)) return CredCheck::AlgorithmNotToken;
      c.algorithm = p.raw;
      break;
    case CredField::Cnonce: c.cnonce = p.raw; break;
    case CredField::Opaque: c.opaque = p.raw; break;
    case CredField::Qop:
      if (!is_token(p.escaped ? p.value() : p.raw)) return CredCheck::QopNotToken;
      c.qop = p.raw;
      st.qop_at = p.value_offset;
      break;
    case CredField::Nc: {
      // RFC 2617 §3.2.2: nc-value = 8LHEX.  Kept as sent: it is hashed as text.
      const std::string_view nc = p.escaped ? std::string_view() : p.raw;
      if (nc.size() != 8 || !is_hex_string(nc)) return CredCheck::NcNotHex;
      c.nc = p.raw;
      break;
    }
    case CredField::Userhash: c.userhash = iequal(p.raw, "true"); break;
    case CredField::Other:
      for (std::string_view other : st.others)
        if (iequal(p.name, other)) return CredCheck::Duplicate;
      st.others.push_back(p.name);
      break;
  }
  return CredCheck::Ok;
}

// After the last parameter (`end`: where the value ends): the required ones.
std::optional<ParseError> finish_credentials(const CredentialState& st, std::size_t end,
                                             const DigestCredentialsView& c) {
  auto has = [&](CredField f) { return (st.seen & (1u << static_cast<unsigned>(f))) != 0; };
  if (!has(CredField::Username)) return error_at(end, "Digest credentials without username");
  if (!has(CredField::Realm)) return error_at(end, "Digest credentials without realm");
  if (!has(CredField::Nonce)) return error_at(end, "Digest credentials without nonce");
  if (!has(CredField::Uri)) return error_at(end, "Digest credentials without uri");
  if (!has(CredField::Response)) return error_at(end, "Digest credentials without response");
  // RFC 2617 §3.2.2: cnonce and nc MUST be sent when qop is.
  const std::size_t qop_at = has(CredField::Qop) ? st.qop_at : end;
  if (!c.qop.empty() && !c.cnonce) return error_at(qop_at, "qop without cnonce");
  if (!c.qop.empty() && !has(CredField::Nc)) return error_at(qop_at, "qop without nc");
  return std::nullopt;
}

// The Digest credentials into views: the checks every caller gets, without
// copying a value.
std::optional<ParseError> build_credentials_view(const RawParams& params, std::size_t end, DigestCredentialsView& c) {
  CredentialState st;
  for (const RawParam& p : params)
    if (const CredCheck check = take_credential(p, st, c); check != CredCheck::Ok) return credential_error(check, p);
  return finish_credentials(st, end, c);
}

// read_params() (not in list mode) and build_credentials_view() in one
// pass, storing no parameter: parse_credentials_view() runs it for every
// Authorization row.  The errors are the same: read_params() reads the
// whole value before anything is built, so every syntax error comes
// before any check of build_credentials_view(); the first of those met on
// the way is kept and given only once the syntax is known good.
std::optional<ParseError> read_credentials_view(Scanner& s, DigestCredentialsView& c) {
  CredentialState st;
  // build_credentials_view()'s first error, and the parameter it is about.
  CredCheck check = CredCheck::Ok;
  RawParam failed;
  if (auto err = scan_params(s, false, [&](const RawParam& param) {
        if (check == CredCheck::Ok && (check = take_credential(param, st, c)) != CredCheck::Ok) failed = param;
      }))
    return err;
  if (check != CredCheck::Ok) return credential_error(check, failed);
  return finish_credentials(st, s.pos(), c);
}

Expected<DigestCredentials> build_credentials(const RawParams& params, std::size_t end) {
  DigestCredentialsView v;
  if (auto err = build_credentials_view(params, end, v)) return *err;
  // A token never holds '\\' or a line break, so unquote() is right for
  // every field when some quoted value was escaped.
  auto owned = [&](std::string_view f) { return v.escaped ? unquote(f) : std::string(f); };
  DigestCredentials c;
  c.username = owned(v.username);
  c.realm = owned(v.realm);
  c.nonce = owned(v.nonce);
  c.uri = owned(v.uri);
  c.response = owned(v.response);
  c.algorithm = owned(v.algorithm);
  if (v.cnonce) c.cnonce = owned(*v.cnonce);
  if (v.opaque) c.opaque = owned(*v.opaque);
  c.qop = owned(v.qop);
  c.nc = owned(v.nc);
  c.userhash = v.userhash;
  for (const RawParam& p : params)
    if (!is_credential_field(p.name)) c.other_params.push_back(keep_unknown(p));
  return c;
}

// Reads one challenge or credentials value starting at the scanner position.
// `build` turns the Digest parameters into a challenge or credentials.
template <class Value, class Builder>
Expected<Value> parse_one(Scanner& s, bool list_mode, Builder build) {
  s.skip_lws();
  if (s.at_end()) return error_at(s.pos(), "empty authentication value");
  const std::size_t scheme_at = s.pos();
  const std::string_view scheme = s.read_token();
  if (scheme.empty()) return error_at(scheme_at, "expected an authentication scheme");
  if (!s.at_end() && !is_lws(s.peek()) && s.peek() != ',')
    return error_at(s.pos(), "invalid character in authentication scheme");

  // RFC 7235 §2.1: auth-scheme is case-insensitive.
  if (iequal(scheme, "Digest")) {
    RawParams params;
    if (auto err = read_params(s, list_mode, params)) return *err;
    auto built = build(params, s.pos());
    if (!built) return built.error();
    return Value(std::move(built).value());
  }

  // Other scheme: carry the rest raw, up to the next scheme in list mode.
  s.skip_lws();
  const std::size_t data_start = s.pos();
  std::size_t data_end = s.text().size();
  std::size_t i = data_start;
  std::string_view quoted;
  bool escaped = false;
  while (i < s.text().size()) {
    const char c = s.text()[i];
    if (c == '"') {
      s.set_pos(i);
      if (auto err = s.read_quoted(quoted, escaped)) return *err;
      i = s.pos();
      continue;
    }
    if (c == '\r' || c == '\n') {
      // Raw data is re-emitted verbatim: only folds are allowed in it.
      const std::size_t fold = s.fold_length(i);
      if (fold == 0) return error_at(i, "line break in authentication data");
      i += fold;
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
      return error_at(i, "control character in authentication data");
    if (c == ',' && list_mode && new_scheme_starts(s.text(), i + 1)) {
      data_end = i;
      break;
    }
    ++i;
  }
  std::size_t trimmed_end = data_end;
  while (trimmed_end > data_start && is_lws(s.text()[trimmed_end - 1])) --trimmed_end;
  s.set_pos(data_end);
  return Value(OtherAuthScheme{std::string(scheme),
                               std::string(s.text().substr(data_start, trimmed_end - data_start))});
}

// ---------------------------------------------------------------------------
// Serialization

// RFC 3261 §25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F), so
// DQUOTE, backslash and the control characters are escaped.  CR and LF have
// no escaped form and a raw one would end the header line, so they are
// written as SP, which is what a receiver makes of a fold (§7.3.1).
void append_quoted(std::string& out, std::string_view v) {
  out.push_back('"');
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r' || c == '\n') {
      out.push_back(' ');
      continue;
    }
    if (c == '"' || c == '\\' || (u < 0x20 && c != '\t') || u == 0x7f) out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

// Raw auth data keeps its folds; a bare CR or LF (only possible in a value
// built by hand, parse rejects it) becomes SP so it cannot inject a header.
void append_raw_data(std::string& out, std::string_view v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '\r' || c == '\n') {
      std::size_t j = i;
      if (v[j] == '\r' && j + 1 < v.size() && v[j + 1] == '\n') ++j;
      const bool fold = v[j] == '\n' && j + 1 < v.size() && (v[j + 1] == ' ' || v[j + 1] == '\t');
      if (fold) {
        out.append(v.substr(i, j + 1 - i));
        i = j;
      } else {
        out.push_back(' ');
      }
      continue;
    }
    out.push_back(c);
  }
}

// Appends ", name=value" (or "Digest name=value" for the first one).
class ParamWriter {
 public:
  explicit ParamWriter(std::string& out) : out_(out) { out_ += "Digest"; }

  void quoted(std::string_view name, std::string_view value) {
    start(name);
    append_quoted(out_, value);
  }
  // A token value when it is one; quoted otherwise, so the output stays
  // parseable whatever a caller put in the field.
  void token(std::string_view name, std::string_view value) {
    start(name);
    if (is_token(value))
      out_ += value;
    else
      append_quoted(out_, value);
  }
  void other(const AuthParam& p) {
    if (p.quoted) quoted(p.name, p.value);
    else token(p.name, p.value);
  }

 private:
  void start(std::string_view name) {
    out_ += first_ ? " " : ", ";
    first_ = false;
    out_ += name;
    out_.push_back('=');
  }
  std::string& out_;
  bool first_ = true;
};

// ---------------------------------------------------------------------------
// Hashing

const EVP_MD* evp_for(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::Md5:
    case DigestAlgorithm::Md5Sess:
      return EVP_md5();
    case DigestAlgorithm::Sha256:
    case DigestAlgorithm::Sha256Sess:
      return EVP_sha256();
    case DigestAlgorithm::Sha512_256:
    case DigestAlgorithm::Sha512_256Sess:
      return EVP_sha512_256();
  }
  return EVP_md5();
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

// Feeds pieces into one reusable EVP context per thread (no allocation per
// hash) and renders lower-case hex.
class DigestHasher {
 public:
  explicit DigestHasher(DigestAlgorithm a) : ctx_(context()) {
    if (EVP_DigestInit_ex(ctx_, evp_for(a), nullptr) != 1)
      throw std::runtime_error("EVP_DigestInit_ex failed");
  }
  void update(std::string_view data) {
    if (!data.empty()) EVP_DigestUpdate(ctx_, data.data(), data.size());
  }
  HexDigest finish() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    static constexpr char kHex[] = "0123456789abcdef";
    HexDigest out;
    for (unsigned int i = 0; i < len; ++i) {
      out.buf_[2 * i] = kHex[md[i] >> 4];
      out.buf_[2 * i + 1] = kHex[md[i] & 0xf];
    }
    out.size_ = static_cast<uint8_t>(2 * len);
    return out;
  }

 private:
  static EVP_MD_CTX* context() {
    thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx) throw std::runtime_error("EVP_MD_CTX_new failed");
    return ctx.get();
  }
  EVP_MD_CTX* ctx_;
};

// ---------------------------------------------------------------------------
// Parsing entry points

Expected<ChallengeValue> parse_challenge(std::string_view value) {
  Scanner s(value);
  return parse_one<ChallengeValue>(s, false, build_challenge);
}

Expected<CredentialsValue> parse_credentials(std::string_view value) {
  Scanner s(value);
  return parse_one<CredentialsValue>(s, false, build_credentials);
}

Expected<DigestCredentialsView> parse_credentials_view(std::string_view value) {
  Scanner s(value);
  s.skip_lws();
  const std::string_view scheme = s.read_token();
  DigestCredentialsView view;
  view.text = value;
  view.scheme = scheme;
  // (A word compare: iequal()'s byte loop cost more than the rest of the
  // scheme's handling; both are exact ASCII case-insensitive compares.)
  if (!internal::iequals_letters(scheme, "digest")) {
    // Another scheme, or an error: parse_one gives the verdict and its error.
    auto owned = parse_credentials(value);
    if (!owned) return owned.error();
    return view;
  }
  if (!s.at_end() && !is_lws(s.peek()) && s.peek() != ',')
    return error_at(s.pos(), "invalid character in authentication scheme");
  view.is_digest = true;
  if (auto err = read_credentials_view(s, view)) return *err;
  return view;
}

CredentialsValue DigestCredentialsView::to_credentials() const {
  // `text` parsed before, so this cannot fail.
  return *parse_credentials(text);
}

Expected<std::vector<ChallengeValue>> parse_challenge_list(std::string_view value) {
  Scanner s(value);
  std::vector<ChallengeValue> out;
  while (true) {
    auto one = parse_one<ChallengeValue>(s, true, build_challenge);
    if (!one) return one.error();
    out.push_back(std::move(one).value());
    s.skip_lws();
    if (s.at_end()) return out;
    // parse_one stops only at the end or at a comma before a new scheme.
    s.set_pos(s.pos() + 1);
  }
}

std::string serialize(const DigestChallenge& c) {
  std::string out;
  out.reserve(64 + c.realm.size() + c.nonce.size() + (c.opaque ? c.opaque->size() : 0));
  ParamWriter w(out);
  w.quoted("realm", c.realm);
  if (!c.domain.empty()) {
    std::string joined;
    for (const auto& d : c.domain) {
      if (!joined.empty()) joined.push_back(' ');
      joined += d;
    }
    w.quoted("domain", joined);
  }
  w.quoted("nonce", c.nonce);
  if (c.opaque) w.quoted("opaque", *c.opaque);
  if (c.stale) w.token("stale", "true");
  if (!c.algorithm.empty()) w.token("algorithm", c.algorithm);
  if (!c.qop_options.empty()) {
    // RFC 2617 §3.2.1: qop-options is a quoted list.
    std::string joined;
    for (const auto& q : c.qop_options) {
      if (!joined.empty()) joined.push_back(',');
      joined += q;
    }
    w.quoted("qop", joined);
  }
  if (c.charset) w.token("charset", *c.charset);
  if (c.userhash) w.token("userhash", "true");
  for (const auto& p : c.other_params) w.other(p);
  return out;
}

std::string serialize(const DigestCredentials& c) {
  std::string out;
  out.reserve(128 + c.username.size() + c.realm.size() + c.nonce.size() + c.uri.size() +
               c.response.size() + (c.opaque ? c.opaque->size() : 0));
  ParamWriter w(out);
  w.quoted("username", c.username);
  w.quoted("realm", c.realm);
  w.quoted("nonce", c.nonce);
  w.quoted("uri", c.uri);
  w.quoted("response", c.response);
  if (!c.algorithm.empty()) w.token("algorithm", c.algorithm);
  if (c.cnonce) w.quoted("cnonce", *c.cnonce);
  if (c.opaque) w.quoted("opaque", *c.opaque);
  if (!c.qop.empty()) w.token("qop", c.qop);
  if (!c.nc.empty()) w.token("nc", c.nc);
  if (c.userhash) w.token("userhash", "true");
  for (const auto& p : c.other_params) w.other(p);
  return out;
}

std::string serialize(const OtherAuthScheme& o) {
  if (o.data.empty()) return o.scheme;
  std::string out;
  out.reserve(o.scheme.size() + 1 + o.data.size());
  out += o.scheme;
  out.push_back(' ');
  append_raw_data(out, o.data);
  return out;
}

std::string serialize(const ChallengeValue& v) {
  return std::visit([](const auto& x) { return serialize(x); }, v);
}

std::string serialize(const CredentialsValue& v) {
  return std::visit([](const auto& x) { return serialize(x); }, v);
}

// ---------------------------------------------------------------------------
// Algorithms

std::string_view to_token(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::Md5: return "MD5";
    case DigestAlgorithm::Md5Sess: return "MD5-sess";
    case DigestAlgorithm::Sha256: return "SHA-256";
    case DigestAlgorithm::Sha256Sess: return "SHA-256-sess";
    case DigestAlgorithm::Sha512_256: return "SHA-512-256";
    case DigestAlgorithm::Sha512_256Sess: return "SHA-512-256-sess";
  }
  return "MD5";
}

std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view token) {
  if (token.empty()) return DigestAlgorithm::Md5;  // RFC 2617 §3.2.1 default
  for (auto a : {DigestAlgorithm::Md5, DigestAlgorithm::Md5Sess, DigestAlgorithm::Sha256,
                 DigestAlgorithm::Sha256Sess, DigestAlgorithm::Sha512_256,
                 DigestAlgorithm::Sha512_256Sess})
    if (iequal(token, to_token(a))) return a;
  return std::nullopt;
}

bool is_session_algorithm(DigestAlgorithm a) {
  return a == DigestAlgorithm::Md5Sess || a == DigestAlgorithm::Sha256Sess ||
         a == DigestAlgorithm::Sha512_256Sess;
}

std::size_t hex_length(DigestAlgorithm a) {
  return (a == DigestAlgorithm::Md5 || a == DigestAlgorithm::Md5Sess) ? 32 : 64;
}

std::optional<DigestQop> parse_digest_qop(std::string_view token) {
  if (token.empty()) return DigestQop::None;
  if (iequal(token, "auth")) return DigestQop::Auth;
  if (iequal(token, "auth-int")) return DigestQop::AuthInt;
  return std::nullopt;
}

HexDigest digest_hash_joined(DigestAlgorithm a, std::initializer_list<std::string_view> parts) {
  DigestHasher h(a);
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) h.update(":");
    first = false;
    h.update(p);
  }
  return h.finish();
}

HexDigest digest_hash(DigestAlgorithm a, std::string_view data) {
  DigestHasher h(a);
  h.update(data);
  return h.finish();
}

HexDigest digest_ha1(DigestAlgorithm a, std::string_view username, std::string_view realm,
                     std::string_view password, std::string_view nonce,
                     std::string_view cnonce) {
  const HexDigest base = digest_hash_joined(a, {username, realm, password});
  if (!is_session_algorithm(a)) return base;
  return digest_hash_joined(a, {base.view(), nonce, cnonce});
}

std::optional<HexDigest> digest_ha1_from_stored(DigestAlgorithm a, std::string_view stored_ha1,
                                                std::string_view nonce,
                                                std::string_view cnonce) {
  if (stored_ha1.size() != hex_length(a)) return std::nullopt;
  // from_hex lower-cases: the -sess formula hashes the hex text itself, and
  // hashes are written in lower case (RFC 2617 §3.2.2 LHEX).
  auto base = HexDigest::from_hex(stored_ha1);
  if (!base || !is_session_algorithm(a)) return base;
  return digest_hash_joined(a, {base->view(), nonce, cnonce});
}

HexDigest digest_ha2(DigestAlgorithm a, DigestQop qop, std::string_view method,
                     std::string_view uri, std::string_view body) {
  if (qop == DigestQop::AuthInt) {
    const HexDigest body_hash = digest_hash(a, body);
    return digest_hash_joined(a, {method, uri, body_hash.view()});
  }
  return digest_hash_joined(a, {method, uri});
}

HexDigest digest_request_digest(DigestAlgorithm a, std::string_view ha1, std::string_view nonce,
                                DigestQop qop, std::string_view nc, std::string_view cnonce,
                                std::string_view ha2, std::string_view qop_text) {
  switch (qop) {
    case DigestQop::None:
      return digest_hash_joined(a, {ha1, nonce, ha2});
    case DigestQop::Auth:
      return digest_hash_joined(a, {ha1, nonce, nc, cnonce, qop_text.empty() ? "auth" : qop_text, ha2});
    case DigestQop::AuthInt:
      return digest_hash_joined(a, {ha1, nonce, nc, cnonce, qop_text.empty() ? "auth-int" : qop_text, ha2});
  }
  return digest_hash_joined(a, {ha1, nonce, ha2});
}

HexDigest digest_userhash(DigestAlgorithm a, std::string_view username, std::string_view realm) {
  return digest_hash_joined(a, {username, realm});
}

std::string format_nonce_count(uint32_t nc) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, nc >>= 4) out[static_cast<std::size_t>(i)] = kHex[nc & 0xf];
  return out;
}

std::optional<HexDigest> HexDigest::from_hex(std::string_view hex) {
  if (hex.size() > 64 || !is_hex_string(hex)) return std::nullopt;
  HexDigest out;
  for (std::size_t i = 0; i < hex.size(); ++i) out.buf_[i] = lower(hex[i]);
  out.size_ = static_cast<uint8_t>(hex.size());
  return out;
}

// ---------------------------------------------------------------------------
// Client

Expected<DigestCredentials> answer_challenge(const DigestChallenge& challenge,
                                             const DigestClientInput& in) {
  const auto algorithm = parse_digest_algorithm(challenge.algorithm);
  if (!algorithm)
    return error_at(0, "unsupported Digest algorithm '" + challenge.algorithm + "'");

  // Prefer qop=auth (cheapest, hashes no body); auth-int only when it is the
  // sole option we know.  No qop offered: RFC 2069 compatible answer
  // (RFC 2617 §3.2.2.1); RFC 8760 §2.6 makes qop mandatory for new servers.
  DigestQop qop = DigestQop::None;
  if (!challenge.qop_options.empty()) {
    bool auth = false, auth_int = false;
    for (const auto& q : challenge.qop_options) {
      const auto parsed = parse_digest_qop(q);
      if (parsed == DigestQop::Auth) auth = true;
      if (parsed == DigestQop::AuthInt) auth_int = true;
    }
    if (auth) qop = DigestQop::Auth;
    else if (auth_int) qop = DigestQop::AuthInt;
    else return error_at(0, "no supported qop offered");
  }

  DigestCredentials c;
  c.realm = challenge.realm;
  c.nonce = challenge.nonce;
  c.uri.assign(in.uri);
  c.algorithm = challenge.algorithm;
  c.opaque = challenge.opaque;
  // -sess needs a cnonce for HA1 even without qop (RFC 2617 §3.2.2.2).
  const bool send_cnonce = qop != DigestQop::None || is_session_algorithm(*algorithm);
  if (send_cnonce) c.cnonce.emplace(in.cnonce);
  if (qop != DigestQop::None) {
    c.qop = qop == DigestQop::Auth ? "auth" : "auth-int";
    c.nc = format_nonce_count(in.nc);
  }
  // RFC 7616 §3.4.4: the hashed username goes in the header, the plain one
  // into HA1.
  if (in.use_userhash && challenge.userhash) {
    c.username = digest_userhash(*algorithm, in.username, challenge.realm).str();
    c.userhash = true;
  } else {
    c.username.assign(in.username);
  }
  const std::string_view cnonce = send_cnonce ? std::string_view(*c.cnonce) : std::string_view();
  const HexDigest ha1 =
      digest_ha1(*algorithm, in.username, c.realm, in.password, c.nonce, cnonce);
  const HexDigest ha2 = digest_ha2(*algorithm, qop, in.method, c.uri, in.body);
  c.response = digest_request_digest(*algorithm, ha1.view(), c.nonce, qop, c.nc, cnonce,
                                     ha2.view())
                   .str();
  return c;
}

// ---------------------------------------------------------------------------
// Server

std::string_view to_string(DigestVerdict v) {
  switch (v) {
    case DigestVerdict::Ok: return "ok";
    case DigestVerdict::WrongResponse: return "wrong response";
    case DigestVerdict::UnsupportedAlgorithm: return "unsupported algorithm";
    case DigestVerdict::UnsupportedQop: return "unsupported qop";
    case DigestVerdict::MalformedCredentials: return "malformed credentials";
  }
  return "unknown";
}

DigestVerdict verify_digest(const DigestCredentials& c, const DigestSecret& secret,
                            std::string_view method, std::string_view body,
                            std::string_view plain_username) {
  const auto algorithm = parse_digest_algorithm(c.algorithm);
  if (!algorithm) return DigestVerdict::UnsupportedAlgorithm;
  const auto qop = parse_digest_qop(c.qop);
  if (!qop) return DigestVerdict::UnsupportedQop;
  if (*qop != DigestQop::None && (!c.cnonce || c.nc.empty()))
    return DigestVerdict::MalformedCredentials;
  if (is_session_algorithm(*algorithm) && !c.cnonce) return DigestVerdict::MalformedCredentials;
  if (c.userhash && plain_username.empty()) return DigestVerdict::MalformedCredentials;

  const std::string_view cnonce = c.cnonce ? std::string_view(*c.cnonce) : std::string_view();
  const std::string_view user = c.userhash ? plain_username : std::string_view(c.username);
  HexDigest ha1;
  if (secret.kind == DigestSecret::Kind::Password) {
    ha1 = digest_ha1(*algorithm, user, c.realm, secret.value, c.nonce, cnonce);
  } else {
    auto from_stored = digest_ha1_from_stored(*algorithm, secret.value, c.nonce, cnonce);
    if (!from_stored) return DigestVerdict::MalformedCredentials;
    ha1 = *from_stored;
  }
  const HexDigest ha2 = digest_ha2(*algorithm, *qop, method, c.uri, body);
  const HexDigest expected =
      digest_request_digest(*algorithm, ha1.view(), c.nonce, *qop, c.nc, cnonce, ha2.view(), c.qop);
  const auto received = HexDigest::from_hex(c.response);
  if (!received || received->size() != expected.size()) return DigestVerdict::WrongResponse;
  // Constant time, so a timing side channel does not reveal how many leading
  // digits of a forged response were right.
  return CRYPTO_memcmp(received->view().data(), expected.view().data(), expected.size()) == 0
             ? DigestVerdict::Ok
             : DigestVerdict::WrongResponse;
}

}  // namespace siplab::sip
