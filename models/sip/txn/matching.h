// Matching rules of the transaction layer (RFC 3261 §17.1.3, §17.2.3, §9.2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "models/sip/message/message.h"

namespace siplab::sip {

// §17.1.3: a response matches a client transaction when its top Via branch
// equals the request's and its CSeq method equals the request's method
// (so a CANCEL's 200 does not match the INVITE).  nullopt when the
// response has no branch or CSeq.
std::optional<std::string> client_key(const Message& response);
std::string client_key(std::string_view branch, std::string_view method);
// The same key written into `out` (replacing its contents), so a caller
// that looks keys up often reuses one buffer.
void client_key_into(std::string& out, std::string_view branch, std::string_view method);

// §17.2.3 with an RFC 3261 branch: branch, sent-by of the top Via, and the
// method — ACK counts as INVITE.  `method_override` replaces the request's
// method (CANCEL matching looks for the INVITE's key, §9.2).  nullopt when
// the request has no RFC 3261 branch (use the RFC 2543 rules) or no Via.
std::optional<std::string> server_key(const Message& request,
                                      std::optional<std::string_view> method_override = std::nullopt);
// The same from an already parsed top Via and the method to match.
std::optional<std::string> server_key(const Via& top_via, std::string_view method);
// The same from the top Via's branch and sent-by ("host[:port]").
std::optional<std::string> server_key(std::string_view branch, std::string_view sent_by, std::string_view method);
// The same written into `out` (replacing its contents); false, with `out`
// left empty, when there is no RFC 3261 branch.
bool server_key_into(std::string& out, std::string_view branch, std::string_view sent_by, std::string_view method);

// §17.2.3 RFC 2543 fallback for a request without the magic cookie: does
// `incoming` belong to the transaction created by `original`?
//  - INVITE / non-INVITE retransmission: Request-URI, To tag, From tag,
//    Call-ID, CSeq (number and method) and top Via all equal;
//  - ACK: the same, except the To tag is compared with the tag of the
//    response the transaction sent (`response_to_tag`) and the CSeq
//    method is INVITE's.
bool rfc2543_matches(const Message& original, std::string_view response_to_tag, const Message& incoming);

// §9.2 for RFC 2543 peers: a CANCEL matches the INVITE whose Request-URI,
// Call-ID, From tag, To tag, CSeq number and top Via equal its own.
bool rfc2543_cancel_matches(const Message& invite, const Message& cancel);

}  // namespace siplab::sip
