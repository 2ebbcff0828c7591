// What the SIP stack reports: events for the transaction user (UA core,
// proxy core) and events for the trace collector.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "models/common/time.h"
#include "models/sip/message/message.h"
#include "models/sip/transport/transport_events.h"
#include "models/sip/transport/transport_layer.h"
#include "models/sip/txn/txn_types.h"

namespace siplab::sip {

// ---- transaction user events (SipStack::poll_event) ----

// A new request.  `txn` is its server transaction (answer with
// send_response), or kNoTxn for an ACK that matched no transaction — the
// ACK for a 2xx, which belongs to the UA core (§17.2.3, §13.3.1.4).  For a
// CANCEL, `cancels` names the INVITE server transaction it matches (§9.2);
// nullopt means none matched and the TU answers 481.
struct RequestReceived {
  TxnId txn = kNoTxn;
  Message request;
  InboundContext from;
  std::optional<TxnId> cancels;
};

enum class ResponseOrigin : uint8_t {
  Network,         // received from the peer
  Timeout,         // Timer B or F fired: synthesized 408 (§17.1.1.2, §17.1.2.2, §8.1.3.1)
  TransportError,  // the transport failed: synthesized 503 (§17.1.4, §8.1.3.1)
};

// A response for client transaction `txn` (also the synthesized ones).
struct ResponseReceived {
  TxnId txn = kNoTxn;
  Message response;
  ResponseOrigin origin = ResponseOrigin::Network;
};

// A response that matched no client transaction (§18.1.2: passed to the
// core) — e.g. a retransmitted 2xx after the INVITE transaction ended, or
// a response a stateless proxy forwards.
struct StrayResponse {
  Message response;
  InboundContext from;
};

enum class ServerFailure : uint8_t {
  NoAck,           // Timer H fired: no ACK for our final response (§17.2.1)
  TransportError,  // the response could not be sent (§17.2.4)
};

struct ServerTxnFailed {
  TxnId txn = kNoTxn;
  ServerFailure reason = ServerFailure::NoAck;
};

struct TxnTerminated {
  TxnId txn = kNoTxn;
  TxnKind kind = TxnKind::InviteClient;
};

using TuEvent = std::variant<RequestReceived, ResponseReceived, StrayResponse, ServerTxnFailed, TxnTerminated>;

// ---- trace events (SipStack::poll_trace) ----

// `txn` ids read "<branch>/<METHOD>/client|server" (trace.jsonl contract).
struct TxnStateChange {
  Instant t{};
  std::string txn;
  TxnState from = TxnState::Calling;
  TxnState to = TxnState::Calling;
  bool created = false;  // first entry of a new transaction (`from` is meaningless)
};

struct TimerFired {
  Instant t{};
  std::string txn;
  TimerName timer = TimerName::A;
  // For retransmission timers (A, E, G): how many times the message has
  // now been retransmitted; 0 for the others.
  int retransmit = 0;
};

using TraceEvent = std::variant<MessageEvent, TxnStateChange, TimerFired>;

}  // namespace siplab::sip
