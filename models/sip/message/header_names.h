// Header field names: the ones the message layer knows, their compact
// forms (RFC 3261 §7.3.3 and later RFCs), and which of them are
// comma-separated lists (§7.3.1) rather than single values.
#pragma once

#include <cstdint>
#include <string_view>

namespace siplab::sip {

enum class HeaderId : uint8_t {
  Other = 0,  // unknown or not typed: kept verbatim
  Accept,
  AcceptContact,       // a  (RFC 3841)
  AcceptEncoding,
  AcceptLanguage,
  AlertInfo,
  Allow,
  AllowEvents,         // u  (RFC 6665)
  AuthenticationInfo,
  Authorization,
  CallId,              // i
  CallInfo,
  Contact,             // m
  ContentDisposition,
  ContentEncoding,     // e
  ContentLanguage,
  ContentLength,       // l
  ContentType,         // c
  CSeq,
  Date,
  ErrorInfo,
  Event,               // o  (RFC 6665)
  Expires,
  From,                // f
  Identity,            // y  (RFC 8224)
  IdentityInfo,        // n  (RFC 4474)
  InReplyTo,
  MaxForwards,
  MimeVersion,
  MinExpires,
  Organization,
  Priority,
  ProxyAuthenticate,
  ProxyAuthorization,
  ProxyRequire,
  RecordRoute,
  ReferTo,             // r  (RFC 3515)
  ReferredBy,          // b  (RFC 3892)
  RejectContact,       // j  (RFC 3841)
  ReplyTo,
  RequestDisposition,  // d  (RFC 3841)
  Require,
  RetryAfter,
  Route,
  Server,
  SessionExpires,      // x  (RFC 4028)
  Subject,             // s
  Supported,           // k
  Timestamp,
  To,                  // t
  Unsupported,
  UserAgent,
  Via,                 // v
  Warning,
  WwwAuthenticate,
  kCount
};

// Maps a header name as written (any case, compact or long form) to its id.
HeaderId header_id(std::string_view name);
// The same, eight bytes at a time, for a name the caller has checked to be
// a token (§25.1) and whose bytes up to name.data() + name.size() rounded
// up to a multiple of 8 are readable (the parser's buffer has that slack).
HeaderId header_id_padded(std::string_view name);
// The canonical long spelling ("Call-ID", "WWW-Authenticate" ...); empty for Other.
std::string_view canonical_name(HeaderId id);
// The compact form letter, or '\0' when the header has none.
char compact_form(HeaderId id);
// True for headers whose grammar is a comma-separated list, so several rows
// may be combined and one row may carry several values (§7.3.1).  The
// authentication headers are not: their values contain commas.
bool is_list_header(HeaderId id);

}  // namespace siplab::sip
