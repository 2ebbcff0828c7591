// A `;name[=value]` parameter as it appears in URIs (uri-parameter, RFC 3261
// §19.1.1) and header fields (generic-param, §25.1).  Names and values are
// kept as written (values of header params may be quoted-strings, quotes
// included) so that serialization reproduces the input; lookups are
// case-insensitive on the name as the RFC requires.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siplab::sip {

struct Param {
  std::string name;
  std::optional<std::string> value;  // nullopt: no "=" (e.g. ";lr", ";rport")

  friend bool operator==(const Param&, const Param&) = default;
};

using ParamList = std::vector<Param>;

// ASCII case-insensitive equality (RFC 3261 §7.3.1 names, §19.1.4 tokens).
// Inline: header-name, parameter-name and scheme lookups call it for every
// row and parameter the parser sees.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x == y) continue;
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// First parameter named `name` (case-insensitive), or nullptr.
const Param* find_param(const ParamList& params, std::string_view name);
Param* find_param(ParamList& params, std::string_view name);
bool has_param(const ParamList& params, std::string_view name);
// Value of the first `name` parameter; nullopt when absent or valueless.
std::optional<std::string_view> param_value(const ParamList& params, std::string_view name);
// Replaces the value of the first `name` parameter or appends one.
void set_param(ParamList& params, std::string_view name, std::optional<std::string_view> value);
// Removes every `name` parameter; returns how many were removed.
std::size_t remove_param(ParamList& params, std::string_view name);

// Appends ";name=value" for each parameter to `out`.
void append_params(std::string& out, const ParamList& params);

}  // namespace siplab::sip
