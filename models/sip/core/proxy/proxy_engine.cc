#include "models/sip/core/proxy/proxy_engine.h"

#include <algorithm>

#include "models/sip/core/proxy/location_service.h"
#include "models/sip/core/proxy/proxy_routing.h"

namespace siplab::sip {

namespace {

constexpr std::size_t kToTagLength = 10;
// §16.6 step 3: a request without Max-Forwards gets 70.
constexpr uint32_t kDefaultMaxForwards = 70;
constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER";

}  // namespace

class ProxyEngine::Guard {
 public:
  Guard(ProxyEngine& engine, Instant now) : engine_(engine), now_(now) { ++engine_.depth_; }
  ~Guard() {
    if (--engine_.depth_ == 0) engine_.drain_deferred(now_);
  }

 private:
  ProxyEngine& engine_;
  Instant now_;
};

ProxyEngine::ProxyEngine(const ProxyConfig& config, ProxyCounters& counters, const Registrar* registrar)
    : config_(config), counters_(counters), registrar_(registrar) {}

void ProxyEngine::drain_deferred(Instant now) {
  ++depth_;
  while (!deferred_.empty()) {
    DeferredResponse d = std::move(deferred_.front());
    deferred_.pop_front();
    process_response(now, d.handle, std::move(d.response), d.origin);
  }
  --depth_;
}

// ---------------------------------------------------------------- requests

void ProxyEngine::answer(Instant now, TxnId txn, const Message& request, int code, std::string_view reason) {
  ctx_->send_response(now, txn, make_response(request, code, reason, ctx_->random().token(kToTagLength)));
}

void ProxyEngine::on_request(Instant now, RequestReceived&& received) {
  Guard guard(*this, now);
  if (received.txn == kNoTxn) {
    process_ack(now, std::move(received.request));
  } else if (received.request.method() == "CANCEL") {
    process_cancel(now, std::move(received));
  } else {
    process_request(now, std::move(received));
  }
}

void ProxyEngine::preprocess_routes(Message& request) const {
  const NodeIdentity& self = ctx_->identity();
  // §16.4: a Request-URI we put in a Record-Route means the previous hop is
  // a strict router: the real Request-URI is the last Route entry.
  if (uri_is_this_node(request.request_uri(), self, config_.domain)) {
    std::vector<NameAddr> routes = request.routes();
    if (!routes.empty()) {
      request.set_request_uri(routes.back().uri);
      routes.pop_back();
      request.set_routes(routes);
    }
  }
  // §16.4: our own entry on top of the Route set is removed.
  std::vector<NameAddr> routes = request.routes();
  if (!routes.empty() && uri_is_this_node(routes.front().uri, self, config_.domain)) request.pop_route();
}

void ProxyEngine::process_request(Instant now, RequestReceived&& received) {
  Message& request = received.request;
  const bool invite = request.method() == "INVITE";

  // §16.3 step 3: Max-Forwards 0 ends the request here (RFC 4475 zeromf);
  // an OPTIONS may be answered by the proxy itself as its final recipient.
  if (auto mf = request.max_forwards(); mf && *mf == 0) {
    if (request.method() == "OPTIONS") {
      Message ok = make_response(request, 200, {}, ctx_->random().token(kToTagLength));
      ok.set_header(HeaderId::Allow, kAllow);
      ctx_->send_response(now, received.txn, std::move(ok));
    } else {
      answer(now, received.txn, request, 483);
    }
    return;
  }
  // §16.3 step 5: every Proxy-Require option tag must be one we support,
  // else 420 listing them in Unsupported (RFC 4475 bext01).
  std::vector<std::string> unsupported;
  for (std::string_view tag : request.proxy_require()) {
    if (std::find(config_.supported_extensions.begin(), config_.supported_extensions.end(), tag) ==
        config_.supported_extensions.end()) {
      unsupported.emplace_back(tag);
    }
  }
  if (!unsupported.empty()) {
    Message reject = make_response(request, 420, {}, ctx_->random().token(kToTagLength));
    reject.set_token_list(HeaderId::Unsupported, unsupported);
    ctx_->send_response(now, received.txn, std::move(reject));
    return;
  }

  preprocess_routes(request);

  // §16.3 step 4 / RFC 5393 §4.2: a request that carries our Via has been
  // here before; it has looped when it is the same request (same loop key)
  // as one still being forwarded, and is spiralling otherwise.
  std::string key = loop_key(request);
  const NodeIdentity& self = ctx_->identity();
  const auto vias = request.vias();
  const bool seen_before = std::any_of(vias.begin(), vias.end(),
                                       [&](const Via& v) { return via_is_this_node(v, self); });
  if (seen_before && live_loop_keys_.contains(key)) {
    ++counters_.loops;
    answer(now, received.txn, request, 482);
    return;
  }

  // §16.5: the target set.
  std::vector<Branch> branches;
  const bool routed = !request.routes().empty();
  if (!routed && uri_in_our_domain(request.request_uri(), self, config_.domain)) {
    Uri aor_uri = request.request_uri();
    aor_uri.host = config_.domain;  // sip:ivan@<our address> is sip:ivan@domain
    aor_uri.host_kind = HostKind::Name;
    auto aor = canonical_aor(aor_uri);
    if (!aor_uri.has_user() || !aor) {
      // Addressed to the proxy itself, not to a user of the domain.
      if (request.method() == "OPTIONS") {
        Message ok = make_response(request, 200, {}, ctx_->random().token(kToTagLength));
        ok.set_header(HeaderId::Allow, kAllow);
        ctx_->send_response(now, received.txn, std::move(ok));
      } else {
        answer(now, received.txn, request, 404);
      }
      return;
    }
    const std::vector<Binding>* bindings = registrar_ ? registrar_->lookup(*aor) : nullptr;
    if (bindings) {
      for (const Binding& b : *bindings) {
        if (b.expires_at <= now) continue;  // expired this instant, timer not yet run
        Branch branch;
        branch.target = b.uri;
        branch.q_millis = b.q_millis;
        branches.push_back(std::move(branch));
      }
    }
    if (branches.empty()) {
      // §16.5: no target — 404 when the user does not exist in the domain,
      // 480 Temporarily Unavailable when it does but has no binding now
      // (§21.4.18: "the callee's end system was contacted successfully but
      // the callee is currently unavailable (not registered)").
      answer(now, received.txn, request, registrar_ && registrar_->knows(*aor) ? 480 : 404);
      return;
    }
    // Highest q first (§16.6; sequential forking tries them in this order);
    // stable so equal q keep registration order.
    std::stable_sort(branches.begin(), branches.end(),
                     [](const Branch& a, const Branch& b) { return a.q_millis > b.q_millis; });
  } else {
    // Another domain, or a request with a Route set (§16.5: the target is
    // the Request-URI; the next hop is the Route, §16.6 step 6-7).
    Branch branch;
    branch.target = request.request_uri();
    branches.push_back(std::move(branch));
  }

  const TxnId id = received.txn;
  Context& context = contexts_[id];
  context.txn = id;
  context.invite = invite;
  context.upstream_vias = vias.size();
  context.from = received.from;
  context.loop_key = key;
  context.branches = std::move(branches);
  context.request = std::move(request);
  live_loop_keys_.insert(std::move(key));

  // §16.2 / §17.2.1: a stateful proxy answers an INVITE with 100 Trying at
  // once, so the upstream client stops retransmitting.  Sent here, not by
  // the stack's immediate_trying (configure_proxy_node turns that off), so
  // it follows the §16.3 checks: a rejected INVITE gets no 100.
  if (invite) ctx_->send_response(now, id, make_response(context.request, 100));

  if (config_.sequential_forking) {
    start_branch(now, context, 0);
  } else {
    for (std::size_t i = 0; i < context.branches.size(); ++i) start_branch(now, context, i);
  }
}

void ProxyEngine::start_branch(Instant now, Context& context, std::size_t index) {
  Branch& branch = context.branches[index];
  // §16.6 step 1-2: a copy with the target as Request-URI.
  Message forward = context.request;
  forward.set_request_uri(branch.target);
  // §16.6 step 3.
  const auto mf = forward.max_forwards();
  forward.set_max_forwards(mf ? *mf - 1 : kDefaultMaxForwards);
  // §16.6 step 4: Record-Route on requests that can create a dialog (no To
  // tag, dialog-creating method: INVITE §12.1, SUBSCRIBE/REFER RFC 6665
  // §4.1.2.1 / RFC 3515); within a dialog the route set is already fixed
  // (§12.2), and on other requests (REGISTER, OPTIONS, MESSAGE) it would be
  // ignored.
  const std::string_view method = forward.method();
  const bool creates_dialog = method == "INVITE" || method == "SUBSCRIBE" || method == "REFER";
  if (config_.record_route && creates_dialog && !forward.to_tag()) {
    forward.push_record_route(record_route_entry(ctx_->identity()));
  }
  // §16.6 step 6-7: next hop from the Route set (loose) or, for a strict
  // router, swap it into the Request-URI.
  Uri next_hop = forward.request_uri();
  std::vector<NameAddr> routes = forward.routes();
  if (!routes.empty()) {
    if (routes.front().uri.lr()) {
      next_hop = routes.front().uri;
    } else {
      NameAddr last;
      last.uri = forward.request_uri();
      routes.push_back(last);
      forward.set_request_uri(routes.front().uri);
      routes.erase(routes.begin());
      forward.set_routes(routes);
      next_hop = forward.request_uri();
    }
  }
  branch.state = BranchState::Calling;
  ++counters_.forwarded;
  // The node adds our Via (§16.6 step 8) with a fresh branch.
  const RequestHandle handle = ctx_->send_request(now, std::move(forward), next_hop);
  Branch& b = contexts_.at(context.txn).branches[index];
  b.handle = handle;
  by_handle_[handle] = BranchRef{context.txn, index};
  if (context.invite) arm_timer_c(now, context, index);
}

void ProxyEngine::arm_timer_c(Instant now, Context& context, std::size_t index) {
  Branch& branch = context.branches[index];
  if (branch.timer_c != 0) {
    ctx_->cancel_timer(branch.timer_c);
    by_timer_.erase(branch.timer_c);
  }
  branch.timer_c = next_cookie_++;
  by_timer_[branch.timer_c] = BranchRef{context.txn, index};
  ctx_->set_timer(now + config_.timer_c, branch.timer_c);
}

void ProxyEngine::start_next_sequential(Instant now, Context& context) {
  for (std::size_t i = 0; i < context.branches.size(); ++i) {
    if (context.branches[i].state == BranchState::Waiting) {
      start_branch(now, context, i);
      return;
    }
  }
}

void ProxyEngine::process_ack(Instant now, Message&& ack) {
  // The ACK for a 2xx (the one for a non-2xx ended in the transaction layer)
  // passes through us only when we Record-Routed: forward it statelessly
  // (§16.11 behaviour for a request that has no transaction).
  preprocess_routes(ack);
  const std::vector<NameAddr> routes = ack.routes();
  if (routes.empty() && uri_in_our_domain(ack.request_uri(), ctx_->identity(), config_.domain)) return;
  auto mf = ack.max_forwards();
  if (mf && *mf == 0) return;  // §16.3 step 3: no response to an ACK, just stop
  ack.set_max_forwards(mf ? *mf - 1 : kDefaultMaxForwards);
  Uri next_hop = ack.request_uri();
  if (!routes.empty() && routes.front().uri.lr()) next_hop = routes.front().uri;
  ++counters_.stateless_forwarded;
  ctx_->send_stateless(now, std::move(ack), next_hop);
}

void ProxyEngine::process_cancel(Instant now, RequestReceived&& cancel) {
  auto it = cancel.cancels ? contexts_.find(*cancel.cancels) : contexts_.end();
  if (it == contexts_.end()) {
    // No response context.  §16.10 says to forward such a CANCEL
    // statelessly, which helps only when the INVITE went through statelessly
    // too (§16.11: the same computed branch lets the next hop match it).
    // Every INVITE we forward gets a fresh branch from the stack, so a
    // forwarded CANCEL could never match downstream (§9.2): answer 481 as
    // the SIP stack's contract for an unmatched CANCEL asks.
    answer(now, cancel.txn, cancel.request, 481);
    return;
  }
  // §16.10: answer the CANCEL with 200, then cancel every pending branch;
  // their 487s come back and the best response (487) goes upstream.
  answer(now, cancel.txn, cancel.request, 200);
  Context& context = it->second;
  context.cancelled = true;
  cancel_pending(now, context);
  finish_if_done(now, context);
}

void ProxyEngine::cancel_pending(Instant now, Context& context) {
  context.cancelled = true;
  const TxnId id = context.txn;
  for (std::size_t i = 0; i < context.branches.size(); ++i) {
    Branch& branch = contexts_.at(id).branches[i];
    if (branch.state == BranchState::Waiting) {
      branch.state = BranchState::Completed;  // never started: nothing to cancel
    } else if (branch.state == BranchState::Calling || branch.state == BranchState::Proceeding) {
      // §9.1: the node sends the CANCEL once the branch has a provisional
      // response; Timer C still guards a branch that never answers it.
      ctx_->cancel_request(now, branch.handle);
    }
  }
}

// ---------------------------------------------------------------- responses

void ProxyEngine::on_response(Instant now, RequestHandle handle, const Message& response,
                              ResponseOrigin origin) {
  if (depth_ > 0) {
    deferred_.push_back({handle, response, origin});
    return;
  }
  Guard guard(*this, now);
  process_response(now, handle, response, origin);
}

bool ProxyEngine::strip_our_via(Message& response, std::size_t upstream_vias) const {
  // §16.7 step 3: remove the topmost Via (ours).  Responses the node made up
  // locally (503 when nothing could be located, 487 before sending) carry
  // only the upstream Vias, so strip only when ours is there.
  if (response.vias().size() > upstream_vias) response.pop_via();
  return !response.vias().empty();
}

void ProxyEngine::process_response(Instant now, RequestHandle handle, Message response, ResponseOrigin origin) {
  (void)origin;  // timeouts (408) and transport failures (503) are ordinary branch finals here
  auto ref = by_handle_.find(handle);
  auto cit = ref == by_handle_.end() ? contexts_.end() : contexts_.find(ref->second.context);
  if (cit == contexts_.end()) {
    // The context is gone (its final went upstream and every branch ended,
    // e.g. by Timer C): a late 2xx is still forwarded statelessly (§16.7
    // step 5 / step 2), anything else is dropped.
    if (ref != by_handle_.end()) by_handle_.erase(ref);
    on_stray_response(now, response);
    return;
  }
  const BranchRef where = ref->second;
  Context& context = cit->second;
  Branch& branch = context.branches[where.index];
  if (!strip_our_via(response, context.upstream_vias)) return;  // §16.7 step 3: it was for us
  const int code = response.status_code();

  if (code < 200) {
    if (branch.state == BranchState::Completed) return;
    branch.state = BranchState::Proceeding;
    // §16.7 step 5: a 100 is not forwarded.  It does not reset Timer C
    // either: it is hop-by-hop (from the next hop's transaction layer, not
    // from the callee), so it says nothing about the call making progress.
    if (code == 100) return;
    // §16.7 step 2: a provisional response from the far end resets Timer C.
    if (context.invite) arm_timer_c(now, context, where.index);
    // §16.7 step 5: other provisional responses go upstream at once.
    if (!context.final_sent) ctx_->send_response(now, context.txn, std::move(response));
    return;
  }

  by_handle_.erase(ref);
  const bool was_completed = branch.state == BranchState::Completed;
  branch.state = BranchState::Completed;
  if (branch.timer_c != 0) {
    ctx_->cancel_timer(branch.timer_c);
    by_timer_.erase(branch.timer_c);
    branch.timer_c = 0;
  }

  if (code < 300) {
    // §16.7 step 5: every 2xx to an INVITE is forwarded at once, even after
    // another one; §16.7 step 10: then CANCEL every other pending branch.
    forward_2xx(now, context, std::move(response));
    Context& c = contexts_.at(where.context);
    if (c.invite) cancel_pending(now, c);
    finish_if_done(now, c);
    return;
  }
  if (!was_completed) {
    branch.final_response = std::move(response);
    branch.final_order = next_final_order_++;
  }
  if (code >= 600) {
    // §16.7 step 5: a 6xx ends the search; cancel the other branches.
    cancel_pending(now, context);
  } else if (config_.sequential_forking && !context.cancelled && !context.final_sent) {
    start_next_sequential(now, context);
  }
  finish_if_done(now, contexts_.at(where.context));
}

void ProxyEngine::forward_2xx(Instant now, Context& context, Message&& response) {
  if (!context.final_sent) {
    context.final_sent = true;
    ctx_->send_response(now, context.txn, std::move(response));
  } else if (context.invite) {
    // The server transaction ended with the first 2xx (§17.2.1); later 2xx
    // from other forks travel outside it, back the way the INVITE came.
    ++counters_.stateless_forwarded;
    ctx_->send_stateless_response(now, std::move(response), context.from);
  }
}

void ProxyEngine::finish_if_done(Instant now, Context& context) {
  for (const Branch& b : context.branches) {
    if (b.state == BranchState::Calling || b.state == BranchState::Proceeding) return;
    if (b.state == BranchState::Waiting && !context.cancelled && !context.final_sent) return;
  }
  if (!context.final_sent) {
    context.final_sent = true;
    ctx_->send_response(now, context.txn, best_response(now, context));
  }
  forget(context.txn);
}

Message ProxyEngine::best_response(Instant now, const Context& context) {
  (void)now;
  // §16.7 step 6: a 6xx if any, else the lowest class; within a class the
  // first that arrived.  No final at all: 408 (Request Timeout).
  const Branch* best = nullptr;
  auto rank = [](int code) { return code >= 600 ? 0 : code / 100; };
  for (const Branch& b : context.branches) {
    if (!b.final_response) continue;
    if (!best) {
      best = &b;
      continue;
    }
    const int rb = rank(b.final_response->status_code());
    const int rbest = rank(best->final_response->status_code());
    if (rb < rbest || (rb == rbest && b.final_order < best->final_order)) best = &b;
  }
  if (!best) return make_response(context.request, 408, {}, ctx_->random().token(kToTagLength));
  Message response = *best->final_response;
  const int code = response.status_code();
  if (code == 401 || code == 407) {
    // §16.7 step 7: collect the challenges of every other 401/407 so the
    // client can answer all the realms at once.
    for (const Branch& b : context.branches) {
      if (&b == best || !b.final_response) continue;
      const int other = b.final_response->status_code();
      if (other != 401 && other != 407) continue;
      for (std::string_view v : b.final_response->www_authenticate()) response.add_header("WWW-Authenticate", v);
      for (std::string_view v : b.final_response->proxy_authenticate()) response.add_header("Proxy-Authenticate", v);
    }
  } else if (code == 503) {
    // §16.7 step 6: a 503 is not forwarded (it would make the client fail
    // over away from us, §4.3 of RFC 3263); send 500 instead.
    response.set_status(500, default_reason_phrase(500));
  }
  // A final made up by our own node (Timer B/F 408, 503, local 487) has no
  // To tag; §8.2.6.2 requires one on the response we send.
  if (!response.to_tag()) response.set_to_tag(ctx_->random().token(kToTagLength));
  return response;
}

void ProxyEngine::forget(TxnId context_id) {
  auto it = contexts_.find(context_id);
  if (it == contexts_.end()) return;
  for (Branch& b : it->second.branches) {
    if (b.timer_c != 0) {
      ctx_->cancel_timer(b.timer_c);
      by_timer_.erase(b.timer_c);
    }
    // A branch ended by Timer C may still answer: keep its handle known
    // so process_response can forward a late 2xx (the context is gone then).
    if (b.handle != kNoRequest && b.state != BranchState::Completed) by_handle_.erase(b.handle);
  }
  if (auto key = live_loop_keys_.find(it->second.loop_key); key != live_loop_keys_.end()) live_loop_keys_.erase(key);
  contexts_.erase(it);
}

void ProxyEngine::on_stray_response(Instant now, const Message& response) {
  // §16.7 step 2: a response with no context is forwarded statelessly.  Only
  // 2xx to INVITE reach us this way (retransmissions after the client
  // transaction ended); everything else was absorbed by the transactions.
  if (response.status_code() < 200 || response.status_code() >= 300) return;
  auto cseq = response.cseq();
  if (!cseq || cseq->method != "INVITE") return;
  auto top = response.top_via();
  if (!top || !via_is_this_node(*top, ctx_->identity())) return;
  Message forward = response;
  forward.pop_via();
  if (forward.vias().empty()) return;
  ++counters_.stateless_forwarded;
  ctx_->send_stateless_response(now, std::move(forward), std::nullopt);
}

void ProxyEngine::on_server_failure(Instant now, TxnId txn, ServerFailure reason) {
  // The upstream client is gone (its transport failed): nobody is left to
  // answer, so stop the branches (§16.10 has the same effect for CANCEL).
  if (reason != ServerFailure::TransportError) return;
  auto it = contexts_.find(txn);
  if (it == contexts_.end()) return;
  Guard guard(*this, now);
  it->second.final_sent = true;
  cancel_pending(now, it->second);
  finish_if_done(now, it->second);
}

void ProxyEngine::on_timer(Instant now, TimerCookie cookie) {
  auto ref = by_timer_.find(cookie);
  if (ref == by_timer_.end()) return;
  const BranchRef where = ref->second;
  by_timer_.erase(ref);
  auto cit = contexts_.find(where.context);
  if (cit == contexts_.end()) return;
  Guard guard(*this, now);
  Context& context = cit->second;
  Branch& branch = context.branches[where.index];
  branch.timer_c = 0;
  if (branch.state != BranchState::Calling && branch.state != BranchState::Proceeding) return;
  // §16.8: Timer C fired.  With a provisional response the branch is
  // CANCELled; without one it behaves as if it received 408.  We record the
  // 408 in both cases so the caller hears 408 Request Timeout (not the 487
  // the CANCEL provokes), and the node sends the CANCEL as soon as §9.1
  // allows it.  A 2xx that still arrives is forwarded (see process_response).
  ctx_->cancel_request(now, branch.handle);
  Branch& b = contexts_.at(where.context).branches[where.index];
  b.state = BranchState::Completed;
  b.final_response = make_response(context.request, 408, {}, ctx_->random().token(kToTagLength));
  b.final_order = next_final_order_++;
  if (config_.sequential_forking && !context.cancelled && !context.final_sent) start_next_sequential(now, context);
  finish_if_done(now, contexts_.at(where.context));
}

}  // namespace siplab::sip
