// The client transaction state machines: INVITE (RFC 3261 §17.1.1,
// Figure 5) and non-INVITE (§17.1.2, Figure 6).
#include <algorithm>

#include "models/sip/message/parser.h"
#include "models/sip/message/salvage.h"
#include "models/sip/message/serializer.h"
#include "models/sip/txn/sip_stack.h"

namespace siplab::sip {

void SipStack::send_client_wire(Instant now, Txn& txn, bool retransmit) {
  txn.connection = transport_.send(now, txn.transport, *txn.destination, txn.connection, txn.wire,
                                   wire_summary_of(txn), retransmit);
}

void SipStack::arm_retransmission(Instant now, Txn& txn) {
  // §17.1.1.2 / §17.1.2.2: Timers A and E only on unreliable transports.
  if (is_reliable(txn.transport)) return;
  txn.interval = config_.timers.t1;
  arm(txn, txn.retransmit_timer, now, txn.interval,
      txn.kind == TxnKind::InviteClient ? TimerName::A : TimerName::E);
}

void SipStack::client_retry_over_udp(Instant now, Txn& txn) {
  // §18.1.1: a request moved to TCP only for its size whose connection
  // failed SHOULD be retried over UDP.  Same branch, same transaction;
  // Timer B/F keep counting from the first attempt.
  txn.moved_for_size = false;
  txn.transport = Transport::Udp;
  txn.connection.reset();
  const std::string branch(*txn.request->top_via()->branch());
  txn.request->set_top_via(transport_.make_via(Transport::Udp, branch, txn.destination->address.v6));
  txn.wire = serialize(*txn.request);
  send_client_wire(now, txn, false);
  arm_retransmission(now, txn);
}

Message SipStack::make_ack(const Txn& txn, const Message& response) const {
  // §17.1.1.3: Request-URI, Call-ID, From and CSeq number of the original
  // request; To from the response (its tag); a single Via equal to the
  // original's top Via (same branch); the original's Route headers.
  const Message& inv = *txn.request;
  Message ack = Message::request("ACK", inv.request_uri());
  ack.push_via(*inv.top_via());
  if (auto v = inv.header(HeaderId::From)) ack.add_header("From", *v);
  if (auto v = response.header(HeaderId::To)) ack.add_header("To", *v);
  if (auto v = inv.header(HeaderId::CallId)) ack.add_header("Call-ID", *v);
  ack.set_cseq(CSeq{inv.cseq()->number, "ACK"});
  for (const Header& h : inv.headers()) {
    if (h.id == HeaderId::Route) ack.add_header(h.name, h.value);
  }
  ack.set_max_forwards(70);  // §8.1.1.6
  ack.set_body({});
  return ack;
}

void SipStack::client_on_response(Instant now, Txn& txn, Message&& response) {
  const int code = response.status_code();
  const bool provisional = code < 200;
  if (txn.kind == TxnKind::InviteClient) {
    switch (txn.state) {
      case TxnState::Calling:
      case TxnState::Proceeding:
        if (provisional) {
          // §17.1.1.2: a provisional stops retransmissions; Timer B only
          // guards the Calling state.
          timers_.cancel(txn.retransmit_timer);
          timers_.cancel(txn.timeout_timer);
          set_state(now, txn, TxnState::Proceeding);
          events_.emplace_back(std::in_place_type<ResponseReceived>, txn.id, std::move(response), ResponseOrigin::Network);
        } else if (code < 300) {
          // §17.1.1.2: a 2xx ends the transaction; the ACK is the TU's.
          events_.emplace_back(std::in_place_type<ResponseReceived>, txn.id, std::move(response), ResponseOrigin::Network);
          terminate(now, txn);
        } else {
          timers_.cancel(txn.retransmit_timer);
          timers_.cancel(txn.timeout_timer);
          Message ack = make_ack(txn, response);
          Txn::Rare& rare = txn.rare_part();
          rare.ack_wire = serialize(ack);
          rare.ack_summary = kept_summary_for(ack);
          txn.connection = transport_.send(now, txn.transport, *txn.destination, txn.connection, *rare.ack_wire,
                                           summary_or_empty(rare.ack_summary.get()), false);
          set_state(now, txn, TxnState::Completed);
          events_.emplace_back(std::in_place_type<ResponseReceived>, txn.id, std::move(response), ResponseOrigin::Network);
          linger_or_terminate(now, txn, config_.timers.timer_d(is_reliable(txn.transport)), TimerName::D);
        }
        return;
      case TxnState::Completed:
        // §17.1.1.2: a retransmitted final response gets the ACK again and
        // is not passed up.
        if (code >= 300 && txn.rare && txn.rare->ack_wire) {
          ++counters_.absorbed_responses;
          transport_.send(now, txn.transport, *txn.destination, txn.connection, *txn.rare->ack_wire,
                          summary_or_empty(txn.rare->ack_summary.get()), true);
        }
        return;
      default:
        return;
    }
  }
  // non-INVITE
  switch (txn.state) {
    case TxnState::Trying:
    case TxnState::Proceeding:
      if (provisional) {
        set_state(now, txn, TxnState::Proceeding);
        events_.emplace_back(std::in_place_type<ResponseReceived>, txn.id, std::move(response), ResponseOrigin::Network);
      } else {
        timers_.cancel(txn.retransmit_timer);
        timers_.cancel(txn.timeout_timer);
        set_state(now, txn, TxnState::Completed);
        events_.emplace_back(std::in_place_type<ResponseReceived>, txn.id, std::move(response), ResponseOrigin::Network);
        // §17.1.2.2: Timer K = T4 unreliable, 0 reliable (absorbs retransmitted finals).
        if (linger_or_terminate(now, txn, config_.timers.timer_k(is_reliable(txn.transport)), TimerName::K)) {
          // Completed never sends the request again nor answers for it:
          // free it while Timer K runs (most live client transactions are here).
          std::string().swap(txn.wire);
          keep_wire_summary(txn, nullptr);
          txn.request.reset();
        }
      }
      return;
    case TxnState::Completed:
      ++counters_.absorbed_responses;
      return;
    default:
      return;
  }
}

void SipStack::client_on_timer(Instant now, Txn& txn, TimerName timer) {
  switch (timer) {
    case TimerName::A:
      if (txn.state != TxnState::Calling) return;
      ++txn.retransmits;
      trace_timer(now, txn, timer, txn.retransmits);
      send_client_wire(now, txn, true);
      // §17.1.1.2: Timer A doubles each time (no T2 cap for INVITE).
      txn.interval *= 2;
      arm(txn, txn.retransmit_timer, now, txn.interval, TimerName::A);
      return;
    case TimerName::E:
      if (txn.state != TxnState::Trying && txn.state != TxnState::Proceeding) return;
      ++txn.retransmits;
      trace_timer(now, txn, timer, txn.retransmits);
      send_client_wire(now, txn, true);
      // §17.1.2.2: doubling capped at T2 in Trying; T2 once Proceeding.
      txn.interval = txn.state == TxnState::Trying ? std::min(2 * txn.interval, config_.timers.t2)
                                                   : config_.timers.t2;
      arm(txn, txn.retransmit_timer, now, txn.interval, TimerName::E);
      return;
    case TimerName::B:
    case TimerName::F:
      trace_timer(now, txn, timer, 0);
      client_fail(now, txn, ResponseOrigin::Timeout);
      return;
    case TimerName::D:
    case TimerName::K:
      trace_timer(now, txn, timer, 0);
      terminate(now, txn);
      return;
    default:
      return;
  }
}

Message SipStack::request_of(const Txn& txn) {
  if (txn.request) return *txn.request;
  // A non-INVITE client keeps only the bytes it sent (send_request_from);
  // they parse, being our own serialization of a request the TU built.
  // Should the TU have built one our parser refuses, the salvage reader
  // that answers malformed requests still finds its Via, From, To,
  // Call-ID and CSeq.
  if (auto parsed = parse_message(txn.wire)) return std::move(parsed.value());
  if (auto salvaged = salvage_request_for_reply(txn.wire)) return std::move(*salvaged);
  return Message{};
}

void SipStack::client_fail(Instant now, Txn& txn, ResponseOrigin origin) {
  // §8.1.3.1: a transaction timeout is treated as a 408, a transport error
  // as a 503; the synthesized response looks like one from the peer.
  const int code = origin == ResponseOrigin::Timeout ? 408 : 503;
  // Only Calling / Trying / Proceeding fail, and those have their request.
  Message response = make_response(request_of(txn), code);
  events_.emplace_back(std::in_place_type<ResponseReceived>, txn.id, std::move(response), origin);
  terminate(now, txn);
}

}  // namespace siplab::sip
