#include "models/sip/message/param.h"

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

}  // namespace siplab::sip
