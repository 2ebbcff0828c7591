// A `;name[=value]` parameter as it appears in URIs (uri-parameter, RFC 3261
// §19.1.1) and header fields (generic-param, §25.1).  Names and values are
// kept as written (values of header params may be quoted-strings, quotes
// included) so that serialization reproduces the input; lookups are
// case-insensitive on the name as the RFC requires.
#pragma once

#include <cstdint>
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

// Parameters left in their wire text (";a=b;lr"), as the zero-copy views of
// a parsed message keep them: the parser has already checked the text, so
// walking it again is cheap and allocation-free.  Two spellings exist:
// header params (generic-param, §25.1) allow SWS around ';' and '=' and
// quoted-string values; uri-parameters (§19.1.1) have neither.
struct ParamsView {
  std::string_view text;
  bool header_form = true;
  // Where the first parameter lies in `text` (offsets; first_name_end == 0:
  // not recorded), noted by the parser as it checks the parameters, so that
  // value()/has() answer for the first one without walking the text: Via's
  // branch and From/To's tag nearly always come first.  A view built from
  // text alone has none and walks.  The offsets describe `text`: replace
  // the whole view rather than assigning `text` alone.
  uint8_t first_name_at = 0;
  uint16_t first_name_end = 0;
  uint16_t first_value_at = 0, first_value_end = 0;  // first_value_at == 0: no "="

  bool empty() const { return text.empty(); }
  // Calls fn(name, value) for each parameter in order; value is nullopt
  // for a parameter without "=".  Header-param values keep their quotes.
  template <typename Fn>
  void for_each(Fn&& fn) const;
  // Value of the first `name` parameter (case-insensitive); nullopt when
  // absent or valueless.
  std::optional<std::string_view> value(std::string_view name) const;
  bool has(std::string_view name) const;
  ParamList to_list() const;

 private:
  // Whether a `name` parameter exists; `value` then holds the first one's.
  bool find(std::string_view name, std::optional<std::string_view>& value) const;
};

namespace internal {
// One step of ParamsView::for_each: reads the parameter starting at or
// after text[i] (leading ';' included), returns the index after it, or npos
// at the end of the text.
std::size_t next_param(std::string_view text, bool header_form, std::size_t i, std::string_view& name,
                       std::optional<std::string_view>& value);
}  // namespace internal

template <typename Fn>
void ParamsView::for_each(Fn&& fn) const {
  std::string_view name;
  std::optional<std::string_view> value;
  for (std::size_t i = internal::next_param(text, header_form, 0, name, value); i != std::string_view::npos;
       i = internal::next_param(text, header_form, i, name, value))
    fn(name, value);
}

}  // namespace siplab::sip
