// HTTP Digest authentication as SIP uses it (RFC 3261 §22.4, RFC 2617,
// RFC 7616, RFC 8760): the values of WWW-Authenticate / Proxy-Authenticate
// (challenges) and Authorization / Proxy-Authorization (credentials), and the
// response computation for MD5, SHA-256 and SHA-512/256 with and without the
// "-sess" variants and qop=auth / auth-int.
//
// Works on header VALUE strings (the text after "Authorization:"), so it does
// not depend on the message parser.  No clocks, no randomness: the client
// nonce (cnonce) and nonce count are passed in.  Hashes go through OpenSSL EVP.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "models/sip/message/expected.h"

namespace siplab::sip {

// ---------------------------------------------------------------------------
// Syntax model

// One auth-param (RFC 7235 §2.1) we have no field for; kept so a proxy or a
// round trip does not lose it.  `value` is unquoted (quoted-pairs resolved);
// `quoted` remembers which form was sent so it is re-emitted the same way.
struct AuthParam {
  std::string name;  // as spelled by the sender
  std::string value;
  bool quoted = false;
  friend bool operator==(const AuthParam&, const AuthParam&) = default;
};

// A WWW-Authenticate / Proxy-Authenticate value with scheme "Digest"
// (RFC 2617 §3.2.1, RFC 7616 §3.3, RFC 3261 §25.1 "digest-cln").
struct DigestChallenge {
  std::string realm;                       // required
  std::vector<std::string> domain;         // space-separated URI list
  std::string nonce;                       // required
  std::optional<std::string> opaque;
  bool stale = false;                      // true only for a case-insensitive "true"
  std::string algorithm;                   // token as sent; empty when absent (= MD5)
  std::vector<std::string> qop_options;    // e.g. {"auth", "auth-int"}; empty when absent
  std::optional<std::string> charset;      // RFC 7616 §3.3 (only "UTF-8" is defined)
  bool userhash = false;                   // RFC 7616 §3.3
  std::vector<AuthParam> other_params;     // unknown params, in order
  friend bool operator==(const DigestChallenge&, const DigestChallenge&) = default;
};

// An Authorization / Proxy-Authorization value with scheme "Digest"
// (RFC 2617 §3.2.2, RFC 7616 §3.4, RFC 3261 §25.1 "digest-response").
struct DigestCredentials {
  std::string username;                    // required (H(user:realm) when userhash)
  std::string realm;                       // required
  std::string nonce;                       // required (may be empty before a challenge)
  std::string uri;                         // required: the Request-URI (RFC 8760 §2.6)
  std::string response;                    // required: hex; may be empty before a challenge
  std::string algorithm;                   // token as sent; empty when absent (= MD5)
  std::optional<std::string> cnonce;       // required when qop is present
  std::optional<std::string> opaque;       // echoed from the challenge
  std::string qop;                         // "auth" / "auth-int" / other token; empty when absent
  std::string nc;                          // 8 hex digits exactly as sent; empty when absent
  bool userhash = false;
  std::vector<AuthParam> other_params;
  friend bool operator==(const DigestCredentials&, const DigestCredentials&) = default;
};

// Any scheme other than Digest (RFC 4475 §3.3.11 regaut01 sends one).  SIP has
// no use for it (RFC 8760 §2.7: SIP MUST NOT use Basic), so it is carried raw:
// `scheme` as spelled and `data` = everything after it, trimmed.
struct OtherAuthScheme {
  std::string scheme;
  std::string data;
  friend bool operator==(const OtherAuthScheme&, const OtherAuthScheme&) = default;
};

using ChallengeValue = std::variant<DigestChallenge, OtherAuthScheme>;
using CredentialsValue = std::variant<DigestCredentials, OtherAuthScheme>;

// Results are Expected<T> (models/sip/message/expected.h): on failure a
// ParseError whose offset is the byte offset into the value string and whose
// status_code is 400 (a malformed Authorization is a Bad Request).

// Parse one challenge / one credentials value.  Errors: empty value, missing
// scheme, unterminated quoted-string, missing '=', bad token, duplicate
// parameter (RFC 7235 §2.1), missing required Digest parameter, malformed nc
// or response, qop without cnonce/nc (RFC 2617 §3.2.2).
Expected<ChallengeValue> parse_challenge(std::string_view value);
Expected<CredentialsValue> parse_credentials(std::string_view value);

// The zero-copy form of one credentials value, as a ParsedMessage keeps it:
// views into `text`.  For Digest (is_digest) the fields hold each value as
// written (a quoted one without its quotes); when `escaped` is set some
// quoted value holds a quoted-pair or a fold and to_credentials() resolves
// them.  Other schemes have is_digest == false and only `scheme`.
struct DigestCredentialsView {
  std::string_view text;  // the whole value
  std::string_view scheme;
  bool is_digest = false;
  std::string_view username, realm, nonce, uri, response, algorithm, qop, nc;
  std::optional<std::string_view> cnonce, opaque;
  bool userhash = false;
  bool escaped = false;
  // The owning form parse_credentials() gives (re-reads `text`).
  CredentialsValue to_credentials() const;
};

// Checks one credentials value exactly as parse_credentials() does (same
// errors) without allocating on the common path.
Expected<DigestCredentialsView> parse_credentials_view(std::string_view value);

// Several challenges in one value ("Digest ..., Digest ...", RFC 7235 §4.1),
// for senders that combined rows despite RFC 3261 §7.3.1.
Expected<std::vector<ChallengeValue>> parse_challenge_list(std::string_view value);

// Canonical text, "Digest realm=\"...\", ..." (no header name, no CRLF).
// Quoting follows RFC 7616 §3.4: algorithm, qop (in credentials), nc and stale
// as tokens, everything else quoted.  parse(serialize(x)) == x.
std::string serialize(const DigestChallenge& challenge);
std::string serialize(const DigestCredentials& credentials);
std::string serialize(const OtherAuthScheme& other);
std::string serialize(const ChallengeValue& value);
std::string serialize(const CredentialsValue& value);

// ---------------------------------------------------------------------------
// Computation

enum class DigestAlgorithm : uint8_t {
  Md5,
  Md5Sess,
  Sha256,
  Sha256Sess,
  Sha512_256,  // FIPS 180-4 SHA-512/256 (its own IV, not truncated SHA-512)
  Sha512_256Sess,
};

// "MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess".
std::string_view to_token(DigestAlgorithm algorithm);
// Case-insensitive; an empty token means the default MD5 (RFC 2617 §3.2.1).
// nullopt for an algorithm we do not implement.
std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view token);
bool is_session_algorithm(DigestAlgorithm algorithm);
// Hex digits of a hash: 32 for MD5, 64 for the SHA-2 ones.
std::size_t hex_length(DigestAlgorithm algorithm);

enum class DigestQop : uint8_t { None, Auth, AuthInt };
// "" -> None, "auth" -> Auth, "auth-int" -> AuthInt (case-insensitive); else nullopt.
std::optional<DigestQop> parse_digest_qop(std::string_view token);

// Lower-case hex of one hash, held inline (no heap allocation).
class HexDigest {
 public:
  HexDigest() = default;
  std::string_view view() const { return {buf_.data(), size_}; }
  std::string str() const { return std::string(view()); }
  std::size_t size() const { return size_; }
  friend bool operator==(const HexDigest& a, const HexDigest& b) { return a.view() == b.view(); }
  friend bool operator==(const HexDigest& a, std::string_view b) { return a.view() == b; }
  // Up to 64 hex digits, stored lower-cased; nullopt when not hex or too long.
  static std::optional<HexDigest> from_hex(std::string_view hex);

 private:
  friend class DigestHasher;
  std::array<char, 64> buf_{};
  uint8_t size_ = 0;
};

// H(parts[0] ":" parts[1] ":" ...): the colon-joined hash every Digest
// formula uses, fed piecewise into EVP (no concatenated copy).
HexDigest digest_hash_joined(DigestAlgorithm algorithm,
                             std::initializer_list<std::string_view> parts);
// H(data) of raw bytes (the entity-body hash of qop=auth-int).
HexDigest digest_hash(DigestAlgorithm algorithm, std::string_view data);

// HA1 = H(username ":" realm ":" password); for a -sess algorithm
// HA1 = H(H(username ":" realm ":" password) ":" nonce ":" cnonce) (RFC 7616 §3.4.2).
HexDigest digest_ha1(DigestAlgorithm algorithm, std::string_view username,
                     std::string_view realm, std::string_view password,
                     std::string_view nonce, std::string_view cnonce);
// HA1 from a stored H(username ":" realm ":" password) (what a registrar keeps
// instead of the password): the same for plain algorithms, re-hashed with
// nonce and cnonce for -sess.  nullopt when `stored_ha1` is not
// hex_length(algorithm) hex digits.
std::optional<HexDigest> digest_ha1_from_stored(DigestAlgorithm algorithm,
                                                std::string_view stored_ha1,
                                                std::string_view nonce, std::string_view cnonce);
// HA2 = H(method ":" uri), or H(method ":" uri ":" H(body)) for auth-int.
HexDigest digest_ha2(DigestAlgorithm algorithm, DigestQop qop, std::string_view method,
                     std::string_view uri, std::string_view body);
// H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2), or H(HA1 ":" nonce ":" HA2)
// without qop (RFC 2069 compatibility, RFC 2617 §3.2.2.1).  `qop_text` is
// the qop as the credentials carry it: RFC 7616 §3.4.1 hashes unq(qop) as
// sent, and parse_digest_qop accepts any case ("AUTH").  Empty: the
// canonical "auth" / "auth-int" of `qop`.
HexDigest digest_request_digest(DigestAlgorithm algorithm, std::string_view ha1,
                                std::string_view nonce, DigestQop qop, std::string_view nc,
                                std::string_view cnonce, std::string_view ha2,
                                std::string_view qop_text = {});
// RFC 7616 §3.4.4: username sent as H(username ":" realm) when userhash=true.
HexDigest digest_userhash(DigestAlgorithm algorithm, std::string_view username,
                          std::string_view realm);

// "00000001" for 1 (RFC 2617 §3.2.2: 8LHEX).
std::string format_nonce_count(uint32_t nc);

// What a UAC needs to answer a challenge.  `cnonce` comes from the caller's
// injected random source; `nc` counts requests sent with this nonce.
struct DigestClientInput {
  std::string_view username;
  std::string_view password;
  std::string_view method;   // the request's method (ACK/CANCEL use their own, RFC 3261 §22.4)
  std::string_view uri;      // the Request-URI
  std::string_view body;     // hashed only for qop=auth-int
  std::string_view cnonce;
  uint32_t nc = 1;
  bool use_userhash = false; // honoured only when the challenge allows it
};

// Build the credentials answering `challenge`.  qop choice: "auth" when
// offered, else "auth-int" when offered, none when the challenge has no qop
// (RFC 2617 compatibility).  Errors: unknown algorithm, no offered qop we
// support.
Expected<DigestCredentials> answer_challenge(const DigestChallenge& challenge,
                                               const DigestClientInput& input);

// What the server knows about the user: the password, or the stored
// H(username ":" realm ":" password) for the credentials' algorithm family.
struct DigestSecret {
  enum class Kind : uint8_t { Password, Ha1 };
  Kind kind = Kind::Password;
  std::string_view value;
  static DigestSecret password(std::string_view p) { return {Kind::Password, p}; }
  static DigestSecret ha1(std::string_view h) { return {Kind::Ha1, h}; }
};

enum class DigestVerdict : uint8_t {
  Ok,
  WrongResponse,         // well-formed, but the response does not match
  UnsupportedAlgorithm,  // algorithm token we do not implement
  UnsupportedQop,        // qop other than auth / auth-int
  MalformedCredentials,  // qop without nc/cnonce, or a stored HA1 of the wrong length
};
std::string_view to_string(DigestVerdict verdict);

// Server side: is credentials.response right for this request?  `method` is
// the request's method, `body` its body (for auth-int).  With userhash the
// credentials' username is a hash, so pass the user's plain name in
// `plain_username`; otherwise leave it empty.  Nonce freshness, realm and
// nc replay checks are the caller's (registrar's) business.  The comparison is
// constant-time and case-insensitive on the hex digits.
DigestVerdict verify_digest(const DigestCredentials& credentials, const DigestSecret& secret,
                            std::string_view method, std::string_view body,
                            std::string_view plain_username = {});

}  // namespace siplab::sip
