#include "models/sip/transport/message_summary.h"

#include <algorithm>

#include "models/sip/message/parser.h"

namespace siplab::sip {

MessageSummary summarize(const Message& message) {
  MessageSummary s;
  s.first_line = message.start_line();
  if (auto id = message.call_id()) s.call_id = *id;
  if (auto cseq = message.cseq()) s.cseq = cseq->to_string();
  if (auto via = message.top_via()) {
    if (auto branch = via->branch()) s.branch = *branch;
  }
  if (auto tag = message.from_tag()) s.from_tag = std::move(*tag);
  if (auto tag = message.to_tag()) s.to_tag = std::move(*tag);
  return s;
}

MessageSummary summarize_unparsed(std::string_view bytes) {
  MessageSummary s;
  const std::size_t end = std::min(bytes.find("\r\n"), std::min<std::size_t>(bytes.size(), 200));
  s.first_line.assign(bytes.substr(0, end));
  return s;
}

MessageSummary summarize_wire(std::string_view bytes) {
  auto parsed = parse_message(bytes, Framing::Datagram);
  if (!parsed) return summarize_unparsed(bytes);
  return summarize(*parsed);
}

}  // namespace siplab::sip
