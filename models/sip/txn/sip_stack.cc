// SipStack: inbound dispatch, TU commands, timers and event plumbing.  The
// client and server state machines live in client_transactions.cc and
// server_transactions.cc.
#include "models/sip/txn/sip_stack.h"

#include <vector>

#include "models/sip/message/parser.h"
#include "models/sip/message/salvage.h"
#include "models/sip/message/serializer.h"
#include "models/sip/transport/branch.h"
#include "models/sip/transport/via_rules.h"
#include "models/sip/txn/matching.h"

namespace siplab::sip {

SipStack::SipStack(SipStackConfig config, Random& random)
    : config_(std::move(config)),
      random_(random),
      transport_(config_.transport),
      sent_2xx_(64 * config_.timers.t1) {
  // Message events join the stack's own trace stream so their order relative
  // to state changes and timer firings is the order they happened in.
  transport_.set_observer([this](MessageEvent&& e) { trace(TraceEvent{std::move(e)}); });
}

void SipStack::set_trace_observer(std::function<void(TraceEvent&&)> observer) {
  trace_observer_ = std::move(observer);
}

void SipStack::set_tracing(bool on) {
  tracing_ = on;
  transport_.set_tracing(on);
}

void SipStack::trace(TraceEvent&& event) {
  if (!tracing_) return;
  if (trace_observer_) {
    trace_observer_(std::move(event));
  } else {
    trace_.push_back(std::move(event));
  }
}

std::optional<TuEvent> SipStack::poll_event() {
  if (events_.empty()) return std::nullopt;
  TuEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<TraceEvent> SipStack::poll_trace() {
  if (trace_.empty()) return std::nullopt;
  TraceEvent e = std::move(trace_.front());
  trace_.pop_front();
  return e;
}

std::optional<TxnState> SipStack::state(TxnId id) const {
  const Txn* txn = txns_.find(id);
  if (!txn) return std::nullopt;
  return txn->state;
}

const Message* SipStack::request(TxnId id) const {
  const Txn* txn = txns_.find(id);
  return txn ? txn->request.get() : nullptr;
}

// ---------------------------------------------------------------- inbound

void SipStack::handle_datagram(Instant now, const Endpoint& from, const Endpoint& to,
                               std::string_view bytes) {
  if (auto received = transport_.receive_datagram(now, from, to, bytes)) {
    on_received(now, std::move(*received));
    return;
  }
  answer_unparsable_request(now, from, to, bytes);
}

void SipStack::answer_unparsable_request(Instant now, const Endpoint& from, const Endpoint& to,
                                         std::string_view bytes) {
  // RFC 3261 §8.2 / RFC 4475 §3.1.2: a request that is malformed but still
  // names its Via, From, To, Call-ID and CSeq can be answered (400, or 505
  // for a bad version, 501 at a UAS for an unknown method with a CSeq
  // mismatch: rejection_for); one that does not, or that is an ACK (never
  // answered, §17.2.1), is only dropped.  The reply is stateless and goes
  // back to the source, as for any response over UDP with rport (RFC 3581
  // §4).
  auto parse_error = parse_message(bytes, Framing::Datagram);
  if (parse_error.ok()) return;
  auto salvaged = salvage_request_for_reply(bytes);
  if (!salvaged) return;
  auto via = salvaged->top_via();
  if (!via) return;
  stamp_received(*via, from);
  salvaged->set_top_via(*via);
  Received received{std::move(*salvaged), InboundContext{Transport::Udp, from, to, std::nullopt}, bytes.size()};
  reject_request(now, received, rejection_for(parse_error.error(), config_.validation.role));
}

ConnectionId SipStack::handle_connection_accepted(Instant, Transport transport, const Endpoint& remote,
                                                  const Endpoint& local) {
  return transport_.accept(transport, remote, local);
}

void SipStack::handle_stream(Instant now, ConnectionId connection, std::string_view bytes) {
  stream_batch_.clear();
  const bool healthy = transport_.receive_stream(now, connection, bytes, stream_batch_);
  // Messages framed before a failure are still delivered.
  std::vector<Received> batch = std::move(stream_batch_);
  stream_batch_.clear();
  for (Received& r : batch) on_received(now, std::move(r));
  if (!healthy) handle_connection_closed(now, connection, true);
}

void SipStack::handle_connection_closed(Instant now, ConnectionId connection, bool failed) {
  transport_.close(connection);
  if (!failed) return;  // §18.1.1: responses may still come over a new connection
  std::vector<TxnId> hit;  // in id order
  txns_.for_each([&](const Txn& txn) {
    if (txn.connection == connection) hit.push_back(txn.id);
  });
  report_transport_error(now, hit);
}

void SipStack::handle_unreachable(Instant now, Transport transport, const Endpoint& destination) {
  std::vector<TxnId> hit;  // in id order
  txns_.for_each([&](const Txn& txn) {
    if (txn.transport == transport && txn.destination == destination && !txn.connection) hit.push_back(txn.id);
  });
  report_transport_error(now, hit);
}

void SipStack::report_transport_error(Instant now, const std::vector<TxnId>& hit) {
  for (TxnId id : hit) {
    Txn* found = txns_.find(id);
    if (!found) continue;  // ended by an earlier one's failure
    Txn& txn = *found;
    if (is_client(txn.kind)) {
      // §18.1.1: a request moved to TCP only for its size whose stream
      // failed is retried over UDP.
      if (txn.moved_for_size && (txn.state == TxnState::Calling || txn.state == TxnState::Trying)) {
        client_retry_over_udp(now, txn);
      } else if (txn.state == TxnState::Calling || txn.state == TxnState::Trying ||
                 txn.state == TxnState::Proceeding) {
        client_fail(now, txn, ResponseOrigin::TransportError);
      }
    } else if (txn.last_status != 0 && txn.state != TxnState::Confirmed) {
      server_fail(now, txn, ServerFailure::TransportError);
    }
  }
}

void SipStack::on_received(Instant now, Received&& received) {
  if (received.message.is_request()) {
    on_request(now, std::move(received));
  } else {
    on_response(now, std::move(received));
  }
}

namespace {

// Does the message carry exactly one Via value?  One row without a comma
// needs no list split; anything else asks the message layer.
bool single_via(const Message& message) {
  const Header* only = nullptr;
  for (const Header& h : message.headers()) {
    if (h.id != HeaderId::Via) continue;
    if (only) return false;
    only = &h;
  }
  if (!only) return false;
  if (only->value.find(',') == std::string::npos) return true;
  return message.header_values(HeaderId::Via).size() == 1;
}

}  // namespace

void SipStack::on_response(Instant now, Received&& r) {
  // §18.1.2: the top Via must carry the sent-by we insert; otherwise the
  // response was misrouted and is silently discarded.
  // The top Via as parsed on arrival when the transport kept it, else parsed here.
  std::optional<ViaView> via = r.parsed ? std::nullopt : r.message.top_via_view();
  if (r.parsed && r.parsed->top_via()) via = *r.parsed->top_via();
  const bool has_via = via.has_value();
  const std::string_view via_host = via ? via->host : "";
  const std::optional<uint16_t> via_port = via ? via->port : std::nullopt;
  const uint16_t our_port = transport_.local_endpoint(r.from.transport).port;
  const auto& tc = config_.transport;
  if (!has_via || !via_is_ours(via_host, via_port, tc.address, tc.address6, our_port, tc.sent_by_host)) {
    ++counters_.via_mismatches;
    transport_.record_drop(now, r, DropCause::ViaMismatch, "top Via sent-by is not this node");
    return;
  }
  // At a proxy a response normally goes on along the next Via (§16.7 step
  // 3).  One that matches a client transaction of ours and carries only our
  // Via answers a request the proxy originated itself (the CANCEL it sends
  // to the other branches, §16.7 step 10): judge that one as a UAC would.
  // §17.1.3: branch of the top Via (parsed once above) + CSeq method.
  Txn* found = nullptr;
  if (const auto branch = via->branch()) {
    const std::optional<CSeqView> cseq = r.parsed ? r.parsed->cseq() : r.message.cseq_view();
    if (cseq) {
      client_key_into(key_scratch_, *branch, cseq->method);
      found = client_index_.find(key_scratch_);
    }
  }
  const bool matched = found != nullptr;
  ResponseRole role = ResponseRole::Uac;
  if (config_.validation.role == Role::Proxy) {
    // Only our Via: the parse on arrival has counted them already.
    const bool own_request = matched && (r.parsed ? r.parsed->vias().size() == 1 : single_via(r.message));
    if (!own_request) role = ResponseRole::Proxy;
  }
  const ResponseVerdict verdict = validate_response(r.message, role, r.parsed);
  if (!verdict.accept) {
    ++counters_.invalid_responses;
    transport_.record_drop(now, r, DropCause::Invalid, verdict.reason);
    return;
  }
  if (matched) {
    client_on_response(now, *found, std::move(r.message));
    return;
  }
  events_.emplace_back(std::in_place_type<StrayResponse>, std::move(r.message), r.from);
}

SipStack::Txn* SipStack::find_server_txn(const Message& request, const std::string* key) {
  if (key) {
    return server_index_.find(*key);
  }
  for (TxnId id : rfc2543_server_txns_) {
    Txn& txn = *txns_.find(id);  // listed while it lives
    const std::string_view response_to_tag = txn.rare ? std::string_view(txn.rare->response_to_tag) : "";
    if (rfc2543_matches(*txn.request, response_to_tag, request)) return &txn;  // RFC 2543: kept
  }
  return nullptr;
}

std::optional<TxnId> SipStack::find_cancelled_invite(const Message& cancel) {
  // §9.2: the §17.2.3 rules, with the CANCEL looking for the INVITE's key.
  if (const auto key = server_key(cancel, "INVITE")) {
    const Txn* found = server_index_.find(*key);
    if (!found) return std::nullopt;
    return found->id;
  }
  for (TxnId id : rfc2543_server_txns_) {
    const Txn& txn = *txns_.find(id);  // listed while it lives
    if (txn.kind == TxnKind::InviteServer && rfc2543_cancel_matches(*txn.request, cancel)) return id;
  }
  return std::nullopt;
}

void SipStack::on_request(Instant now, Received&& r) {
  Message& request = r.message;
  // §18.2.1 / RFC 3581 §4: note where the request really came from, in
  // the Via row's text; what the stamped top Via says serves matching and
  // the new transaction's branch and response destination.
  const std::optional<StampedTopVia> via = stamp_top_via(request, r.from.source, r.from.transport, r.parsed);
  const std::string* key =
      via && server_key_into(key_scratch_, via->branch, via->sent_by, request.method()) ? &key_scratch_ : nullptr;
  if (Txn* txn = find_server_txn(request, key)) {
    server_on_retransmission(now, *txn, request);
    return;
  }
  const bool is_ack = request.method() == "ACK";
  if (config_.validate_requests) {
    if (auto rejection = validate_request(request, config_.validation, r.parsed)) {
      if (is_ack) {
        // §17: no response is ever sent to an ACK.
        transport_.record_drop(now, r, DropCause::Invalid, rejection->reason);
      } else {
        reject_request(now, r, *rejection);
      }
      return;
    }
  }
  if (is_ack) {
    // An ACK matching no transaction: the 2xx ACK, for the UA core (§17.2.3).
    events_.emplace_back(std::in_place_type<RequestReceived>, kNoTxn, std::move(request), r.from, std::nullopt);
    return;
  }
  const bool invite = request.method() == "INVITE";
  Txn& txn = create_txn(now, invite ? TxnKind::InviteServer : TxnKind::NonInviteServer,
                        invite ? TxnState::Proceeding : TxnState::Trying, via ? via->branch : "",
                        request.method());
  // §18.2.2: only a stream connection's path is needed later; a datagram's
  // responses follow the Via (via_destination).
  if (r.from.connection) txn.rare_part().stream_from = r.from;
  txn.transport = r.from.transport;
  txn.connection = r.from.connection;
  if (via) txn.via_destination = via->response_destination;
  if (key) {
    txn.key = *key;
    server_index_.insert(&txn);
  } else {
    rfc2543_server_txns_.push_back(txn.id);
  }
  std::optional<TxnId> cancels;
  if (request.method() == "CANCEL") cancels = find_cancelled_invite(request);
  // The TU gets the request; the transaction keeps a copy only where it
  // needs one: an INVITE answers 100 Trying from it and CANCELs are matched
  // against it, and RFC 2543 transactions are matched by its fields.
  if (invite || txn.key.empty()) {
    txn.request = std::make_unique<Message>(request);
  }
  const TxnId id = txn.id;
  events_.emplace_back(std::in_place_type<RequestReceived>, id, std::move(request), r.from, cancels);
  if (invite) {
    Txn& t = *txns_.find(id);  // still alive: nothing ran since it was created
    if (config_.timers.immediate_trying) {
      // §16.2 / §17.2.1: a proxy answers 100 at once.
      send_response(now, id, make_response(*t.request, 100));
    } else {
      arm(t, t.linger_timer, now, config_.timers.trying_delay, TimerName::Trying);
    }
  }
}

void SipStack::reject_request(Instant now, const Received& r, const Rejection& rejection) {
  ++counters_.rejected_requests;
  Message response = make_rejection_response(r.message, rejection);
  std::string wire = serialize(response);
  const MessageSummary summary = summary_for(response);
  Transport transport = r.from.transport;
  std::optional<Endpoint> destination;
  std::optional<ConnectionId> connection;
  route_response(now, &r.from, via_destination_of(response, transport), std::move(wire), summary, false,
                 transport, destination, connection);
}

// ---------------------------------------------------------------- outbound

std::string SipStack::prepare_request(Message& request, Target& target, std::string_view branch) {
  const bool v6 = target.destination.address.v6;
  transport_.via_text_into(via_scratch_, target.transport, branch, v6);
  request.push_via_text(via_scratch_);
  std::string wire = serialize(request);
  const Transport chosen = transport_.transport_for_request(target.transport, wire.size());
  if (chosen != target.transport) {
    // §18.1.1: too big for UDP; the Via must name the transport really used.
    target.transport = chosen;
    request.set_top_via(transport_.make_via(chosen, branch, v6));
    wire = serialize(request);
  }
  return wire;
}

static std::optional<std::string> check_request(const Message& request) {
  if (!request.is_request()) return "not a request";
  if (!request.call_id()) return "request has no Call-ID";
  const auto cseq = request.cseq();
  if (!cseq) return "request has no CSeq";
  if (cseq->method != request.method()) return "CSeq method differs from the request method";
  return std::nullopt;
}

SendResult SipStack::send_request(Instant now, Message request, const Target& target) {
  return send_request_from(now, request, target);
}

SendResult SipStack::send_request_from(Instant now, Message& request, const Target& target_in) {
  if (auto error = check_request(request)) return SendResult{kNoTxn, *error};
  if (request.method() == "ACK") {
    return SendResult{kNoTxn, "ACK is not sent in a transaction (use send_stateless_request)"};
  }
  if (is_reliable(target_in.transport) && !config_.transport.tcp_enabled) {
    return SendResult{kNoTxn, "stream transport requested but TCP is disabled"};
  }
  Target target = target_in;
  make_branch_into(branch_scratch_, random_, ++branch_sequence_);
  const std::string_view branch = branch_scratch_;
  std::string wire = prepare_request(request, target, branch);
  const bool invite = request.method() == "INVITE";
  client_key_into(key_scratch_, branch, request.method());
  Txn& txn = create_txn(now, invite ? TxnKind::InviteClient : TxnKind::NonInviteClient,
                        invite ? TxnState::Calling : TxnState::Trying, branch, request.method());
  txn.key = key_scratch_;
  client_index_.insert(&txn);
  txn.transport = target.transport;
  txn.moved_for_size = target.transport != target_in.transport;
  txn.destination = target.destination;
  txn.wire = std::move(wire);
  keep_wire_summary(txn, kept_summary_for(request));
  // An INVITE client builds its ACK and CANCEL from the request, and one
  // moved to TCP for its size re-sends it over UDP with another Via
  // (§18.1.1): those keep it.  Any other keeps only its bytes, which is
  // all a retransmission sends; the rare 408 or 503 is built from them
  // again (client_fail).  The parsed form would stay alive, cold, until
  // the final response: about a kilobyte per transaction in flight.
  if (invite || txn.moved_for_size) {
    txn.request = std::make_unique<Message>(std::move(request));
  } else {
    Message consumed = std::move(request);
  }
  send_client_wire(now, txn, false);
  arm_retransmission(now, txn);
  // §17.1.1.2 / §17.1.2.2: Timer B / F run on every transport.
  arm(txn, txn.timeout_timer, now, (invite ? config_.timers.timer_b() : config_.timers.timer_f()),
      invite ? TimerName::B : TimerName::F);
  return SendResult{txn.id, {}};
}

SendResult SipStack::send_cancel(Instant now, TxnId invite_id) {
  Txn* found = txns_.find(invite_id);
  if (!found || found->kind != TxnKind::InviteClient) {
    return SendResult{kNoTxn, "no INVITE client transaction with that id"};
  }
  Txn& invite = *found;
  // §9.1: a CANCEL only after a provisional response, and not once a final
  // response has arrived.
  if (invite.state != TxnState::Proceeding) {
    return SendResult{kNoTxn, std::string("INVITE transaction is ") + std::string(state_name(invite.state)) +
                                  ", not Proceeding"};
  }
  const Message& inv = *invite.request;  // INVITE client: kept
  Message cancel = Message::request("CANCEL", inv.request_uri());
  // §9.1: the CANCEL's single Via equals the INVITE's top Via (same branch).
  cancel.push_via(*inv.top_via());
  for (HeaderId id : {HeaderId::From, HeaderId::To, HeaderId::CallId}) {
    if (auto v = inv.header(id)) cancel.add_header(canonical_name(id), *v);
  }
  cancel.set_cseq(CSeq{inv.cseq()->number, "CANCEL"});
  for (const Header& h : inv.headers()) {
    if (h.id == HeaderId::Route) cancel.add_header(h.name, h.value);
  }
  cancel.set_max_forwards(70);
  cancel.set_body({});
  const std::string branch(*inv.top_via()->branch());
  Txn& txn = create_txn(now, TxnKind::NonInviteClient, TxnState::Trying, branch, "CANCEL");
  txn.key = client_key(branch, "CANCEL");
  client_index_.insert(&txn);
  const Txn& inv_txn = invite;  // (transactions never move)
  txn.transport = inv_txn.transport;
  txn.destination = inv_txn.destination;
  txn.connection = inv_txn.connection;
  txn.wire = serialize(cancel);
  keep_wire_summary(txn, kept_summary_for(cancel));
  send_client_wire(now, txn, false);  // a non-INVITE: keeps only the bytes (send_request_from)
  arm_retransmission(now, txn);
  arm(txn, txn.timeout_timer, now, config_.timers.timer_f(), TimerName::F);
  return SendResult{txn.id, {}};
}

SendResult SipStack::send_stateless_request(Instant now, Message request, const Target& target_in,
                                            std::string_view branch) {
  if (auto error = check_request(request)) return SendResult{kNoTxn, *error};
  Target target = target_in;
  const std::string fresh = branch.empty() ? make_branch(random_, ++branch_sequence_) : std::string(branch);
  std::string wire = prepare_request(request, target, fresh);
  transport_.send(now, target.transport, target.destination, std::nullopt, std::move(wire),
                  summary_for(request), false);
  return SendResult{};
}

SendResult SipStack::send_stateless_response(Instant now, Message response,
                                             const std::optional<InboundContext>& path) {
  if (!response.is_response()) return SendResult{kNoTxn, "not a response"};
  Transport transport = path ? path->transport : Transport::Udp;
  if (!path) {
    if (auto via = response.top_via()) {
      if (auto t = parse_transport(via->transport)) transport = *t;
    }
  }
  std::optional<Endpoint> destination;
  std::optional<ConnectionId> connection;
  std::string wire = serialize(response);
  const MessageSummary summary = summary_for(response);
  const bool again = noted_as_resent(now, response, wire);
  if (!route_response(now, path ? &*path : nullptr, via_destination_of(response, transport), std::move(wire),
                      summary, again, transport, destination, connection)) {
    return SendResult{kNoTxn, "no route for the response (top Via has no usable address)"};
  }
  return SendResult{};
}

bool SipStack::noted_as_resent(Instant now, const Message& response, std::string_view wire) {
  // Only the trace reads the answer; only 2xx to INVITE are resent outside a
  // transaction (§13.3.1.4; a proxy forwards them, §16.7 step 2).
  if (!tracing_ || response.status_code() < 200 || response.status_code() >= 300) return false;
  const auto cseq = response.cseq();
  if (!cseq || cseq->method != "INVITE") return false;
  return sent_2xx_.note(now, wire);
}

const MessageSummary& SipStack::summary_or_empty(const MessageSummary* summary) {
  static const MessageSummary empty;
  return summary ? *summary : empty;
}

std::optional<Endpoint> SipStack::via_destination_of(const Message& message, Transport transport) {
  const auto via = message.top_via();
  return via ? response_destination(*via, transport) : std::nullopt;
}

bool SipStack::route_response(Instant now, const InboundContext* from,
                              const std::optional<Endpoint>& via_destination, std::string wire,
                              const MessageSummary& summary, bool retransmit, Transport& transport,
                              std::optional<Endpoint>& destination, std::optional<ConnectionId>& connection) {
  // §18.2.2: reliable transport → the connection the request came on, if it
  // is still open; otherwise a new connection to received/sent-by.
  if (from && from->connection && transport_.is_open(*from->connection)) {
    transport = from->transport;
    destination = from->source;
    connection = transport_.send(now, transport, from->source, from->connection, std::move(wire), summary,
                                 retransmit);
    return true;
  }
  if (!via_destination) {
    ++counters_.unroutable_responses;
    return false;
  }
  destination = via_destination;
  connection = transport_.send(now, transport, *via_destination, std::nullopt, std::move(wire), summary,
                               retransmit);
  return true;
}

// ---------------------------------------------------------------- common

SipStack::Txn& SipStack::create_txn(Instant now, TxnKind kind, TxnState initial, std::string_view branch,
                                    std::string_view method) {
  const TxnId id = next_id_++;
  Txn& txn = txns_.create(id);
  txn.id = id;
  txn.kind = kind;
  txn.state = initial;
  if (tracing_) {
    std::string& id_text = txn.rare_part().trace_id;
    append_trace_id(id_text, branch, method, txn);
    trace(TxnStateChange{now, id_text, initial, initial, true});
  }
  return txn;
}

void SipStack::append_trace_id(std::string& out, std::string_view branch, std::string_view method,
                               const Txn& txn) {
  out.reserve(out.size() + branch.size() + method.size() + 8);
  if (branch.empty()) {
    out.append("rfc2543-").append(std::to_string(txn.id));
  } else {
    out.append(branch);
  }
  out.append("/").append(method).append(is_client(txn.kind) ? "/client" : "/server");
}

const std::string& SipStack::trace_id(Txn& txn) {
  std::string& id_text = txn.rare_part().trace_id;
  if (id_text.empty()) {
    // Created while tracing was off.  An RFC 3261 key reads
    // "<branch>\n[<sent-by>\n]<METHOD>" (matching.h; a transaction's
    // method is never ACK, the one the key rewrites); an RFC 2543 server
    // transaction keeps its request, which holds the same branch and method.
    std::string_view branch;
    std::string_view method;
    if (!txn.key.empty()) {
      const std::string_view key = txn.key;
      branch = key.substr(0, key.find('\n'));
      method = key.substr(key.rfind('\n') + 1);
    } else {
      if (const auto via = txn.request->top_via_view()) branch = via->branch().value_or("");
      method = txn.request->method();
    }
    append_trace_id(id_text, branch, method, txn);
  }
  return id_text;
}

void SipStack::trace_timer(Instant now, Txn& txn, TimerName timer, int retransmit) {
  if (!tracing_) return;
  trace(TimerFired{now, trace_id(txn), timer, retransmit});
}

void SipStack::set_state(Instant now, Txn& txn, TxnState to) {
  if (txn.state == to) return;
  if (tracing_) trace(TxnStateChange{now, trace_id(txn), txn.state, to, false});
  txn.state = to;
}

void SipStack::arm(Txn& txn, TimerRef& slot, Instant now, Duration wait, TimerName timer) {
  timers_.cancel(slot);
  slot = timers_.arm(now, wait, txn.id, timer);
}

void SipStack::cancel_timers(Txn& txn) {
  timers_.cancel(txn.retransmit_timer);
  timers_.cancel(txn.timeout_timer);
  timers_.cancel(txn.linger_timer);
}

void SipStack::terminate(Instant now, Txn& txn) {
  cancel_timers(txn);
  set_state(now, txn, TxnState::Terminated);
  if (!txn.key.empty()) {
    if (is_client(txn.kind)) {
      client_index_.erase(&txn);
    } else {
      server_index_.erase(&txn);
    }
  } else if (!is_client(txn.kind)) {
    std::erase(rfc2543_server_txns_, txn.id);
  }
  events_.emplace_back(std::in_place_type<TxnTerminated>, txn.id, txn.kind);
  txns_.erase(txn.id);
}

bool SipStack::linger_or_terminate(Instant now, Txn& txn, Duration wait, TimerName timer) {
  if (wait <= Duration::zero()) {
    terminate(now, txn);
    return false;
  }
  arm(txn, txn.linger_timer, now, wait, timer);
  return true;
}

void SipStack::handle_timeout(Instant now) {
  while (auto key = timers_.pop_due(now)) fire(now, *key);
}

void SipStack::fire(Instant now, const TimerKey& key) {
  Txn* found = txns_.find(key.txn);
  if (!found) return;
  Txn& txn = *found;
  // The popped timer is no longer in the queue: clear the slot holding it.
  for (TimerRef* slot : {&txn.retransmit_timer, &txn.timeout_timer, &txn.linger_timer}) {
    if (slot->refers_to(key)) *slot = TimerRef{};
  }
  if (is_client(txn.kind)) {
    client_on_timer(now, txn, key.timer);
  } else {
    server_on_timer(now, txn, key.timer);
  }
}

}  // namespace siplab::sip
