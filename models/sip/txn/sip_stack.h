// One SIP node's transport and transaction layers (RFC 3261 §17, §18) as a
// sans-IO core.  The UA core / proxy core sit on top (the "TU"); a driver
// (ns-3 runtime, the in-memory test network, live sockets) sits below.
//
// Driving contract (DESIGN.md): after every input — handle_* or a TU
// command — drain poll_transmit(), poll_close(), poll_event() and
// poll_trace(), then re-arm one timer at poll_timeout() and call
// handle_timeout(now) when it is reached.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/random.h"
#include "models/common/time.h"
#include "models/sip/message/message.h"
#include "models/sip/message/validation.h"
#include "models/sip/transport/fifo.h"
#include "models/sip/transport/transport_layer.h"
#include "models/sip/txn/events.h"
#include "models/sip/txn/id_table.h"
#include "models/sip/txn/key_index.h"
#include "models/sip/txn/resend_memory.h"
#include "models/sip/txn/sequence_index.h"
#include "models/sip/txn/timer_config.h"
#include "models/sip/txn/timer_queue.h"
#include "models/sip/txn/txn_key.h"

namespace siplab::sip {

struct SipStackConfig {
  TransportConfig transport;
  TimerConfig timers;
  // Receiver validation of every new request (§8.2, §16.3) with the
  // message layer's rules; failures are answered statelessly with the
  // rejection response (never for ACK, §17.2.3 / §8.2: no response to ACK).
  bool validate_requests = true;
  ValidationOptions validation;
};

struct SendResult {
  TxnId txn = kNoTxn;  // the client transaction (send_request / send_cancel)
  std::string error;   // empty on success
  bool ok() const { return error.empty(); }
};

struct StackCounters {
  uint64_t rejected_requests = 0;     // answered by validation (400-class)
  uint64_t absorbed_requests = 0;     // retransmissions a server transaction absorbed
  uint64_t absorbed_responses = 0;    // retransmitted finals a client transaction absorbed
  uint64_t via_mismatches = 0;        // responses whose top Via is not ours (§18.1.2)
  uint64_t invalid_responses = 0;     // responses validate_response rejected
  uint64_t unroutable_responses = 0;  // responses we could not find a destination for
};

class SipStack {
 public:
  SipStack(SipStackConfig config, Random& random);
  SipStack(const SipStack&) = delete;
  SipStack& operator=(const SipStack&) = delete;

  // ---- driver inputs ----
  void handle_datagram(Instant now, const Endpoint& from, const Endpoint& to, std::string_view bytes);
  // An incoming stream connection; the returned id names it from now on.
  ConnectionId handle_connection_accepted(Instant now, Transport transport, const Endpoint& remote,
                                          const Endpoint& local);
  void handle_stream(Instant now, ConnectionId connection, std::string_view bytes);
  // The connection closed; `failed` when it never opened or was reset —
  // transactions waiting on it get a transport error (§17.1.4, §17.2.4).
  void handle_connection_closed(Instant now, ConnectionId connection, bool failed);
  // A datagram to `destination` was reported unreachable (ICMP, §17.1.4).
  void handle_unreachable(Instant now, Transport transport, const Endpoint& destination);
  void handle_timeout(Instant now);

  // ---- outputs ----
  std::optional<Transmit> poll_transmit() { return transport_.poll_transmit(); }
  std::optional<ConnectionId> poll_close() { return transport_.poll_close(); }
  std::optional<Instant> poll_timeout() const { return timers_.next(); }
  std::optional<TuEvent> poll_event();
  // poll_event() for a driver that handles events in place: hands each
  // pending event to `handle` (TuEvent&, to read or move from) in order,
  // including the events its handling causes, without moving them out of
  // the queue one by one.  `handle` may call any TU command.
  // A call made from inside `handle` returns at once; the outer drain
  // delivers what is pending.
  template <typename F>
  void drain_events(F&& handle) {
    if (draining_events_) return;
    draining_events_ = true;
    while (!events_.empty()) {
      // Handling may queue new events: they go to the other queue, whose
      // storage is kept for the next round.
      std::swap(events_, events_draining_);
      events_draining_.drain(handle);
    }
    draining_events_ = false;
  }
  // drain_events() would deliver something now: events are queued and no
  // drain is under way (one from inside a handler returns at once).
  bool has_events_to_drain() const { return !events_.empty() && !draining_events_; }
  std::optional<TraceEvent> poll_trace();

  // ---- TU commands ----
  // Starts a client transaction: pushes our Via (fresh branch, sent-by,
  // rport), applies the §18.1.1 size rule, sends, arms Timers A/B or E/F.
  SendResult send_request(Instant now, Message request, const Target& target);
  // The same, for a caller that keeps the request when it cannot be sent:
  // `request` is moved into the transaction only on success and left as it
  // was when the result is an error (no copy either way).
  SendResult send_request_from(Instant now, Message& request, const Target& target);
  // Builds the CANCEL for INVITE client transaction `invite` (§9.1: same
  // Request-URI, Call-ID, From, To, CSeq number, Route and top Via) and
  // sends it in its own non-INVITE client transaction to the same place.
  // Only after a provisional response arrived (§9.1).
  SendResult send_cancel(Instant now, TxnId invite);
  // Sends a response in server transaction `txn` (§17.2.1, §17.2.2).
  SendResult send_response(Instant now, TxnId txn, Message response);
  // Outside any transaction: the ACK for a 2xx, a stateless proxy's
  // forwarded request (§16.11).  Pushes our Via with `branch` (a fresh one
  // when empty).
  SendResult send_stateless_request(Instant now, Message request, const Target& target,
                                    std::string_view branch = {});
  // Outside any transaction: 2xx retransmissions of a UAS core (§13.3.1.4),
  // a stateless proxy's forwarded response.  Routed by the top Via
  // (§18.2.2); on `path`'s connection when it is still open.
  SendResult send_stateless_response(Instant now, Message response,
                                     const std::optional<InboundContext>& path = std::nullopt);

  // ---- queries ----
  std::optional<TxnState> state(TxnId txn) const;
  // The request of a live transaction (client: as sent, with our Via;
  // server: as received, Via stamped).  Only INVITE transactions, RFC 2543
  // server transactions and requests moved to TCP for their size keep it
  // (the TU has a server's request; a non-INVITE client keeps the bytes it
  // sent): nullptr for the others, as for unknown ids.
  const Message* request(TxnId txn) const;
  std::size_t transaction_count() const { return txns_.size(); }
  const TransportCounters& transport_counters() const { return transport_.counters(); }
  const StackCounters& counters() const { return counters_; }
  const SipStackConfig& config() const { return config_; }
  // Trace events go to `observer` as they happen instead of the poll_trace queue.
  void set_trace_observer(std::function<void(TraceEvent&&)> observer);
  // Tracing off: no trace event is built (no message summaries, no state or
  // timer records) — for a driver without a trace sink.  On by default.
  void set_tracing(bool on);
  bool tracing() const { return tracing_; }

 private:
  // Small on purpose (a node holds thousands, most of them only waiting
  // for Timer J or K, and each is fresh memory when it starts and cold
  // when it ends): four cache lines.  What only some transactions need
  // lives in Rare, behind a pointer that stays null for most.  Aligned so
  // that the four lines are whole ones.
  struct alignas(64) Txn {
    struct Rare {
      std::string trace_id;  // "<branch>/<METHOD>/client|server"; built when first traced
      std::unique_ptr<MessageSummary> wire_summary;  // only while tracing
      // INVITE client, after a non-2xx final (§17.1.1.3): the ACK it sends.
      std::optional<std::string> ack_wire;
      std::unique_ptr<MessageSummary> ack_summary;  // only while tracing
      std::string response_to_tag;  // RFC 2543 server: To tag of our responses (ACK match)
      // Server, for a request that came on a stream connection: how it
      // arrived (§18.2.2: the response goes back on that connection while
      // it is open).  A datagram's response goes to via_destination.
      std::optional<InboundContext> stream_from;
    };
    Rare& rare_part() {
      if (!rare) rare = std::make_unique<Rare>();
      return *rare;
    }

    TxnId id = kNoTxn;
    TxnKind kind = TxnKind::InviteClient;
    TxnState state = TxnState::Calling;
    // Where our messages go: client → the request's destination; server →
    // the response's (decided at the first response, §18.2.2).
    Transport transport = Transport::Udp;
    // Client: the request was meant for UDP and moved to TCP by the size
    // rule; a failed connection falls back to UDP (§18.1.1).
    bool moved_for_size = false;
    uint16_t last_status = 0;  // server: last response code sent
    uint16_t retransmits = 0;
    // The fields are ordered by when they are read: the timers with the
    // state above (line 1: what Timer J or K reads when it ends a
    // transaction that has been cold for seconds), then what ending it
    // frees (line 2), then the key (line 3: the index erase reads it).
    // The routing fields come last: no lingering transaction reads them
    // at its end, so ending one touches three of its four lines.
    TimerRef retransmit_timer;  // A, E, G
    TimerRef timeout_timer;     // B, F, H
    // D, K, I, J; and §17.2.1's 200 ms 100 Trying timer, which runs only in
    // an INVITE server's Proceeding before its first response, when no
    // linger timer can.
    TimerRef linger_timer;
    // What a retransmission re-sends: the request (client), the last
    // response (server).  (An INVITE client's ACK is in Rare.)
    std::string wire;
    // Client: as sent, for INVITE (ACK, CANCEL) and a request moved to TCP
    // for its size (UDP retry) only, until a non-INVITE one's final
    // response (Completed never needs it).  Server: as received, for
    // INVITE (100 Trying, CANCEL matching) and RFC 2543 transactions
    // (matching) only.
    std::unique_ptr<Message> request;
    std::unique_ptr<Rare> rare;
    std::optional<ConnectionId> connection;
    TxnKey key;  // index key (client_key / server_key); empty for RFC 2543 server txns
    std::optional<Endpoint> destination;
    // Server: §18.2.2 / RFC 3581 §4 destination from the request's stamped
    // top Via, for a response not sent on the request's connection
    // (nullopt: the Via names no usable address).
    std::optional<Endpoint> via_destination;
    Duration interval{};  // current retransmission interval (A, E, G)
  };

  // inbound dispatch
  void on_received(Instant now, Received&& received);
  void on_request(Instant now, Received&& received);
  void on_response(Instant now, Received&& received);
  std::optional<TxnId> find_cancelled_invite(const Message& cancel);

  // client machines (client_transactions.cc)
  void client_on_response(Instant now, Txn& txn, Message&& response);
  void client_on_timer(Instant now, Txn& txn, TimerName timer);
  // [[gnu::cold]] marks the failure paths: GCC then lays the code that
  // leads to them out of the hot path (fewer instruction-cache lines per
  // ordinary transaction).
  [[gnu::cold]] void client_fail(Instant now, Txn& txn, ResponseOrigin origin);
  // A client transaction's request as sent: the kept one, or one parsed
  // again from the bytes (a non-INVITE one keeps only those).
  [[gnu::cold]] static Message request_of(const Txn& txn);
  [[gnu::cold]] void client_retry_over_udp(Instant now, Txn& txn);
  void arm_retransmission(Instant now, Txn& txn);
  Message make_ack(const Txn& txn, const Message& response) const;
  void send_client_wire(Instant now, Txn& txn, bool retransmit);

  // server machines (server_transactions.cc)
  void server_on_retransmission(Instant now, Txn& txn, const Message& request);
  void server_on_timer(Instant now, Txn& txn, TimerName timer);
  bool send_server_wire(Instant now, Txn& txn, bool retransmit);
  [[gnu::cold]] void server_fail(Instant now, Txn& txn, ServerFailure reason);

  // common
  // §17.1.4 / §17.2.4: the transactions `hit` (in id order) learn of a
  // transport error: a client still waiting for its final response fails
  // with 503 (or retries over UDP, §18.1.1), a server that has answered
  // and is not Confirmed reports it to the TU.
  [[gnu::cold]] void report_transport_error(Instant now, const std::vector<TxnId>& hit);
  Txn& create_txn(Instant now, TxnKind kind, TxnState initial, std::string_view branch, std::string_view method);
  void set_state(Instant now, Txn& txn, TxnState to);
  // Arms `timer` due at now + wait in `slot` (cancelling what it held).
  void arm(Txn& txn, TimerRef& slot, Instant now, Duration wait, TimerName timer);
  void cancel_timers(Txn& txn);
  // Enters Terminated and forgets the transaction (`txn` dangles afterwards).
  void terminate(Instant now, Txn& txn);
  // Arms a linger timer (D, I, J, K) or, for a zero duration on a reliable
  // transport, terminates at once.  Returns false when it terminated.
  bool linger_or_terminate(Instant now, Txn& txn, Duration wait, TimerName timer);
  void fire(Instant now, const TimerKey& key);
  void trace(TraceEvent&& event);
  // The transaction's trace id, built on first use (from the request when
  // the transaction was created while tracing was off).
  const std::string& trace_id(Txn& txn);
  // "<branch>/<METHOD>/client|server" ("rfc2543-<id>" for no branch) appended to `out`.
  static void append_trace_id(std::string& out, std::string_view branch, std::string_view method, const Txn& txn);
  void trace_timer(Instant now, Txn& txn, TimerName timer, int retransmit);
  // A summary for the message's trace events, or an empty one when nothing traces.
  MessageSummary summary_for(const Message& message) const {
    return tracing_ ? summarize(message) : MessageSummary{};
  }
  // The same kept on a transaction: allocated only while tracing.
  std::unique_ptr<MessageSummary> kept_summary_for(const Message& message) const {
    return tracing_ ? std::make_unique<MessageSummary>(summarize(message)) : nullptr;
  }
  static const MessageSummary& summary_or_empty(const MessageSummary* summary);
  // While tracing, records a 2xx to INVITE sent at `now` as `wire`; true
  // when the same bytes went out before (a retransmission, §13.3.1.4).
  bool noted_as_resent(Instant now, const Message& response, std::string_view wire);
  // The kept summary of txn.wire (empty when nothing traces).
  static const MessageSummary& wire_summary_of(const Txn& txn) {
    return summary_or_empty(txn.rare ? txn.rare->wire_summary.get() : nullptr);
  }
  // Keeps `summary` as txn.wire's (no Rare part is made for a null one).
  static void keep_wire_summary(Txn& txn, std::unique_ptr<MessageSummary> summary) {
    if (summary || txn.rare) txn.rare_part().wire_summary = std::move(summary);
  }
  // `key`: the request's server_key, or nullptr for RFC 2543 matching.
  Txn* find_server_txn(const Message& request, const std::string* key);
  [[gnu::cold]] void reject_request(Instant now, const Received& received, const Rejection& rejection);
  // A datagram that did not parse: answer it statelessly when enough of it
  // is readable to address a response (see salvage_request_for_reply).
  [[gnu::cold]] void answer_unparsable_request(Instant now, const Endpoint& from, const Endpoint& to, std::string_view bytes);
  // §18.2.2: sends a response to a request that arrived over `from`, on
  // its connection while open, else to `via_destination` (what
  // response_destination() gives for the top Via).  Sets transport,
  // destination and connection to what was used; false when unroutable.
  bool route_response(Instant now, const InboundContext* from, const std::optional<Endpoint>& via_destination,
                      std::string wire, const MessageSummary& summary, bool retransmit,
                      Transport& transport, std::optional<Endpoint>& destination,
                      std::optional<ConnectionId>& connection);
  // response_destination() of the message's top Via over `transport`.
  static std::optional<Endpoint> via_destination_of(const Message& message, Transport transport);
  std::string prepare_request(Message& request, Target& target, std::string_view branch);

  SipStackConfig config_;
  Random& random_;
  TransportLayer transport_;
  TimerQueue timers_;
  StackCounters counters_;
  TxnId next_id_ = 1;
  uint64_t branch_sequence_ = 0;  // numbers the branches this stack makes
  IdTable<Txn> txns_;
  // Keys view Txn::key of the indexed transaction and values point to it
  // (txns_ objects never move), so a transaction costs one key string, not
  // two, and a match needs no second lookup by id.
  SequenceIndex<Txn> client_index_;  // our own branches: by their sequence number
  KeyIndex<Txn> server_index_;
  std::vector<TxnId> rfc2543_server_txns_;
  Fifo<TuEvent> events_;
  Fifo<TuEvent> events_draining_;  // drain_events()'s batch
  bool draining_events_ = false;
  Fifo<TraceEvent> trace_;
  std::function<void(TraceEvent&&)> trace_observer_;
  std::vector<Received> stream_batch_;
  // A transaction key being built (client_key of a received response or
  // of a new request, server_key of a received request), reused: no
  // allocation per lookup or per new transaction.
  std::string key_scratch_;
  // The branch of a new client transaction and its Via's text, reused.
  std::string branch_scratch_;
  std::string via_scratch_;
  ResendMemory sent_2xx_;  // 2xx to INVITE sent, for the trace's retransmit flag
  bool tracing_ = true;
};

}  // namespace siplab::sip
