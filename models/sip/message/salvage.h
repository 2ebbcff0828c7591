// Enough of a malformed request to answer it.  RFC 3261 §8.2 and RFC 4475
// §3.1.2 expect a 400 (505, 501 …) for requests a parser rejects, yet a
// response needs the request's Via, From, To, Call-ID and CSeq (§8.2.6.2).
// This reads those rows leniently from bytes parse_message() refused.
#pragma once

#include <optional>
#include <string_view>

#include "models/sip/message/message.h"

namespace siplab::sip {

// A request holding only the method and the Via, From, To, Call-ID and
// CSeq rows (compact forms and folding understood), or nullopt when the
// bytes are a response, an ACK (never answered, §17.2.1), have no method
// token, or lack one of those rows.  Rows that do not parse are repaired
// as RFC 4475 suggests (a display name's missing closing quote inferred,
// §3.1.2.6; trailing garbage cut, §3.1.2.1); one that cannot be repaired
// makes it nullopt too, since the answer echoes it.
std::optional<Message> salvage_request_for_reply(std::string_view bytes);

}  // namespace siplab::sip
