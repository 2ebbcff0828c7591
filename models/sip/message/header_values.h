// Typed values of the headers the SIP layers work with (RFC 3261 §20,
// grammar §25.1), each with a parser over one value (already unfolded) and
// a serializer.  Parse errors give the offset within the value text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/sip/message/expected.h"
#include "models/sip/message/param.h"
#include "models/sip/message/uri.h"

namespace siplab::sip {

// The branch prefix of RFC 3261 transactions (§8.1.1.7).
inline constexpr std::string_view kMagicCookie = "z9hG4bK";

// One via-parm (§20.42): "SIP/2.0/UDP host:port;params".
struct Via {
  std::string protocol_name = "SIP";
  std::string protocol_version = "2.0";
  std::string transport = "UDP";  // as written; compare case-insensitively
  std::string host;               // IPv6 without brackets
  HostKind host_kind = HostKind::Name;
  std::optional<uint16_t> port;
  ParamList params;  // branch, received, rport (valueless or number), maddr, ttl, other

  std::optional<std::string_view> branch() const { return param_value(params, "branch"); }
  void set_branch(std::string_view b) { set_param(params, "branch", b); }
  std::optional<std::string_view> received() const { return param_value(params, "received"); }
  void set_received(std::string_view r) { set_param(params, "received", r); }
  bool has_rport() const { return has_param(params, "rport"); }
  // rport value when present with a number (§RFC 3581).
  std::optional<uint16_t> rport() const;
  void set_rport(std::optional<uint16_t> port);
  std::optional<std::string_view> maddr() const { return param_value(params, "maddr"); }
  std::optional<std::string_view> ttl() const { return param_value(params, "ttl"); }

  std::string sent_by() const;  // "host[:port]", IPv6 bracketed
  std::string to_string() const;
  void append_to(std::string& out) const;
  friend bool operator==(const Via&, const Via&) = default;
};

// A parsed via-parm as views into the text it was parsed from (the
// zero-copy form a ParsedMessage keeps); fields as in Via.
struct ViaView {
  std::string_view protocol_name;
  std::string_view protocol_version;
  std::string_view transport;
  std::string_view host;
  HostKind host_kind = HostKind::Name;
  std::optional<uint16_t> port;
  ParamsView params;

  std::optional<std::string_view> branch() const { return params.value("branch"); }
  std::optional<std::string_view> received() const { return params.value("received"); }
  bool has_rport() const { return params.has("rport"); }
  std::optional<uint16_t> rport() const;
  std::optional<std::string_view> maddr() const { return params.value("maddr"); }
  std::string sent_by() const;
  Via to_via() const;
};

struct CSeq {
  uint32_t number = 0;
  std::string method;
  std::string to_string() const;
  friend bool operator==(const CSeq&, const CSeq&) = default;
};

struct CSeqView {
  uint32_t number = 0;
  std::string_view method;
  CSeq to_cseq() const { return CSeq{number, std::string(method)}; }
};

// media-type (§20.15): type "/" subtype *(;param).  type/subtype lowercase
// comparisons via matches().
struct MediaType {
  std::string type;
  std::string subtype;
  ParamList params;
  bool matches(std::string_view type, std::string_view subtype) const;
  std::string to_string() const;
  friend bool operator==(const MediaType&, const MediaType&) = default;
};

struct MediaTypeView {
  std::string_view type;
  std::string_view subtype;
  ParamsView params;
  bool matches(std::string_view type, std::string_view subtype) const;
  MediaType to_media_type() const;
};

// Retry-After (§20.33): delta-seconds [comment] *(;param).
struct RetryAfter {
  uint32_t seconds = 0;
  std::string comment;  // without the parentheses; empty when absent
  ParamList params;     // duration, other
  std::string to_string() const;
  friend bool operator==(const RetryAfter&, const RetryAfter&) = default;
};

// One warning-value (§20.43): 3DIGIT agent "text".
struct Warning {
  uint16_t code = 0;
  std::string agent;  // hostport or pseudonym
  std::string text;   // the quoted-string contents, quoted-pairs kept
  std::string to_string() const;
  friend bool operator==(const Warning&, const Warning&) = default;
};

// SIP-date (§20.17): rfc1123-date, always "GMT".
struct SipDate {
  uint8_t weekday = 0;  // 0 = Mon .. 6 = Sun
  uint8_t day = 1;      // 1..31
  uint8_t month = 0;    // 0 = Jan .. 11 = Dec
  uint16_t year = 1970;
  uint8_t hour = 0, minute = 0, second = 0;
  std::string to_string() const;  // "Sat, 13 Nov 2010 23:29:00 GMT"
  friend bool operator==(const SipDate&, const SipDate&) = default;
};

Expected<Via> parse_via(std::string_view value);
Expected<CSeq> parse_cseq(std::string_view value);
Expected<MediaType> parse_media_type(std::string_view value);
Expected<RetryAfter> parse_retry_after(std::string_view value);
Expected<Warning> parse_warning(std::string_view value);
Expected<SipDate> parse_date(std::string_view value);
// delta-seconds / Max-Forwards / Content-Length style: 1*DIGIT (leading
// zeros allowed, §25.1) not above `max`.
Expected<uint32_t> parse_uint(std::string_view value, uint32_t max);
// Call-ID (§20.8): word ["@" word].
Expected<std::string_view> parse_call_id(std::string_view value);
// token (§25.1) with surrounding whitespace trimmed (methods, option tags).
Expected<std::string_view> parse_token(std::string_view value);

// Splits a list header value at the commas that are outside quoted strings
// and angle brackets (§7.3.1), trimming LWS around each element.  Empty
// elements are kept (as empty views) so callers can reject them.
std::vector<std::string_view> split_list(std::string_view value);

}  // namespace siplab::sip
