// UserAgent as callee (RFC 3261 §13.3, §15.1.2, §9.2, §14.2, §12.2.2):
// ringing and the answer policy, 2xx retransmission until the ACK, CANCEL,
// BYE and re-INVITE inside dialogs, 481 for unknown dialogs.
#include <algorithm>

#include "models/sip/core/ua/user_agent.h"

namespace siplab::sip {

namespace {

// §12.1.1: a response that establishes a dialog copies the Record-Route.
void copy_record_route(const Message& request, Message& response) {
  for (const Header& h : request.headers()) {
    if (h.id == HeaderId::RecordRoute) response.add_header(h.name, h.value);
  }
}

}  // namespace

void UserAgent::on_invite(Instant now, RequestReceived& received) {
  const Message& request = received.request;
  Call& call = new_call(false, std::string(*request.call_id()), ctx_->random().token(10));
  call.policy = policy_;
  call.invite_txn = received.txn;
  call.received_invite = request;
  call.invite_path = received.from;
  auto dialog = dialog_as_uas(request, call.local_tag);
  if (!dialog) {
    // §8.1.1.8: an INVITE must carry a Contact (and a From tag) or no dialog
    // can be addressed.
    Message response = make_response(request, 400, "Missing Contact or From tag", call.local_tag);
    ctx_->send_response(now, received.txn, std::move(response));
    call.state = CallState::Failed;
    call.final_code = 400;
    trace_call(now, call, "failed", 400);
    return;
  }
  const CallHandle handle = call.handle;
  if (call.policy.kind == AnswerPolicy::Kind::Reject && call.policy.after == Duration::zero()) {
    reject(now, call, call.policy.code);
    return;
  }
  CallLeg& leg = call.legs[dialog->id.remote_tag];
  leg.dialog = std::move(*dialog);
  // 180 Ringing at once: To tag and Contact make it an early dialog (§13.3.1.1).
  Message ringing = make_response(request, 180, {}, call.local_tag);
  copy_record_route(request, ringing);
  ringing.set_contacts({contact_});
  ctx_->send_response(now, received.txn, std::move(ringing));
  call.state = CallState::Early;
  trace_dialog(now, leg.dialog);
  if (call.policy.kind == AnswerPolicy::Kind::NoAnswer) return;
  if (call.policy.after == Duration::zero()) {
    answer(now, call);
  } else {
    ctx_->set_timer(now + call.policy.after, cookie(handle, TimerKind::Answer));
  }
}

void UserAgent::answer(Instant now, Call& call) {
  ctx_->cancel_timer(cookie(call.handle, TimerKind::Answer));
  const std::string tag(*call.received_invite.from_tag());
  call.answered = tag;
  CallLeg& leg = call.legs.at(tag);
  leg.dialog.state = DialogState::Confirmed;
  call.state = CallState::Established;
  call.final_code = 200;
  send_2xx_with_retransmission(now, call, call.invite_txn, call.received_invite);
  trace_dialog(now, leg.dialog);
  trace_call(now, call, "answered");
}

void UserAgent::reject(Instant now, Call& call, int code) {
  ctx_->cancel_timer(cookie(call.handle, TimerKind::Answer));
  Message response = make_response(call.received_invite, code, {}, call.local_tag);
  ctx_->send_response(now, call.invite_txn, std::move(response));
  call.state = CallState::Failed;
  call.final_code = code;
  for (auto& [tag, leg] : call.legs) {
    if (leg.dialog.state == DialogState::Terminated) continue;
    leg.dialog.state = DialogState::Terminated;
    trace_dialog(now, leg.dialog);
  }
  trace_call(now, call, "failed", code);
}

void UserAgent::send_2xx_with_retransmission(Instant now, Call& call, TxnId txn, const Message& request) {
  Message ok = make_response(request, 200, {}, call.local_tag);
  if (!request.to_tag()) copy_record_route(request, ok);  // only the dialog-creating 2xx
  add_contact_and_allow(ok);
  add_sdp(ok, call);
  // §13.3.1.4: the UAS core, not the transaction, retransmits the 2xx: T1,
  // doubling up to T2, until the ACK; after 64*T1 it gives up.
  call.unacked_2xx = ok;
  if (!request.to_tag()) call.sent_2xx = ok;
  call.unacked_cseq = request.cseq()->number;
  call.retransmit_interval = config_.timers.t1;
  call.retransmissions = 0;
  ctx_->send_response(now, txn, std::move(ok));
  ctx_->cancel_timer(cookie(call.handle, TimerKind::OkRetransmit));
  ctx_->cancel_timer(cookie(call.handle, TimerKind::OkGiveUp));
  ctx_->set_timer(now + call.retransmit_interval, cookie(call.handle, TimerKind::OkRetransmit));
  ctx_->set_timer(now + 64 * config_.timers.t1, cookie(call.handle, TimerKind::OkGiveUp));
}

void UserAgent::retransmit_2xx(Instant now, Call& call) {
  if (!call.unacked_2xx) return;
  ctx_->send_stateless_response(now, *call.unacked_2xx, call.invite_path);
  ++call.retransmissions;
  call.retransmit_interval = std::min<Duration>(2 * call.retransmit_interval, config_.timers.t2);
  ctx_->set_timer(now + call.retransmit_interval, cookie(call.handle, TimerKind::OkRetransmit));
}

void UserAgent::give_up_2xx(Instant now, Call& call) {
  if (!call.unacked_2xx) return;
  call.unacked_2xx.reset();
  ctx_->cancel_timer(cookie(call.handle, TimerKind::OkRetransmit));
  // §13.3.1.4: "the dialog is confirmed, but the session SHOULD be
  // terminated.  This is accomplished with a BYE".
  if (CallLeg* leg = call.leg(); leg && call.state == CallState::Established) {
    call.state = CallState::Ending;
    send_bye(now, call, *leg);
  }
}

void UserAgent::on_ack(Instant now, const Message& ack) {
  auto call_id = ack.call_id();
  auto cseq = ack.cseq();
  if (!call_id || !cseq) return;
  Call* call = call_by_id(*call_id);
  if (!call || !call->unacked_2xx) return;
  // §13.3.1.4: the ACK that matches the 2xx (same dialog, same CSeq number)
  // stops its retransmissions.
  if (ack.to_tag() != call->local_tag || cseq->number != call->unacked_cseq) return;
  if (ack.from_tag() != call->answered) return;
  call->unacked_2xx.reset();
  ctx_->cancel_timer(cookie(call->handle, TimerKind::OkRetransmit));
  ctx_->cancel_timer(cookie(call->handle, TimerKind::OkGiveUp));
  if (call->hangup_when_acked) {
    call->hangup_when_acked = false;
    hangup(now, call->handle);
    return;
  }
  const bool initial = !call->outgoing && cseq->number == call->received_invite.cseq()->number;
  if (initial && call->policy.hangup_after && call->state == CallState::Established)
    ctx_->set_timer(now + *call->policy.hangup_after, cookie(call->handle, TimerKind::HangupAfter));
}

void UserAgent::on_cancel(Instant now, RequestReceived& received) {
  const Message& request = received.request;
  if (!received.cancels) {
    respond(now, received.txn, request, 481);  // §9.2: no matching transaction
    return;
  }
  Call* call = call_by_id(*request.call_id());
  if (!call || call->outgoing || call->invite_txn != *received.cancels) {
    respond(now, received.txn, request, 200);
    return;
  }
  // §9.2: 200 to the CANCEL (same To tag as the INVITE's responses), then
  // 487 to the INVITE when no final response has gone out.
  respond(now, received.txn, request, 200, call->local_tag);
  if (call->state == CallState::Calling || call->state == CallState::Early) reject(now, *call, 487);
}

void UserAgent::on_in_dialog_request(Instant now, RequestReceived& received) {
  const Message& request = received.request;
  Call* call = call_by_id(*request.call_id());
  auto from_tag = request.from_tag();
  CallLeg* leg = nullptr;
  if (call && from_tag && request.to_tag() == call->local_tag) {
    auto it = call->legs.find(*from_tag);
    if (it != call->legs.end() && it->second.dialog.state != DialogState::Terminated) leg = &it->second;
  }
  if (!leg) {
    respond(now, received.txn, request, 481);  // §12.2.2
    return;
  }
  if (check_remote_cseq(leg->dialog, request) == CSeqCheck::OutOfOrder) {
    respond(now, received.txn, request, 500, call->local_tag);  // §12.2.2
    return;
  }
  const std::string_view method = request.method();
  if (method == "BYE") {
    // §15.1.2: 200, and the session and dialog are over.
    respond(now, received.txn, request, 200);
    leg->dialog.state = DialogState::Terminated;
    trace_dialog(now, leg->dialog);
    if (call->answered == *from_tag) {
      for (TimerKind kind : {TimerKind::OkRetransmit, TimerKind::OkGiveUp, TimerKind::HangupAfter})
        ctx_->cancel_timer(cookie(call->handle, kind));
      call->unacked_2xx.reset();
      if (call->state != CallState::Ended) {
        call->state = CallState::Ended;
        trace_call(now, *call, "ended");
      }
    }
    return;
  }
  if (method == "INVITE") {
    // §14.2: a re-INVITE while our previous 2xx awaits its ACK gets 500
    // with Retry-After (0-10 s).
    if (call->unacked_2xx) {
      Message response = make_response(request, 500);
      response.set_retry_after(RetryAfter{static_cast<uint32_t>(ctx_->random().below(11)), {}, {}});
      ctx_->send_response(now, received.txn, std::move(response));
      return;
    }
    refresh_remote_target(leg->dialog, request);  // §12.2.2 target refresh
    call->invite_path = received.from;
    send_2xx_with_retransmission(now, *call, received.txn, request);
    return;
  }
  if (method == "OPTIONS") {
    Message response = make_response(request, 200);
    add_contact_and_allow(response);
    response.set_header(HeaderId::Accept, "application/sdp");
    ctx_->send_response(now, received.txn, std::move(response));
    return;
  }
  respond(now, received.txn, request, 405);
}

}  // namespace siplab::sip
