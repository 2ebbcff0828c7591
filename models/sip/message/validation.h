// Receiver validation: what a UAS, proxy or registrar does with a request
// that parsed, before transaction/dialog processing, expressed as the
// response it would send (RFC 3261 §8.2, §16.3, §10.3); and the checks a
// UAC or proxy applies to a received response (§8.1.3.3, §16.7, RFC 4475 §3.3.10).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/sip/message/message.h"
#include "models/sip/message/parsed_message.h"

namespace siplab::sip {

enum class Role : uint8_t { Uas, Proxy, Registrar };

struct ValidationOptions {
  Role role = Role::Uas;
  // Option tags this element supports (Require at a UAS/registrar,
  // Proxy-Require at a proxy; §8.2.2.3, §16.3 step 4).
  std::vector<std::string> supported_extensions;
  // Request-URI schemes this element handles (§8.2.2.1, §16.3 step 2).
  std::vector<std::string> supported_schemes = {"sip", "sips"};
  // Methods a UAS/registrar implements (§8.2.1); also the Allow it sends.
  std::vector<std::string> allowed_methods = {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS"};
  // Body types a UAS understands (§8.2.3) and therefore requires in Accept.
  std::vector<std::string> accepted_content_types = {"application/sdp"};
  // warn-agent of the Warning a 406 carries (§20.43: host or pseudonym).
  std::string warn_agent = "siplab";
};

// A header a rejection adds to its response, owning its text.
struct ExtraHeader {
  std::string name;
  std::string value;
  ExtraHeader(std::string_view n, std::string_view v) : name(n), value(v) {}
  friend bool operator==(const ExtraHeader&, const ExtraHeader&) = default;
};

struct Rejection {
  int status_code = 400;
  std::string reason;                // reason phrase to send
  std::vector<ExtraHeader> extra_headers; // Unsupported, Allow, Accept, Warning ...
  friend bool operator==(const Rejection&, const Rejection&) = default;
};

// nullopt: the request may proceed.  Checks in RFC order: version (505),
// mandatory headers and single-valued header counts (400), CSeq method vs
// request method (400), Content-Length consistency (400), branch (400),
// Max-Forwards (483 at a proxy), Request-URI scheme (416), method (405/501),
// Require / Proxy-Require (420 + Unsupported), REGISTER AOR schemes at a
// registrar (400), body type (415 + Accept), Accept (406).
// `parsed`, when given, is the request as the parser read it (every known
// row already checked, its typed values kept): those values are read from
// it instead of parsing the rows again.  The Message may differ from it
// only in the top Via's received / rport (§18.2.1 stamping).
// For an ACK a Rejection is only the reason it is dropped: no response is
// ever sent to an ACK (§17, §17.2.3), so callers must not send one (the
// stack records a drop; `siplab parse --check-request` reports one).
std::optional<Rejection> validate_request(const Message& request, const ValidationOptions& options,
                                          const ParsedMessage* parsed = nullptr);

// The response `role` would send for bytes that did not parse (the error's
// status code with its reason phrase as Warning-free Rejection).  The
// parser's 501 for an unknown method with a CSeq mismatch is a UAS's
// answer (RFC 4475 §3.1.2.18); a proxy forwards unknown methods (RFC 3261
// §16, §21.5.2 is a UAS response) and answers 400, as validate_request does.
Rejection rejection_for(const ParseError& error, Role role = Role::Uas);

enum class ResponseRole : uint8_t { Uac, Proxy };
struct ResponseVerdict {
  bool accept = true;
  std::string reason;  // why it is dropped
};
// Both drop a response missing To, From, Call-ID or CSeq (§8.1.1, §20
// table), or with more than one row of one of them (RFC 4475 §3.3.8).
// A UAC drops a response with more than one Via (§8.1.3.3); a proxy drops
// one whose next Via (after its own) is unusable, e.g. broadcast (RFC 4475
// §3.3.10), and one with no Via left to forward to.
// `parsed` as for validate_request (the response as the parser read it).
ResponseVerdict validate_response(const Message& response, ResponseRole role,
                                  const ParsedMessage* parsed = nullptr);

// Builds the response for a Rejection with make_response() plus its headers.
Message make_rejection_response(const Message& request, const Rejection& rejection,
                                std::optional<std::string_view> to_tag = std::nullopt);

}  // namespace siplab::sip
