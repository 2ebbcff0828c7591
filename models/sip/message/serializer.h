// Canonical text of a message: start line, one "Name: value" row per
// header in order (names as written, values unfolded), a blank line and the
// body.  parse_message(serialize(m)) == m for every message parse accepts.
#pragma once

#include <string>

#include "models/sip/message/message.h"

namespace siplab::sip {

std::string serialize(const Message& message);
void serialize_to(const Message& message, std::string& out);  // appends

}  // namespace siplab::sip
