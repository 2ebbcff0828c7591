// SIP and SIPS URIs (RFC 3261 §19.1, grammar §25.1) and, for any other
// scheme (tel:, im:, http: ...), the absolute URI text carried opaquely.
//
// Every component is stored in its wire (escaped) form so a parsed URI
// serializes back to the same text; unescape()/escape_*() convert, and
// uri_equivalent() implements the §19.1.4 comparison (which unescapes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/sip/message/expected.h"
#include "models/sip/message/param.h"

namespace siplab::sip {

enum class UriScheme : uint8_t { Sip, Sips, Other };
enum class HostKind : uint8_t { Name, IPv4, IPv6 };

struct UriHeader {
  std::string name;   // hname, escaped form
  std::string value;  // hvalue, escaped form (may be empty)

  friend bool operator==(const UriHeader&, const UriHeader&) = default;
};

struct Uri {
  UriScheme scheme = UriScheme::Sip;
  // Scheme text as written ("sip", "SIPS", "tel" ...).  For Sip/Sips it
  // is only kept to reproduce the spelling; comparison is case-insensitive.
  std::string scheme_text = "sip";
  // Other schemes: everything after "scheme:" verbatim.
  std::string opaque;

  // sip/sips only.  user is empty when the URI has no userinfo.
  std::string user;                     // escaped form
  std::optional<std::string> password;  // escaped form
  std::string host;                     // IPv6 without brackets
  HostKind host_kind = HostKind::Name;
  std::optional<uint16_t> port;
  ParamList params;  // uri-parameters in order (transport, user, method, ttl, maddr, lr, other)
  std::vector<UriHeader> headers;

  bool is_sip_or_sips() const { return scheme != UriScheme::Other; }
  bool has_user() const { return !user.empty(); }

  // Well-known uri-parameters (RFC 3261 §19.1.1); nullopt when absent.
  std::optional<std::string_view> transport() const { return param_value(params, "transport"); }
  std::optional<std::string_view> user_param() const { return param_value(params, "user"); }
  std::optional<std::string_view> method_param() const { return param_value(params, "method"); }
  std::optional<std::string_view> maddr() const { return param_value(params, "maddr"); }
  std::optional<std::string_view> ttl() const { return param_value(params, "ttl"); }
  bool lr() const { return has_param(params, "lr"); }

  // "host" or "[v6]" followed by ":port" when a port is present.
  std::string host_port() const;
  // Port to use when none is given: 5060 for sip, 5061 for sips (§19.1.2).
  uint16_t port_or_default() const;

  // Serialized text (the wire form).
  std::string to_string() const;
  void append_to(std::string& out) const;

  // Structural equality (exact text of each component).  For the RFC's
  // equivalence rules use uri_equivalent().
  friend bool operator==(const Uri&, const Uri&) = default;
};

// A parsed URI as views into the text it was parsed from (the zero-copy
// form a ParsedMessage keeps): every component in its wire (escaped) form,
// exactly what Uri would hold.  Valid only while that text lives.
struct UriView {
  UriScheme scheme = UriScheme::Sip;
  std::string_view scheme_text;
  std::string_view opaque;  // other schemes: everything after "scheme:"
  std::string_view user;
  std::optional<std::string_view> password;
  std::string_view host;  // IPv6 without brackets
  HostKind host_kind = HostKind::Name;
  std::optional<uint16_t> port;
  ParamsView params{{}, false};  // uri-parameters, ";a=b;lr"
  std::string_view headers;      // after '?': "h1=v1&h2=v2"; empty when none

  bool is_sip_or_sips() const { return scheme != UriScheme::Other; }
  std::optional<std::string_view> transport() const { return params.value("transport"); }
  std::optional<std::string_view> maddr() const { return params.value("maddr"); }
  bool lr() const { return params.has("lr"); }
  uint16_t port_or_default() const { return port ? *port : scheme == UriScheme::Sips ? 5061 : 5060; }
  // The owning form (allocates).
  Uri to_uri() const;
};

// Parses an absolute URI.  sip:/sips: get the full §25.1 SIP-URI grammar;
// other schemes must be `scheme ":" 1*uric-ish` (no whitespace, no <>).
// Errors carry the byte offset within `text`.
Expected<Uri> parse_uri(std::string_view text);

// The §19.1.4 comparison: scheme, user/password case-sensitive after
// unescaping, host case-insensitive, port/transport/ttl/user/method/maddr
// must match if either side has them, other params must match when both
// have them, headers must match as a set.  Other schemes compare their
// text case-insensitively in the scheme and exactly elsewhere.
bool uri_equivalent(const Uri& a, const Uri& b);

// %HH decoding.  Returns nullopt on a malformed escape ("%4", "%zz").
std::optional<std::string> unescape(std::string_view text);
// Escaping for each component: every byte not allowed unescaped in that
// component by §25.1 becomes %HH (uppercase hex).
std::string escape_user(std::string_view raw);
std::string escape_password(std::string_view raw);
std::string escape_param(std::string_view raw);
std::string escape_header(std::string_view raw);

}  // namespace siplab::sip
