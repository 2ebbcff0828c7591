// UserAgent: construction, request dispatch, timers and the helpers every
// part shares (request building §8.1.1, routing §8.1.2, traces).
#include "models/sip/core/ua/user_agent.h"

#include "models/sip/core/ua/sdp_offer.h"

namespace siplab::sip {

namespace {

constexpr const char* kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS";

// The AOR in name-addr form: "<sip:ivan@domain.ru>" reads unambiguously
// once a tag follows (§20.10).
NameAddr parse_or_empty(std::string_view text) {
  auto parsed = parse_name_addr(text);
  NameAddr out = parsed ? *parsed : NameAddr{};
  out.angle_brackets = true;
  return out;
}

}  // namespace

std::string_view to_string(CallState state) {
  switch (state) {
    case CallState::Calling: return "calling";
    case CallState::Early: return "early";
    case CallState::Established: return "established";
    case CallState::Ending: return "ending";
    case CallState::Ended: return "ended";
    case CallState::Failed: return "failed";
  }
  return "failed";
}

ValidationOptions ua_validation_options() {
  ValidationOptions options;
  options.role = Role::Uas;
  options.allowed_methods = {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS"};
  options.accepted_content_types = {"application/sdp"};
  return options;
}

UserAgent::UserAgent(UaConfig config)
    : config_(std::move(config)),
      aor_(parse_or_empty(config_.aor)),
      digest_(config_.username.empty() ? unescape(aor_.uri.user).value_or(aor_.uri.user) : config_.username,
              config_.password) {
  if (config_.username.empty()) config_.username = unescape(aor_.uri.user).value_or(aor_.uri.user);
  // §10.2: the registrar's Request-URI is the domain of the AOR, no user part.
  if (config_.registrar.empty()) config_.registrar = "sip:" + aor_.uri.host_port();
  if (auto registrar = parse_uri(config_.registrar)) registrar_ = *registrar;
  if (config_.outbound_proxy) {
    if (auto proxy = parse_uri(*config_.outbound_proxy)) {
      NameAddr route;
      route.uri = *proxy;
      // §8.1.2: a pre-existing route set to a loose router.
      if (!route.uri.lr()) set_param(route.uri.params, "lr", std::nullopt);
      outbound_route_ = std::move(route);
    }
  }
}

void UserAgent::attach(TuContext& context) {
  ctx_ = &context;
  const NodeIdentity& me = context.identity();
  // §8.1.1.8: the Contact names this device: AOR user at the node address.
  contact_.uri.scheme = UriScheme::Sip;
  contact_.uri.scheme_text = "sip";
  contact_.uri.user = aor_.uri.user;
  contact_.uri.host = me.advertised().to_string();
  contact_.uri.host_kind = contact_.uri.host.find(':') != std::string::npos ? HostKind::IPv6 : HostKind::IPv4;
  contact_.uri.port = me.port;
  if (config_.transport != Transport::Udp) {
    std::string name(transport_name(config_.transport));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    set_param(contact_.uri.params, "transport", name);
  }
  register_call_id_ = context.random().token(20) + "@" + me.address.to_string();
  register_from_tag_ = context.random().token(10);
}

// ---------------------------------------------------------------- helpers

Message UserAgent::new_request(std::string_view method, Uri request_uri, const NameAddr& to,
                               std::string_view call_id, std::string_view from_tag, uint32_t cseq) const {
  // §8.1.1: Request-URI, To, From with tag, Call-ID, CSeq, Max-Forwards
  // (Via is the transport layer's).
  Message request = Message::request(method, std::move(request_uri));
  request.set_max_forwards(70);
  NameAddr from = aor_;
  from.set_tag(from_tag);
  request.set_to(to);
  request.set_from(from);
  request.set_call_id(call_id);
  request.set_cseq(CSeq{cseq, std::string(method)});
  return request;
}

Uri UserAgent::next_hop_for(Message& request, const Uri& target) const {
  // §8.1.2: with an outbound proxy the request carries it as the only Route
  // and goes there; otherwise it is located by the Request-URI (RFC 3263).
  if (outbound_route_ && request.routes().empty()) {
    request.push_route(*outbound_route_);
    return outbound_route_->uri;
  }
  auto routes = request.routes();
  if (!routes.empty()) return routes.front().uri;
  return target;
}

void UserAgent::add_contact_and_allow(Message& message) const {
  message.set_contacts({contact_});
  message.set_header(HeaderId::Allow, kAllow);
}

void UserAgent::add_sdp(Message& message, Call& call) const {
  // Session id from an FNV-1a hash of the Call-ID: fixed for the call, the
  // same on every platform, and no extra random draw.
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : call.call_id) hash = (hash ^ c) * 1099511628211ULL;
  const uint64_t session = hash % 1000000000ULL;
  message.set_body(make_sdp(aor_.uri.user, ctx_->identity().advertised(), session, call.sdp_version++),
                   "application/sdp");
}

void UserAgent::respond(Instant now, TxnId txn, const Message& request, int code,
                        std::optional<std::string_view> to_tag) {
  Message response = make_response(request, code, {}, to_tag);
  if (code == 405) response.set_header(HeaderId::Allow, kAllow);
  ctx_->send_response(now, txn, std::move(response));
}

void UserAgent::trace_call(Instant now, const Call& call, std::string_view event, int code) {
  TuTrace t{now, "call.event", {}};
  t.fields.emplace_back("call", static_cast<int64_t>(call.number));
  t.fields.emplace_back("event", std::string(event));
  t.fields.emplace_back("call_id", call.call_id);
  if (code != 0) t.fields.emplace_back("code", static_cast<int64_t>(code));
  ctx_->trace(std::move(t));
}

void UserAgent::trace_dialog(Instant now, const Dialog& dialog) {
  TuTrace t{now, "dialog.state", {}};
  t.fields.emplace_back("dialog", dialog.id.to_string());
  t.fields.emplace_back("state", std::string(to_string(dialog.state)));
  ctx_->trace(std::move(t));
}

Call* UserAgent::call_by_id(std::string_view call_id) {
  auto it = call_by_call_id_.find(std::string(call_id));
  return it == call_by_call_id_.end() ? nullptr : mutable_call(it->second);
}

Call* UserAgent::mutable_call(CallHandle handle) {
  auto it = calls_.find(handle);
  return it == calls_.end() ? nullptr : &it->second;
}

const Call* UserAgent::find_call(CallHandle handle) const {
  auto it = calls_.find(handle);
  return it == calls_.end() ? nullptr : &it->second;
}

const Call* UserAgent::find_call_by_id(std::string_view call_id) const {
  auto it = call_by_call_id_.find(std::string(call_id));
  return it == call_by_call_id_.end() ? nullptr : find_call(it->second);
}

Call& UserAgent::new_call(bool outgoing, std::string call_id, std::string local_tag) {
  const CallHandle handle = next_call_++;
  Call& call = calls_[handle];
  call.handle = handle;
  call.outgoing = outgoing;
  call.call_id = std::move(call_id);
  call.local_tag = std::move(local_tag);
  call_by_call_id_[call.call_id] = handle;
  return call;
}

RequestHandle UserAgent::send(Instant now, Pending pending) {
  // The node may answer at once (a local 503 when nothing can be located),
  // calling on_response before send_request returns: park the record where
  // on_response finds it.
  if (pending.kind == PendingKind::Register) ++registration_.requests_sent;
  sending_ = std::move(pending);
  Message request = sending_->request;
  const Uri next_hop = sending_->next_hop;
  const RequestHandle handle = ctx_->send_request(now, std::move(request), next_hop);
  if (sending_) {
    pending_.emplace(handle, std::move(*sending_));
    sending_.reset();
  }
  return handle;
}

// ---------------------------------------------------------------- dispatch

void UserAgent::on_request(Instant now, RequestReceived&& received) {
  const Message& request = received.request;
  const std::string_view method = request.method();
  if (method == "ACK") {
    on_ack(now, request);
    return;
  }
  if (method == "CANCEL") {
    on_cancel(now, received);
    return;
  }
  if (request.to_tag()) {
    on_in_dialog_request(now, received);
    return;
  }
  // §8.2.2.2: a request without To tag that matches one in progress
  // (From tag, Call-ID, CSeq) arrived by another path: 482.
  switch (classify_new_request(now, received)) {
    case Arrival::Merged:
      respond(now, received.txn, request, 482);
      return;
    case Arrival::Retransmission:
      // The INVITE again after our 2xx ended its server transaction
      // (§17.2.1): the UAC has not seen the 2xx, so it gets it again.
      if (Call* call = call_by_id(*request.call_id()); call && call->sent_2xx && method == "INVITE") {
        ctx_->send_response(now, received.txn, *call->sent_2xx);
      }
      return;
    case Arrival::New:
      break;
  }
  if (method == "INVITE") {
    on_invite(now, received);
  } else if (method == "OPTIONS") {
    // §11.2: the same answer an INVITE would get, with our capabilities.
    Message response = make_response(request, 200, {}, ctx_->random().token(10));
    add_contact_and_allow(response);
    response.set_header(HeaderId::Accept, "application/sdp");
    response.set_header(HeaderId::Supported, "");
    ctx_->send_response(now, received.txn, std::move(response));
  } else if (method == "BYE") {
    respond(now, received.txn, request, 481);  // §12.2.2: no To tag, no dialog
  } else {
    respond(now, received.txn, request, 405);  // §8.2.1
  }
}

UserAgent::Arrival UserAgent::classify_new_request(Instant now, const RequestReceived& received) {
  while (!seen_order_.empty() && seen_order_.front().first <= now) {
    auto it = seen_requests_.find(seen_order_.front().second);
    if (it != seen_requests_.end() && it->second.expires <= now) seen_requests_.erase(it);
    seen_order_.pop_front();
  }
  const Message& request = received.request;
  auto from_tag = request.from_tag();
  auto call_id = request.call_id();
  auto cseq = request.cseq();
  if (!from_tag || !call_id || !cseq) return Arrival::New;
  auto via = request.top_via();
  std::string branch(via && via->branch() ? *via->branch() : std::string_view{});
  std::string key;
  key.reserve(from_tag->size() + call_id->size() + cseq->method.size() + 16);
  key.append(*from_tag).append("|").append(*call_id).append("|").append(std::to_string(cseq->number));
  key.append("|").append(cseq->method);
  auto it = seen_requests_.find(key);
  if (it != seen_requests_.end()) {
    // Same branch: the same request again (its transaction is gone);
    // another branch: the same request by another path.
    return it->second.branch == branch ? Arrival::Retransmission : Arrival::Merged;
  }
  // Remember it for as long as its server transaction can live (Timer H/J).
  const Instant expires = now + 64 * config_.timers.t1;
  seen_requests_.emplace(key, SeenRequest{std::move(branch), expires});
  seen_order_.emplace_back(expires, std::move(key));
  return Arrival::New;
}

void UserAgent::on_response(Instant now, RequestHandle handle, const Message& response, ResponseOrigin) {
  const bool final = response.status_code() >= 200;
  auto it = pending_.find(handle);
  if (!final) {
    // Provisionals matter only to an INVITE (early dialogs, ringing); the
    // record stays where it is (no copy).
    if (it != pending_.end() && it->second.kind == PendingKind::Invite)
      on_invite_response(now, it->second, response);
    return;
  }
  Pending pending;
  if (it != pending_.end()) {
    // The final response ends the handle: take the record out first so
    // handlers may send new requests (and get new handles) freely.
    pending = std::move(it->second);
    pending_.erase(it);
  } else if (sending_) {
    pending = std::move(*sending_);  // answered inside send_request (see send())
    sending_.reset();
  } else {
    return;
  }
  const int code = response.status_code();
  if (code == 401 || code == 407) {
    Message retry = pending.request;
    const DigestOutcome outcome = digest_.answer(response, pending.request, retry, ctx_->random());
    if (outcome == DigestOutcome::Answered) {
      // §22.2: same Call-ID, CSeq + 1, new transaction (the node adds a new branch).
      CSeq cseq = *retry.cseq();
      ++cseq.number;
      retry.set_cseq(cseq);
      if (pending.kind == PendingKind::Register) register_cseq_ = cseq.number;
      if (Call* call = mutable_call(pending.call)) {
        if (pending.kind == PendingKind::Invite) {
          call->invite = retry;
          call->invite_cseq = cseq.number;
          if (auto leg = call->legs.find(pending.remote_tag); leg != call->legs.end())
            leg->second.dialog.local_cseq = cseq.number;
        } else if (auto leg = call->legs.find(pending.remote_tag); leg != call->legs.end()) {
          leg->second.dialog.local_cseq = cseq.number;
        }
      }
      pending.request = std::move(retry);
      const PendingKind kind = pending.kind;
      const CallHandle call_handle = pending.call;
      const RequestHandle fresh = send(now, std::move(pending));
      if (kind == PendingKind::Invite) {
        if (Call* call = mutable_call(call_handle)) call->invite_handle = fresh;
      }
      return;
    }
  }
  switch (pending.kind) {
    case PendingKind::Register: on_register_response(now, pending, response); break;
    case PendingKind::Invite: on_invite_response(now, pending, response); break;
    case PendingKind::ReInvite: on_reinvite_response(now, pending, response); break;
    case PendingKind::Bye: on_bye_response(now, pending, response); break;
    case PendingKind::Options:
      last_options_code_ = code;
      break;
  }
}

void UserAgent::on_stray_response(Instant now, const Message& response) {
  // §13.2.2.4: 2xx to an INVITE after its transaction ended — a
  // retransmission (ACK again) or another fork's answer (ACK, then BYE).
  const int code = response.status_code();
  auto cseq = response.cseq();
  auto call_id = response.call_id();
  if (code < 200 || code >= 300 || !cseq || cseq->method != "INVITE" || !call_id) return;
  Call* call = call_by_id(*call_id);
  if (!call || !call->outgoing) return;
  auto to_tag = response.to_tag();
  if (!to_tag) return;
  auto leg = call->legs.find(*to_tag);
  if (leg != call->legs.end() && leg->second.ack && leg->second.acked_cseq == cseq->number) {
    ctx_->send_stateless(now, *leg->second.ack, leg->second.ack_next_hop);
    return;
  }
  if (cseq->number == call->invite_cseq) on_invite_2xx(now, *call, response);
}

void UserAgent::on_server_failure(Instant, TxnId, ServerFailure) {
  // Timer H for a non-2xx final (the caller never ACKed 486/487): the call
  // already failed; nothing is left to clean up here.
}

void UserAgent::on_timer(Instant now, TimerCookie value) {
  const auto kind = static_cast<TimerKind>(value & 0xF);
  const CallHandle handle = value >> 4;
  if (kind == TimerKind::RegisterRefresh) {
    registration_.refresh_at.reset();
    send_register(now, RegisterKind::Add, config_.expires);
    return;
  }
  Call* call = mutable_call(handle);
  if (!call) return;
  switch (kind) {
    case TimerKind::Answer:
      if (call->state == CallState::Calling || call->state == CallState::Early) {
        if (call->policy.kind == AnswerPolicy::Kind::Reject) {
          reject(now, *call, call->policy.code);
        } else {
          answer(now, *call);
        }
      }
      break;
    case TimerKind::OkRetransmit: retransmit_2xx(now, *call); break;
    case TimerKind::OkGiveUp: give_up_2xx(now, *call); break;
    case TimerKind::CancelAfter: cancel(now, handle); break;
    case TimerKind::HangupAfter: hangup(now, handle); break;
    case TimerKind::ForkWindow: end_early_legs(now, *call); break;
    case TimerKind::RegisterRefresh: break;
  }
}

}  // namespace siplab::sip
