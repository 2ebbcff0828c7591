// The identifying fields of a SIP message that every sip.send / sip.recv /
// sip.drop trace event carries (trace.jsonl contract).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "models/sip/message/message.h"

namespace siplab::sip {

struct MessageSummary {
  std::string first_line;  // "INVITE sip:ivan@domain.ru SIP/2.0" / "SIP/2.0 180 Ringing"
  std::string call_id;
  std::string cseq;        // "1 INVITE"
  std::string branch;      // top Via
  std::string from_tag;    // empty when absent
  std::string to_tag;      // empty when absent
};

MessageSummary summarize(const Message& message);
// The pieces summarize() reads without parsing the whole value (for a
// well-formed value they equal what the typed accessors give):
// the tag parameter of a From / To value, and the branch parameter of the
// first via-parm of a Via value (nullopt when absent).
std::optional<std::string_view> name_addr_tag(std::string_view value);
std::optional<std::string_view> via_branch(std::string_view value);
// For bytes that did not parse: the first line (up to CRLF, at most 200
// bytes) and nothing else.
MessageSummary summarize_unparsed(std::string_view bytes);
// For serialized bytes whose parsed form is gone: parses them again
// (summarize_unparsed when they do not parse).
MessageSummary summarize_wire(std::string_view bytes);

}  // namespace siplab::sip
