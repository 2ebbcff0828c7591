#include "models/sip/message/param.h"

#include <cstring>

#include "models/sip/message/syntax.h"

namespace siplab::sip {

const Param* find_param(const ParamList& params, std::string_view name) {
  for (const Param& p : params)
    if (iequals(p.name, name)) return &p;
  return nullptr;
}

Param* find_param(ParamList& params, std::string_view name) {
  for (Param& p : params)
    if (iequals(p.name, name)) return &p;
  return nullptr;
}

bool has_param(const ParamList& params, std::string_view name) {
  return find_param(params, name) != nullptr;
}

std::optional<std::string_view> param_value(const ParamList& params, std::string_view name) {
  const Param* p = find_param(params, name);
  if (p == nullptr || !p->value) return std::nullopt;
  return std::string_view(*p->value);
}

void set_param(ParamList& params, std::string_view name, std::optional<std::string_view> value) {
  std::optional<std::string> v;
  if (value) v.emplace(*value);
  if (Param* p = find_param(params, name)) {
    p->value = std::move(v);
    return;
  }
  params.push_back(Param{std::string(name), std::move(v)});
}

std::size_t remove_param(ParamList& params, std::string_view name) {
  std::size_t before = params.size();
  std::erase_if(params, [&](const Param& p) { return iequals(p.name, name); });
  return before - params.size();
}

void append_params(std::string& out, const ParamList& params) {
  for (const Param& p : params) {
    out += ';';
    out += p.name;
    if (p.value) {
      out += '=';
      out += *p.value;
    }
  }
}

namespace internal {

std::size_t next_param(std::string_view s, bool header_form, std::size_t i, std::string_view& name,
                       std::optional<std::string_view>& value) {
  constexpr std::size_t npos = std::string_view::npos;
  if (!header_form) {
    // uri-parameters: ";name[=value]" with no whitespace and no quoting.
    if (i >= s.size()) return npos;
    std::size_t start = s[i] == ';' ? i + 1 : i;
    std::size_t end = s.find(';', start);
    if (end == npos) end = s.size();
    std::string_view param = s.substr(start, end - start);
    std::size_t eq = param.find('=');
    name = param.substr(0, eq);
    value.reset();
    if (eq != npos) value = param.substr(eq + 1);
    return end;
  }
  // generic-param = token [ EQUAL gen-value ], SEMI = SWS ";" SWS,
  // EQUAL = SWS "=" SWS; gen-value = token / host / quoted-string.
  i = syntax::skip_ws(s, i);
  if (i >= s.size()) return npos;
  if (s[i] == ';') i = syntax::skip_ws(s, i + 1);
  std::size_t name_start = i;
  while (i < s.size() && syntax::is_token(s[i])) ++i;
  name = s.substr(name_start, i - name_start);
  value.reset();
  std::size_t j = syntax::skip_ws(s, i);
  if (j < s.size() && s[j] == '=') {
    j = syntax::skip_ws(s, j + 1);
    std::size_t value_start = j;
    if (j < s.size() && s[j] == '"') {
      j = syntax::scan_quoted(s, j);
      if (j == npos) j = s.size();
    } else if (j < s.size() && s[j] == '[') {
      std::size_t close = s.find(']', j);
      j = close == npos ? s.size() : close + 1;
    } else {
      j = syntax::span_token_or_colon(s, j);  // received may be bare IPv6
    }
    value = s.substr(value_start, j - value_start);
    i = j;
  }
  return i;
}

}  // namespace internal

namespace {

// Byte equality of two texts of the same length n, for n <= 16, as two
// overlapping word compares (no byte outside either text is read); false
// means "not shown equal" for n > 16, which the caller then compares
// byte by byte.
[[gnu::always_inline]] inline bool same_bytes_short(const char* a, const char* b, std::size_t n) {
  const auto eq = [&](auto word) {
    decltype(word) x, y, u, v;
    std::memcpy(&x, a, sizeof x);
    std::memcpy(&y, b, sizeof y);
    std::memcpy(&u, a + n - sizeof u, sizeof u);
    std::memcpy(&v, b + n - sizeof v, sizeof v);
    return ((x ^ y) | (u ^ v)) == 0;
  };
  if (n >= 8) return n <= 16 && eq(uint64_t{});
  if (n >= 4) return eq(uint32_t{});
  if (n >= 2) return eq(uint16_t{});
  return n == 0 || *a == *b;
}

// Parameter names compare case-insensitively (§7.3.1).
bool names_equal(std::string_view name, std::string_view wanted) {
  // Names are nearly always written as the caller spells them: an exact
  // compare (a word or two, not a memcmp call) settles most matches before
  // the case-folding one.
  return name.size() == wanted.size() &&
         (same_bytes_short(name.data(), wanted.data(), name.size()) || iequals(name, wanted));
}

// ParamsView::find for header params from text[from] on: the walk of
// next_param() in one loop, with the name compared before its value is
// delimited, so a parameter that is not wanted costs one span of its value
// and nothing else.  Steps exactly as next_param() does, so both find the
// same parameter and value in any text; where next_param() would make no
// progress (a byte that starts neither a parameter nor a separator) the
// for_each walk would never end, and this one stops with "not found".
// Kept out of line: inlined, its register saves would weigh on the common
// path of ParamsView::find (the recorded first parameter).
[[gnu::noinline]] bool find_header_param(std::string_view s, std::size_t from, std::string_view wanted,
                                         std::optional<std::string_view>& value) {
  constexpr std::size_t npos = std::string_view::npos;
  const std::size_t n = s.size();
  std::size_t i = from;
  while (true) {
    const std::size_t step_start = i;
    i = syntax::skip_ws(s, i);
    if (i >= n) return false;
    if (s[i] == ';') i = syntax::skip_ws(s, i + 1);
    const std::size_t name_start = i;
    i = syntax::span_token(s, i);
    const bool match = names_equal(s.substr(name_start, i - name_start), wanted);
    std::size_t j = syntax::skip_ws(s, i);
    if (j < n && s[j] == '=') {
      j = syntax::skip_ws(s, j + 1);
      const std::size_t value_start = j;
      if (j < n && s[j] == '"') {
        j = syntax::scan_quoted(s, j);
        if (j == npos) j = n;
      } else if (j < n && s[j] == '[') {
        const std::size_t close = syntax::find_byte(s, j, ']');
        j = close == npos ? n : close + 1;
      } else {
        j = syntax::span_token_or_colon(s, j);  // received may be a bare IPv6 address
      }
      if (match) {
        value = s.substr(value_start, j - value_start);
        return true;
      }
      i = j;
    } else if (match) {
      value.reset();
      return true;
    }
    if (i == step_start) return false;  // next_param() would stay here forever
  }
}

// uri-parameters: the next_param() walk (out of line, as find_header_param).
[[gnu::noinline]] bool find_uri_param(std::string_view text, std::string_view wanted,
                                      std::optional<std::string_view>& value) {
  std::string_view name;
  for (std::size_t i = internal::next_param(text, false, 0, name, value); i != std::string_view::npos;
       i = internal::next_param(text, false, i, name, value))
    if (iequals(name, wanted)) return true;
  return false;
}

}  // namespace

bool ParamsView::find(std::string_view wanted, std::optional<std::string_view>& value) const {
  if (!header_form) return find_uri_param(text, wanted, value);
  // The first parameter as the parser recorded it (bounds checked, so a
  // view whose text was swapped under it cannot read outside the text),
  // then the walk from the end of that parameter, where next_param()
  // would continue.
  std::size_t from = 0;
  if (first_name_end != 0 && first_name_end <= text.size() && first_value_end <= text.size() &&
      first_name_at < first_name_end && first_value_at <= first_value_end) {
    // (Views built from the offsets checked just above.)
    if (names_equal(std::string_view(text.data() + first_name_at, first_name_end - first_name_at), wanted)) {
      if (first_value_at != 0)
        value = std::string_view(text.data() + first_value_at, first_value_end - first_value_at);
      else
        value.reset();
      return true;
    }
    from = first_value_at != 0 ? first_value_end : first_name_end;
  }
  return find_header_param(text, from, wanted, value);
}

std::optional<std::string_view> ParamsView::value(std::string_view wanted) const {
  std::optional<std::string_view> v;
  return find(wanted, v) ? v : std::nullopt;
}

bool ParamsView::has(std::string_view wanted) const {
  std::optional<std::string_view> v;
  return find(wanted, v);
}

ParamList ParamsView::to_list() const {
  ParamList out;
  for_each([&](std::string_view name, std::optional<std::string_view> value) {
    Param& p = out.emplace_back();
    p.name.assign(name);
    if (value) p.value.emplace(*value);
  });
  return out;
}

}  // namespace siplab::sip
