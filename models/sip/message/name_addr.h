// name-addr / addr-spec with header parameters, as used by From, To,
// Contact, Route, Record-Route, Reply-To (RFC 3261 §20.10, §25.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "models/sip/message/expected.h"
#include "models/sip/message/param.h"
#include "models/sip/message/uri.h"

namespace siplab::sip {

struct NameAddr {
  // Display name as written: for a quoted-string the text between the
  // quotes with quoted-pairs still escaped; for tokens, the tokens joined by
  // single spaces.  Empty with display_quoted == false means none.
  std::string display_name;
  bool display_quoted = false;
  Uri uri;
  // True when the URI was written inside <...> (name-addr form).  The
  // serializer adds brackets anyway when a display name is present or the
  // URI holds ';', ',' or '?', which the addr-spec form cannot carry.
  bool angle_brackets = true;
  ParamList params;  // header params: tag, expires, q, any other

  // Display name with quotes removed and quoted-pairs resolved.
  std::string display_name_text() const;

  std::optional<std::string_view> tag() const { return param_value(params, "tag"); }
  void set_tag(std::string_view tag) { set_param(params, "tag", tag); }
  // Contact "expires" parameter (§20.10); nullopt when absent or not a number.
  std::optional<uint32_t> expires() const;
  // Contact "q" parameter in thousandths (q=0.5 → 500); nullopt when absent
  // or malformed.
  std::optional<uint16_t> q_millis() const;

  std::string to_string() const;
  void append_to(std::string& out) const;

  friend bool operator==(const NameAddr&, const NameAddr&) = default;
};

// A parsed name-addr / addr-spec as views into the text it was parsed from
// (the zero-copy form a ParsedMessage keeps).  display_name is the quoted
// string's inside (quoted-pairs still escaped) or the display tokens as
// written; to_name_addr() gives exactly what parse_name_addr() would.
struct NameAddrView {
  std::string_view display_name;
  bool display_quoted = false;
  UriView uri;
  bool angle_brackets = true;
  ParamsView params;

  std::optional<std::string_view> tag() const { return params.value("tag"); }
  std::optional<uint32_t> expires() const;
  NameAddr to_name_addr() const;
};

// One name-addr / addr-spec followed by its header params.  In addr-spec
// form the parameters after the URI belong to the header (§20), and a '?'
// there is an error.
Expected<NameAddr> parse_name_addr(std::string_view text);

}  // namespace siplab::sip
