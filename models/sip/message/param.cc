#include "models/sip/message/param.h"

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
      while (j < s.size() && syntax::is(s[j], syntax::kTokenOrColon)) ++j;  // received may be bare IPv6
    }
    value = s.substr(value_start, j - value_start);
    i = j;
  }
  return i;
}

}  // namespace internal

bool ParamsView::find(std::string_view wanted, std::optional<std::string_view>& value) const {
  std::string_view name;
  for (std::size_t i = internal::next_param(text, header_form, 0, name, value); i != std::string_view::npos;
       i = internal::next_param(text, header_form, i, name, value))
    if (iequals(name, wanted)) return true;
  return false;
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
