#include "models/sip/message/name_addr.h"

#include "models/sip/message/internal.h"
#include "models/sip/message/syntax.h"

namespace siplab::sip {
namespace {

// Cold: error paths are laid out of the hot code.
[[gnu::cold]] ParseError err(std::size_t offset, std::string_view reason) {
  return ParseError{offset, std::string(reason), 400};
}

}  // namespace

namespace internal {

std::optional<ParseError> parse_name_addr_into(std::string_view text, NameAddrView* out) {
  // Every field is assigned below on success (uri by parse_uri_into, which
  // resets it first; angle_brackets and params at the end) except the
  // display name, which the addr-spec form leaves empty.
  if (out) {
    out->display_name = {};
    out->display_quoted = false;
  }
  std::size_t i = syntax::skip_ws(text, 0);
  if (i >= text.size()) return err(i, "empty address");
  std::size_t uri_start, uri_end, after;
  bool bracketed = false;
  if (text[i] == '"') {
    std::size_t end = syntax::scan_quoted(text, i);
    if (end == std::string_view::npos) return err(i, "unterminated quoted display name");
    if (out) {
      out->display_name = text.substr(i + 1, end - i - 2);
      out->display_quoted = true;
    }
    i = syntax::skip_ws(text, end);
    if (i >= text.size() || text[i] != '<') return err(i, "expected '<' after display name");
    bracketed = true;
  } else {
    // Either "*(token LWS) <uri>" or a bare addr-spec.  A '<' before any
    // ';' decides; RFC 4475 §3.1.1.6 accepts a token glued to '<'.
    // (A value starting "<", the usual From / To / Contact, needs no scan.)
    const bool at_lt = text[i] == '<';
    const std::size_t lt = at_lt ? i : syntax::find_either(text, i, '<', ';');
    if (at_lt) {
      if (out) {
        out->display_name = text.substr(i, 0);  // (the empty display name the general path gives)
        out->display_quoted = false;
      }
      bracketed = true;
    } else if (lt != std::string_view::npos && text[lt] == '<') {
      std::string_view names = syntax::trim(text.substr(i, lt - i));
      std::size_t j = 0;
      while (j < names.size()) {
        std::size_t start = j;
        j = syntax::span_token(names, j);
        if (j == start)
          return err(static_cast<std::size_t>(names.data() - text.data()) + j,
                     "display name must be tokens or a quoted string");
        j = syntax::skip_ws(names, j);
      }
      if (out) {
        out->display_name = names;
        out->display_quoted = false;
      }
      i = lt;
      bracketed = true;
    }
  }
  if (bracketed) {
    // LAQUOT = SWS "<" and RAQUOT = ">" SWS: no whitespace inside (§25.1,
    // RFC 4475 §3.1.2.14).
    std::size_t gt = syntax::find_byte(text, i, '>');
    if (gt == std::string_view::npos) return err(i, "missing '>'");
    uri_start = i + 1;
    uri_end = gt;
    after = gt + 1;
  } else {
    // addr-spec form: the URI ends at whitespace or ';'; what follows are
    // header parameters (§20.10), so the URI cannot carry ';', '?' or ','.
    uri_start = i;
    uri_end = i;
    while (uri_end < text.size() && text[uri_end] != ';' && !syntax::is_ws(text[uri_end])) ++uri_end;
    after = uri_end;
  }
  if (out) out->angle_brackets = bracketed;
  std::string_view uri_text = text.substr(uri_start, uri_end - uri_start);
  if (uri_text.empty()) return err(uri_start, "empty URI");
  if (!bracketed) {
    std::size_t bad = syntax::find_either(uri_text, 0, '?', ',');
    if (bad != std::string_view::npos)
      return err(uri_start + bad, "URI with '?' or ',' must be enclosed in <> (RFC 3261 §20)");
  }
  if (auto e = parse_uri_into(uri_text, out ? &out->uri : nullptr)) return err(uri_start + e->offset, e->reason);
  return parse_header_params_with(
      text, after, [](std::string_view, std::optional<std::string_view>) -> const char* { return nullptr; },
      out ? &out->params : nullptr);
}

}  // namespace internal

Expected<NameAddr> parse_name_addr(std::string_view text) {
  NameAddrView view;
  if (auto e = internal::parse_name_addr_into(text, &view)) return *e;
  return view.to_name_addr();
}

NameAddr NameAddrView::to_name_addr() const {
  NameAddr na;
  na.display_quoted = display_quoted;
  if (display_quoted) {
    na.display_name.assign(display_name);
  } else {
    // Display tokens joined by single spaces (LWS between them folds).
    for (std::size_t j = 0; j < display_name.size();) {
      std::size_t start = j;
      while (j < display_name.size() && !syntax::is_ws(display_name[j])) ++j;
      if (!na.display_name.empty()) na.display_name += ' ';
      na.display_name.append(display_name.substr(start, j - start));
      j = syntax::skip_ws(display_name, j);
    }
  }
  na.uri = uri.to_uri();
  na.angle_brackets = angle_brackets;
  na.params = params.to_list();
  return na;
}

std::optional<uint32_t> NameAddrView::expires() const { return internal::parse_delta_seconds(params.value("expires")); }

std::string NameAddr::display_name_text() const {
  if (!display_quoted) return display_name;
  std::string out;
  out.reserve(display_name.size());
  for (std::size_t i = 0; i < display_name.size(); ++i) {
    if (display_name[i] == '\\' && i + 1 < display_name.size()) ++i;
    out += display_name[i];
  }
  return out;
}

std::optional<uint32_t> NameAddr::expires() const { return internal::parse_delta_seconds(param_value(params, "expires")); }

std::optional<uint32_t> internal::parse_delta_seconds(std::optional<std::string_view> v) {
  if (!v || v->empty() || v->size() > 10) return std::nullopt;
  uint64_t n = 0;
  for (char c : *v) {
    if (!syntax::is_digit(c)) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > 0xFFFFFFFFull) return std::nullopt;
  return static_cast<uint32_t>(n);
}

std::optional<uint16_t> NameAddr::q_millis() const {
  // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (§25.1)
  auto v = param_value(params, "q");
  if (!v || v->empty()) return std::nullopt;
  std::string_view s = *v;
  if (s[0] != '0' && s[0] != '1') return std::nullopt;
  unsigned value = static_cast<unsigned>(s[0] - '0') * 1000;
  if (s.size() > 1) {
    if (s[1] != '.' || s.size() > 5) return std::nullopt;
    unsigned scale = 100;
    for (std::size_t i = 2; i < s.size(); ++i, scale /= 10) {
      if (!syntax::is_digit(s[i])) return std::nullopt;
      value += static_cast<unsigned>(s[i] - '0') * scale;
    }
  }
  if (value > 1000) return std::nullopt;
  return static_cast<uint16_t>(value);
}

void NameAddr::append_to(std::string& out) const {
  bool has_name = display_quoted || !display_name.empty();
  if (has_name) {
    if (display_quoted) out += '"';
    out += display_name;
    if (display_quoted) out += '"';
    out += ' ';
  }
  bool needs_brackets = angle_brackets || has_name || !uri.params.empty() || !uri.headers.empty() ||
                        uri.user.find_first_of(";,?") != std::string::npos ||
                        (uri.scheme == UriScheme::Other && uri.opaque.find_first_of(";,?") != std::string::npos);
  if (needs_brackets) out += '<';
  uri.append_to(out);
  if (needs_brackets) out += '>';
  append_params(out, params);
}

std::string NameAddr::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

}  // namespace siplab::sip
