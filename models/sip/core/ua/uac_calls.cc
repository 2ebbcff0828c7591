// UserAgent as caller (RFC 3261 §13.2, §15.1, §9.1, §14.1): INVITE and its
// forks, ACK for every 2xx, BYE, CANCEL, re-INVITE, OPTIONS.
#include "models/sip/core/ua/user_agent.h"

namespace siplab::sip {

CallHandle UserAgent::call(Instant now, const std::string& to_uri, CallOptions options) {
  Call& call = new_call(true, ctx_->random().token(20) + "@" + ctx_->identity().address.to_string(),
                        ctx_->random().token(10));
  call.number = options.call_number;
  call.options = options;
  trace_call(now, call, "started");
  auto to = parse_name_addr(to_uri);
  if (!to || !to->uri.is_sip_or_sips()) {
    // A scenario error, not a protocol event: the call fails before any
    // request leaves (code 0: nothing was answered).
    call.state = CallState::Failed;
    trace_call(now, call, "failed");
    return call.handle;
  }
  NameAddr callee = std::move(*to);
  callee.angle_brackets = true;
  remove_param(callee.params, "tag");
  Uri request_uri = callee.uri;
  request_uri.headers.clear();
  // §8.1.1.5: any CSeq below 2^31 will do; 1 keeps ladders readable.
  call.invite_cseq = 1;
  Message invite = new_request("INVITE", request_uri, callee, call.call_id, call.local_tag, call.invite_cseq);
  add_contact_and_allow(invite);
  add_sdp(invite, call);
  Pending pending;
  pending.kind = PendingKind::Invite;
  pending.call = call.handle;
  pending.next_hop = next_hop_for(invite, request_uri);
  call.invite = invite;
  pending.request = std::move(invite);
  const CallHandle handle = call.handle;
  if (options.cancel_after) ctx_->set_timer(now + *options.cancel_after, cookie(handle, TimerKind::CancelAfter));
  const RequestHandle request = send(now, std::move(pending));
  if (Call* c = mutable_call(handle); c && c->state != CallState::Failed) c->invite_handle = request;
  return handle;
}

void UserAgent::cancel(Instant now, CallHandle handle) {
  Call* call = mutable_call(handle);
  if (!call || !call->outgoing || call->cancel_requested) return;
  if (call->state != CallState::Calling && call->state != CallState::Early) return;
  call->cancel_requested = true;
  // §9.1: the node sends the CANCEL once a provisional response has come.
  ctx_->cancel_request(now, call->invite_handle);
}

void UserAgent::hangup(Instant now, CallHandle handle) {
  Call* call = mutable_call(handle);
  if (!call) return;
  if (call->state == CallState::Established) {
    // §15: the callee must not BYE before the ACK for its 2xx (or the
    // retransmission give-up) — defer until then.
    if (call->unacked_2xx) {
      call->hangup_when_acked = true;
      return;
    }
    if (CallLeg* leg = call->leg(); leg && !leg->bye_sent) {
      call->state = CallState::Ending;
      ctx_->cancel_timer(cookie(handle, TimerKind::HangupAfter));
      send_bye(now, *call, *leg);
    }
    return;
  }
  if (call->state != CallState::Calling && call->state != CallState::Early) return;
  if (call->outgoing) {
    cancel(now, handle);  // §15: before the 2xx a caller CANCELs
  } else {
    reject(now, *call, 603);  // the callee declines the ringing call
  }
}

void UserAgent::reinvite(Instant now, CallHandle handle) {
  Call* call = mutable_call(handle);
  if (!call || call->state != CallState::Established) return;
  CallLeg* leg = call->leg();
  if (!leg) return;
  // §14.1: a new offer in the dialog; its 2xx refreshes the remote target.
  DialogRequest r = make_dialog_request(leg->dialog, "INVITE");
  add_contact_and_allow(r.request);
  add_sdp(r.request, *call);
  Pending pending;
  pending.kind = PendingKind::ReInvite;
  pending.call = handle;
  pending.remote_tag = *call->answered;
  pending.request = std::move(r.request);
  pending.next_hop = std::move(r.next_hop);
  send(now, std::move(pending));
}

void UserAgent::options(Instant now, const std::string& uri) {
  auto target = parse_name_addr(uri);
  last_options_code_ = 0;
  if (!target || !target->uri.is_sip_or_sips()) {
    last_options_code_ = 416;  // §8.2.2.1's answer for a scheme we cannot use
    return;
  }
  remove_param(target->params, "tag");
  target->angle_brackets = true;
  Uri request_uri = target->uri;
  request_uri.headers.clear();
  Message request = new_request("OPTIONS", request_uri, *target,
                                ctx_->random().token(20) + "@" + ctx_->identity().address.to_string(),
                                ctx_->random().token(10), 1);
  add_contact_and_allow(request);
  request.set_header(HeaderId::Accept, "application/sdp");
  request.set_body({});
  Pending pending;
  pending.kind = PendingKind::Options;
  pending.next_hop = next_hop_for(request, request_uri);
  pending.request = std::move(request);
  send(now, std::move(pending));
}

// ---------------------------------------------------------------- responses

void UserAgent::on_invite_response(Instant now, Pending& pending, const Message& response) {
  Call* call = mutable_call(pending.call);
  if (!call) return;
  const int code = response.status_code();
  if (code >= 200 && code < 300) {
    on_invite_2xx(now, *call, response);
    return;
  }
  if (code < 200) {
    if (code == 100) return;
    // §12.1.2 / §13.2.2.4: each provisional with a new To tag is its own
    // early dialog (one per fork).
    if (auto tag = response.to_tag(); tag && !call->legs.count(*tag)) {
      if (auto dialog = dialog_as_uac(call->invite, response)) {
        CallLeg& leg = call->legs[*tag];
        leg.dialog = std::move(*dialog);
        trace_dialog(now, leg.dialog);
      }
    }
    if (call->state == CallState::Calling) call->state = CallState::Early;
    if ((code == 180 || code == 183) && !call->ringing_reported) {
      call->ringing_reported = true;
      trace_call(now, *call, "ringing");
    }
    return;
  }
  // Final non-2xx: the call failed (487 after our CANCEL included); every
  // early dialog ends with it (§12.3: a non-2xx final terminates them).
  ctx_->cancel_timer(cookie(call->handle, TimerKind::CancelAfter));
  if (call->answered) return;  // a 2xx came first: that is the call
  call->state = CallState::Failed;
  call->final_code = code;
  end_early_legs(now, *call);
  trace_call(now, *call, "failed", code);
}

void UserAgent::on_invite_2xx(Instant now, Call& call, const Message& response) {
  auto tag = response.to_tag();
  if (!tag) return;  // §8.1.3: a 2xx without To tag cannot be ACKed into a dialog
  auto dialog = dialog_as_uac(call.invite, response);
  if (!dialog) return;
  // The first 2xx of a call still running; a 2xx after a failure (a fork
  // answering after our CANCEL's 487) only gets ACK + BYE below.
  const bool first_2xx = !call.answered && call.state != CallState::Failed &&
                         (call.final_code < 200 || call.final_code >= 300);
  auto existing = call.legs.find(*tag);
  if (existing == call.legs.end()) {
    CallLeg& leg = call.legs[*tag];
    leg.dialog = std::move(*dialog);
  } else {
    // §13.2.2.4: the early dialog becomes confirmed and its route set is
    // recomputed from the 2xx.
    const uint32_t local_cseq = existing->second.dialog.local_cseq;
    existing->second.dialog = std::move(*dialog);
    existing->second.dialog.local_cseq = std::max(local_cseq, existing->second.dialog.local_cseq);
  }
  CallLeg& leg = call.legs.at(*tag);
  trace_dialog(now, leg.dialog);
  send_ack(now, call, leg, call.invite_cseq);
  ctx_->cancel_timer(cookie(call.handle, TimerKind::CancelAfter));
  if (first_2xx) {
    call.final_code = response.status_code();
    // §13.2.2.4: other forks may still answer for 64*T1 after the first 2xx.
    ctx_->set_timer(now + 64 * config_.timers.t1, cookie(call.handle, TimerKind::ForkWindow));
  }
  if (!call.answered && call.state != CallState::Failed && call.state != CallState::Ended) {
    establish(now, call, *tag);
    // CANCEL and 200 crossed (§9.1: the CANCEL had no effect): the caller
    // still wants out, so it ends the call it got.
    if (call.cancel_requested) hangup(now, call.handle);
    return;
  }
  // A second fork answered (or the call is already over): the issue's rule
  // and §13.2.2.4's advice — ACK it, then BYE it.
  send_bye(now, call, leg);
}

void UserAgent::establish(Instant now, Call& call, const std::string& remote_tag) {
  call.answered = remote_tag;
  call.state = CallState::Established;
  trace_call(now, call, "established");
  if (call.options.hangup_after)
    ctx_->set_timer(now + *call.options.hangup_after, cookie(call.handle, TimerKind::HangupAfter));
}

void UserAgent::send_ack(Instant now, Call& call, CallLeg& leg, uint32_t cseq) {
  // §13.2.2.4: the ACK is built like any request in the dialog (remote
  // target, route set), with the INVITE's CSeq number and a new branch,
  // and "MUST contain the same credentials as the INVITE".
  DialogRequest r = make_dialog_request(leg.dialog, "ACK", cseq);
  if (cseq == call.invite_cseq) {
    for (const Header& h : call.invite.headers()) {
      if (h.id == HeaderId::Authorization || h.id == HeaderId::ProxyAuthorization)
        r.request.add_header(h.name, h.value);
    }
  }
  r.request.set_body({});
  leg.ack = r.request;
  leg.ack_next_hop = r.next_hop;
  leg.acked_cseq = cseq;
  ctx_->send_stateless(now, std::move(r.request), r.next_hop);
}

void UserAgent::send_bye(Instant now, Call& call, CallLeg& leg) {
  if (leg.bye_sent) return;
  leg.bye_sent = true;
  DialogRequest r = make_dialog_request(leg.dialog, "BYE");
  r.request.set_body({});
  Pending pending;
  pending.kind = PendingKind::Bye;
  pending.call = call.handle;
  pending.remote_tag = leg.dialog.id.remote_tag;
  pending.request = std::move(r.request);
  pending.next_hop = std::move(r.next_hop);
  send(now, std::move(pending));
}

void UserAgent::on_bye_response(Instant now, Pending& pending, const Message& response) {
  if (response.status_code() < 200) return;
  Call* call = mutable_call(pending.call);
  if (!call) return;
  auto leg = call->legs.find(pending.remote_tag);
  if (leg == call->legs.end()) return;
  // §15.1.1: whatever the final response, the dialog and session are over.
  if (leg->second.dialog.state != DialogState::Terminated) {
    leg->second.dialog.state = DialogState::Terminated;
    trace_dialog(now, leg->second.dialog);
  }
  if (call->answered == pending.remote_tag && call->state != CallState::Ended) {
    call->state = CallState::Ended;
    trace_call(now, *call, "ended");
  }
}

void UserAgent::on_reinvite_response(Instant now, Pending& pending, const Message& response) {
  const int code = response.status_code();
  if (code < 200) return;
  Call* call = mutable_call(pending.call);
  if (!call) return;
  auto it = call->legs.find(pending.remote_tag);
  if (it == call->legs.end()) return;
  CallLeg& leg = it->second;
  if (code < 300) {
    refresh_remote_target(leg.dialog, response);  // §12.2.1.2 target refresh
    send_ack(now, *call, leg, response.cseq()->number);
    return;
  }
  // §12.2.1.2: 481 or 408 to a request inside the dialog ends it.
  if ((code == 481 || code == 408) && call->state == CallState::Established) {
    leg.dialog.state = DialogState::Terminated;
    trace_dialog(now, leg.dialog);
    call->state = CallState::Ended;
    trace_call(now, *call, "ended");
  }
}

void UserAgent::end_early_legs(Instant now, Call& call) {
  for (auto& [tag, leg] : call.legs) {
    if (leg.dialog.state != DialogState::Early) continue;
    leg.dialog.state = DialogState::Terminated;
    trace_dialog(now, leg.dialog);
  }
}

}  // namespace siplab::sip
