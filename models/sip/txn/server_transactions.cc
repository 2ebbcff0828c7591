// The server transaction state machines: INVITE (RFC 3261 §17.2.1,
// Figure 7) and non-INVITE (§17.2.2, Figure 8), and the TU's send_response.
#include <algorithm>

#include "models/sip/message/serializer.h"
#include "models/sip/txn/sip_stack.h"

namespace siplab::sip {

bool SipStack::send_server_wire(Instant now, Txn& txn, bool retransmit) {
  const bool path_alive = !is_reliable(txn.transport) || (txn.connection && transport_.is_open(*txn.connection));
  if (txn.destination && path_alive) {
    // The route was fixed by the first response: reuse it (and its connection).
    txn.connection = transport_.send(now, txn.transport, *txn.destination, txn.connection, txn.wire,
                                     wire_summary_of(txn), retransmit);
    return true;
  }
  // First response of this transaction, or its stream connection is gone:
  // §18.2.2 decides where it goes (a new connection to received/sent-by).
  const InboundContext* from = txn.rare && txn.rare->stream_from ? &*txn.rare->stream_from : nullptr;
  return route_response(now, from, txn.via_destination, txn.wire, wire_summary_of(txn), retransmit, txn.transport,
                        txn.destination, txn.connection);
}

SendResult SipStack::send_response(Instant now, TxnId id, Message response) {
  Txn* found = txns_.find(id);
  if (!found || is_client(found->kind)) {
    return SendResult{kNoTxn, "no server transaction with that id"};
  }
  Txn& txn = *found;
  if (!response.is_response()) return SendResult{kNoTxn, "not a response"};
  const int code = response.status_code();
  if (code < 100 || code > 699) return SendResult{kNoTxn, "status code outside 100-699"};
  const bool accepts = txn.state == TxnState::Proceeding || txn.state == TxnState::Trying;
  if (!accepts) {
    return SendResult{kNoTxn, std::string("server transaction is ") + std::string(state_name(txn.state)) +
                                  ": it takes no more responses"};
  }
  timers_.cancel(txn.linger_timer);  // the 100 Trying timer (Proceeding)
  txn.wire = serialize(response);
  keep_wire_summary(txn, kept_summary_for(response));
  txn.last_status = code;
  // Only the RFC 2543 ACK match (no branch key) compares the To tag we sent.
  if (txn.key.empty()) {
    if (auto tag = response.to_tag()) txn.rare_part().response_to_tag = std::move(*tag);
  }
  // A 2xx to INVITE may be the same bytes again: the UAS core answers a
  // retransmitted INVITE (a new transaction: the first ended with its 2xx,
  // §17.2.1) with its 2xx once more (§13.3.1.4).
  const bool again = txn.kind == TxnKind::InviteServer && noted_as_resent(now, response, txn.wire);
  if (!send_server_wire(now, txn, again)) {
    server_fail(now, txn, ServerFailure::TransportError);
    return SendResult{kNoTxn, "no route for the response (top Via has no usable address)"};
  }
  const bool reliable = is_reliable(txn.transport);
  if (code < 200) {
    set_state(now, txn, TxnState::Proceeding);
    return SendResult{id, {}};
  }
  if (txn.kind == TxnKind::InviteServer) {
    if (code < 300) {
      // §17.2.1: a 2xx ends the transaction; its retransmission is the TU's.
      terminate(now, txn);
      return SendResult{id, {}};
    }
    set_state(now, txn, TxnState::Completed);
    if (!reliable) {
      txn.interval = config_.timers.t1;
      arm(txn, txn.retransmit_timer, now, txn.interval, TimerName::G);
    }
    arm(txn, txn.timeout_timer, now, config_.timers.timer_h(), TimerName::H);
    return SendResult{id, {}};
  }
  set_state(now, txn, TxnState::Completed);
  // §17.2.2: Timer J = 64*T1 unreliable, 0 reliable.
  linger_or_terminate(now, txn, config_.timers.timer_j(reliable), TimerName::J);
  return SendResult{id, {}};
}

void SipStack::server_on_retransmission(Instant now, Txn& txn, const Message& request) {
  ++counters_.absorbed_requests;
  if (txn.kind == TxnKind::InviteServer) {
    if (request.method() == "ACK") {
      if (txn.state != TxnState::Completed) return;  // Confirmed: absorbed
      // §17.2.1: the ACK confirms; Timer I absorbs further ACKs.
      timers_.cancel(txn.retransmit_timer);
      timers_.cancel(txn.timeout_timer);
      set_state(now, txn, TxnState::Confirmed);
      linger_or_terminate(now, txn, config_.timers.timer_i(is_reliable(txn.transport)), TimerName::I);
      return;
    }
    // A retransmitted INVITE: resend the most recent provisional (Proceeding)
    // or the final response (Completed).
    if ((txn.state == TxnState::Proceeding || txn.state == TxnState::Completed) && !txn.wire.empty()) {
      send_server_wire(now, txn, true);
    }
    return;
  }
  // non-INVITE, §17.2.2: Trying discards; Proceeding/Completed resend the last response.
  if (request.method() == "ACK") return;
  if ((txn.state == TxnState::Proceeding || txn.state == TxnState::Completed) && !txn.wire.empty()) {
    send_server_wire(now, txn, true);
  }
}

void SipStack::server_on_timer(Instant now, Txn& txn, TimerName timer) {
  switch (timer) {
    case TimerName::Trying:
      // §17.2.1: the TU has not answered within 200 ms: send 100 Trying.
      if (txn.state != TxnState::Proceeding || txn.last_status != 0) return;
      trace_timer(now, txn, timer, 0);
      send_response(now, txn.id, make_response(*txn.request, 100));  // INVITE: request kept
      return;
    case TimerName::G:
      if (txn.state != TxnState::Completed) return;
      ++txn.retransmits;
      trace_timer(now, txn, timer, txn.retransmits);
      send_server_wire(now, txn, true);
      txn.interval = std::min(2 * txn.interval, config_.timers.t2);
      arm(txn, txn.retransmit_timer, now, txn.interval, TimerName::G);
      return;
    case TimerName::H:
      trace_timer(now, txn, timer, 0);
      server_fail(now, txn, ServerFailure::NoAck);
      return;
    case TimerName::I:
    case TimerName::J:
      trace_timer(now, txn, timer, 0);
      terminate(now, txn);
      return;
    default:
      return;
  }
}

void SipStack::server_fail(Instant now, Txn& txn, ServerFailure reason) {
  events_.emplace_back(std::in_place_type<ServerTxnFailed>, ServerTxnFailed{txn.id, reason});
  terminate(now, txn);
}

}  // namespace siplab::sip
