// UserAgent registration (RFC 3261 §10.2): add/refresh, remove one, remove
// all, query; refresh before expiry; 423 Interval Too Brief.
#include <cmath>

#include "models/sip/core/ua/user_agent.h"

namespace siplab::sip {

void UserAgent::register_binding(Instant now, std::optional<uint32_t> expires) {
  send_register(now, RegisterKind::Add, expires.value_or(config_.expires));
}

void UserAgent::unregister(Instant now) { send_register(now, RegisterKind::Remove, 0); }

void UserAgent::unregister_all(Instant now) { send_register(now, RegisterKind::RemoveAll, 0); }

void UserAgent::query_bindings(Instant now) { send_register(now, RegisterKind::Query, 0); }

void UserAgent::send_register(Instant now, RegisterKind kind, uint32_t expires) {
  // §10.2: "A UA MUST NOT send a new registration (that is, containing new
  // Contact header field values, as opposed to a retransmission) until it
  // has received a final response from the registrar for the previous one".
  if (register_in_flight_) {
    queued_register_ = std::make_pair(kind, expires);
    return;
  }
  if (kind != RegisterKind::Add && kind != RegisterKind::Query) {
    ctx_->cancel_timer(cookie(kNoCall, TimerKind::RegisterRefresh));
    registration_.refresh_at.reset();
  }
  // §10.2: To = From = the AOR; one Call-ID for every registration from this
  // device, CSeq incremented by one each time.
  NameAddr to = aor_;
  Message request = new_request("REGISTER", registrar_, to, register_call_id_, register_from_tag_,
                                ++register_cseq_);
  switch (kind) {
    case RegisterKind::Add:
    case RegisterKind::Remove:
      request.set_contacts({contact_});
      request.set_expires(expires);
      break;
    case RegisterKind::RemoveAll:
      // §10.2.2: "*" only with Expires: 0.
      request.set_contact_star();
      request.set_expires(0);
      break;
    case RegisterKind::Query:
      break;  // §10.2.3: no Contact
  }
  request.set_body({});
  Pending pending;
  pending.kind = PendingKind::Register;
  pending.register_kind = kind;
  pending.next_hop = next_hop_for(request, registrar_);
  pending.request = std::move(request);
  register_in_flight_ = true;
  if (kind == RegisterKind::Add) registration_.state = RegistrationStatus::State::Registering;
  send(now, std::move(pending));
}

void UserAgent::trace_registration(Instant now, uint32_t expires, int code) {
  TuTrace t{now, "reg.event", {}};
  t.fields.emplace_back("aor", aor_.uri.to_string());
  t.fields.emplace_back("contact", contact_.uri.to_string());
  t.fields.emplace_back("expires", static_cast<int64_t>(expires));
  t.fields.emplace_back("code", static_cast<int64_t>(code));
  ctx_->trace(std::move(t));
}

void UserAgent::on_register_response(Instant now, Pending& pending, const Message& response) {
  const int code = response.status_code();
  if (code < 200) return;
  registration_.last_code = code;

  // §10.2.8: 423 carries the shortest interval the registrar accepts; retry
  // once with it.
  if (code == 423 && !pending.min_expires_retried && response.min_expires()) {
    Message retry = pending.request;
    retry.set_expires(*response.min_expires());
    retry.set_cseq(CSeq{++register_cseq_, "REGISTER"});
    pending.request = std::move(retry);
    pending.min_expires_retried = true;
    send(now, std::move(pending));
    return;
  }
  register_in_flight_ = false;

  if (code >= 200 && code < 300) {
    ContactList listed = response.contacts();
    registration_.bindings = listed.contacts;
    // §10.2.4: the expiry we got is the expires param of our Contact in the
    // 200, else its Expires header, else what we asked for.
    std::optional<uint32_t> granted;
    for (const NameAddr& binding : listed.contacts) {
      if (uri_equivalent(binding.uri, contact_.uri)) granted = binding.expires();
    }
    if (!granted && pending.register_kind == RegisterKind::Add) granted = response.expires();
    if (!granted && pending.register_kind == RegisterKind::Add) granted = pending.request.expires();
    switch (pending.register_kind) {
      case RegisterKind::Add:
        registration_.granted_expires = granted.value_or(0);
        registration_.state = registration_.granted_expires > 0 ? RegistrationStatus::State::Registered
                                                                : RegistrationStatus::State::Unregistered;
        if (registration_.granted_expires > 0 && config_.refresh_fraction > 0) {
          const double seconds = registration_.granted_expires * config_.refresh_fraction;
          const Instant at = now + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
          registration_.refresh_at = at;
          ctx_->cancel_timer(cookie(kNoCall, TimerKind::RegisterRefresh));
          ctx_->set_timer(at, cookie(kNoCall, TimerKind::RegisterRefresh));
        }
        trace_registration(now, registration_.granted_expires, code);
        break;
      case RegisterKind::Remove:
      case RegisterKind::RemoveAll:
        registration_.granted_expires = 0;
        registration_.state = RegistrationStatus::State::Unregistered;
        trace_registration(now, 0, code);
        break;
      case RegisterKind::Query:
        // A query changes nothing; it reports what the registrar holds.
        trace_registration(now, granted.value_or(0), code);
        break;
    }
  } else {
    if (pending.register_kind == RegisterKind::Add) {
      registration_.state = RegistrationStatus::State::Failed;
      registration_.granted_expires = 0;
    }
    trace_registration(now, 0, code);
  }

  if (queued_register_) {
    auto [kind, expires] = *queued_register_;
    queued_register_.reset();
    send_register(now, kind, expires);
  }
}

}  // namespace siplab::sip
