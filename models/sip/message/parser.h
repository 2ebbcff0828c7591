// Parsing one SIP message (RFC 3261 §7, grammar §25.1).
#pragma once

#include <string_view>

#include "models/sip/message/expected.h"
#include "models/sip/message/message.h"

namespace siplab::sip {

enum class Framing : uint8_t {
  // A whole UDP datagram (§18.3): without Content-Length the body runs to
  // the end; octets beyond Content-Length are ignored; a Content-Length
  // larger than what is left is an error.
  Datagram,
  // A message the stream framer cut out: Content-Length is mandatory.
  Stream,
};

// Parses the start line, every header row (unfolding, compact forms, typed
// syntax check of every known header), and the body.  Errors give the
// byte offset into `bytes` and the status a UAS would answer (400, 505 ...).
Expected<Message> parse_message(std::string_view bytes, Framing framing = Framing::Datagram);

}  // namespace siplab::sip
