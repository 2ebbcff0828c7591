// Transport-level observations for the trace collector: every SIP message
// sent, received or dropped (trace.jsonl kinds sip.send / sip.recv / sip.drop).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "models/common/address.h"
#include "models/common/time.h"
#include "models/sip/transport/message_summary.h"
#include "models/sip/transport/transmit.h"

namespace siplab::sip {

enum class MessageAction : uint8_t { Sent, Received, Dropped };

// Why this node dropped a message.  ParseError maps to the trace cause
// "parse-error"; the others are transport-layer discards the trace format
// does not name yet (see txn report): "via-mismatch" (§18.1.2), "invalid"
// (a response validate_response rejects, or a request we cannot answer),
// "stream-error" (a TCP stream whose framing broke).
enum class DropCause : uint8_t { None, ParseError, ViaMismatch, Invalid, StreamError };

std::string_view drop_cause_name(DropCause cause);

struct MessageEvent {
  Instant t{};
  MessageAction action = MessageAction::Sent;
  Transport transport = Transport::Udp;
  Endpoint src;
  Endpoint dst;
  std::size_t bytes = 0;
  bool retransmit = false;  // Sent only
  DropCause cause = DropCause::None;
  std::string detail;  // drop reason (parser message with byte offset)
  MessageSummary summary;
  std::string text;  // full message (empty when message text tracing is off)
};

}  // namespace siplab::sip
