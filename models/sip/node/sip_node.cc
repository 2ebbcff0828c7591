#include "models/sip/node/sip_node.h"

#include <algorithm>

#include "models/sip/locate/uri_request.h"

namespace siplab::sip {

namespace {

SipStackConfig stack_config_for(SipNodeConfig config) {
  SipStackConfig stack = config.stack;
  stack.transport.address = config.identity.address;
  stack.transport.address6 = config.identity.address6;
  stack.transport.udp_port = config.identity.port;
  stack.transport.tcp_port = config.identity.port;
  return stack;
}

}  // namespace

SipNode::SipNode(SipNodeConfig config, Random& random, TransactionUser& tu)
    : config_(std::move(config)),
      random_(random),
      tu_(tu),
      stack_(stack_config_for(config_), random),
      resolver_(config_.resolver, random) {
  stack_.set_trace_observer([this](sip::TraceEvent&& event) { trace_.emplace_back(std::move(event)); });
  tu_.attach(*this);
}

// ---------------------------------------------------------------- inputs

void SipNode::handle_datagram(Instant now, const Endpoint& from, const Endpoint& to, std::string_view bytes) {
  if (to.port == config_.dns_port) {
    resolver_.handle_datagram(
        now, from, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    collect_resolver_events();
  } else {
    stack_.handle_datagram(now, from, to, bytes);
  }
  pump(now);
}

ConnectionId SipNode::handle_connection_accepted(Instant now, Transport transport, const Endpoint& remote,
                                                 const Endpoint& local) {
  ConnectionId id = stack_.handle_connection_accepted(now, transport, remote, local);
  pump(now);
  return id;
}

void SipNode::handle_stream(Instant now, ConnectionId connection, std::string_view bytes) {
  stack_.handle_stream(now, connection, bytes);
  pump(now);
}

void SipNode::handle_connection_closed(Instant now, ConnectionId connection, bool failed) {
  stack_.handle_connection_closed(now, connection, failed);
  pump(now);
}

void SipNode::handle_timeout(Instant now) {
  stack_.handle_timeout(now);
  resolver_.handle_timeout(now);
  collect_resolver_events();
  pump(now);
  fire_tu_timers(now);  // pumps after each timer it fires
}

// ---------------------------------------------------------------- outputs

std::optional<Transmit> SipNode::poll_transmit() {
  if (auto dns = resolver_.poll_transmit()) {
    Transmit t;
    t.transport = Transport::Udp;
    t.source = dns_endpoint();
    t.destination = dns->destination;
    t.bytes.assign(dns->bytes.begin(), dns->bytes.end());
    return t;
  }
  return stack_.poll_transmit();
}

std::optional<Instant> SipNode::poll_timeout() const {
  std::optional<Instant> next = stack_.poll_timeout();
  auto earliest = [&next](std::optional<Instant> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  earliest(resolver_.poll_timeout());
  if (!tu_timers_.empty()) earliest(tu_timers_.begin()->first);
  return next;
}

std::optional<NodeTrace> SipNode::poll_trace() {
  if (trace_.empty()) return std::nullopt;
  NodeTrace event = std::move(trace_.front());
  trace_.pop_front();
  return event;
}

// ---------------------------------------------------------------- TuContext

RequestHandle SipNode::send_request(Instant now, Message request, const Uri& next_hop) {
  return start(now, std::move(request), next_hop, /*stateless=*/false);
}

void SipNode::send_stateless(Instant now, Message request, const Uri& next_hop) {
  start(now, std::move(request), next_hop, /*stateless=*/true);
}

RequestHandle SipNode::start(Instant now, Message request, const Uri& next_hop, bool stateless) {
  const RequestHandle handle = next_handle_++;
  Outgoing& out = outgoing_.create(handle);
  out.handle = handle;
  out.stateless = stateless;
  std::string error;
  auto where = locate::to_locate_request(next_hop, &error);
  if (!where) {
    ++counters_.location_failures;
    fail_locally(now, out, request, 503, "Service Unavailable");
    return handle;
  }
  // A numeric TARGET needs no DNS (RFC 3263 §4.1, §4.2): no Locator to
  // build, and one target: the request goes to it from here.
  if (auto target = locate::Locator::numeric_target(*where, config_.locator)) {
    std::vector<locate::Target> targets;
    targets.push_back(std::move(*target));
    located(now, out, std::move(targets), request);
    return handle;
  }
  out.request = std::make_unique<Message>(std::move(request));
  out.locator = std::make_unique<locate::Locator>(std::move(*where), config_.locator, random_);
  advance_location(now, out);
  return handle;
}

void SipNode::cancel_request(Instant now, RequestHandle handle) {
  Outgoing* found = outgoing_.find(handle);
  if (!found) return;  // already final: nothing to cancel (§9.1)
  Outgoing& out = *found;
  if (out.txn == kNoTxn) {
    // Still locating: the INVITE never left, so end it here as the UAS would.
    fail_locally(now, out, out.request ? *out.request : Message{}, 487, "Request Terminated");
    return;
  }
  // §9.1: a CANCEL must not be sent before a provisional response arrived.
  if (out.provisional_seen) {
    stack_.send_cancel(now, out.txn);
  } else {
    out.cancel_wanted = true;
  }
}

void SipNode::send_response(Instant now, TxnId txn, Message response) {
  stack_.send_response(now, txn, std::move(response));
}

void SipNode::send_stateless_response(Instant now, Message response,
                                      const std::optional<InboundContext>& path) {
  stack_.send_stateless_response(now, std::move(response), path);
}

void SipNode::set_timer(Instant at, TimerCookie cookie) { tu_timers_.emplace(at, cookie); }

void SipNode::cancel_timer(TimerCookie cookie) {
  std::erase_if(tu_timers_, [cookie](const auto& entry) { return entry.second == cookie; });
}

void SipNode::trace(TuTrace event) {
  if (tracing_) trace_.emplace_back(std::move(event));
}

void SipNode::set_tracing(bool on) {
  tracing_ = on;
  stack_.set_tracing(on);
}

// ---------------------------------------------------------------- location

void SipNode::advance_location(Instant now, Outgoing& out) {
  for (;;) {
    switch (out.locator->state()) {
      case locate::LocateState::Done: {
        std::vector<locate::Target> targets = out.locator->targets();
        out.locator.reset();  // its DNS knowledge is no longer needed
        located(now, out, std::move(targets), *out.request);
        return;
      }
      case locate::LocateState::Failed:
        ++counters_.location_failures;
        fail_locally(now, out, *out.request, 503, "Service Unavailable");
        return;
      case locate::LocateState::Running:
        break;
    }
    auto question = out.locator->poll_lookup();
    if (!question) {
      if (out.locator->state() == locate::LocateState::Running) return;  // waiting for DNS
      continue;
    }
    const dns::LookupId id = resolver_.lookup(now, question->name, question->type);
    collect_resolver_events();
    out.lookup = id;
    by_lookup_[id] = out.handle;
    return;
  }
}

void SipNode::located(Instant now, Outgoing& out, std::vector<locate::Target> targets, Message& request) {
  ++counters_.requests_located;
  out.failover.emplace(order_by_recent_failures(now, std::move(targets)));
  send_to_current(now, out, request);
}

void SipNode::send_to_current(Instant now, Outgoing& out, Message& request) {
  while (const locate::Target* target = out.failover->current()) {
    const sip::Target where{target->transport, Endpoint{target->address, target->port}};
    if (out.stateless) {
      stack_.send_stateless_request(now, std::move(request), where);
      forget(out.handle);
      return;
    }
    // No target after this one: nothing will send the request again, so
    // the transaction takes it (send_request_from leaves it here on error,
    // for the local 503).  Otherwise it gets a copy.
    const bool last = out.failover->remaining() == 1;
    SendResult sent = last ? stack_.send_request_from(now, request, where) : stack_.send_request(now, request, where);
    if (sent.ok()) {
      out.txn = sent.txn;
      by_txn_.create(sent.txn) = out.handle;
      if (last) out.request.reset();  // emptied by the move (`request` may be it)
      return;
    }
    ++counters_.failovers;
    remember_failure(now, *target);
    out.failover->fail_current(locate::TargetFailure::TransportError);
  }
  fail_locally(now, out, request, 503, "Service Unavailable");
}

void SipNode::fail_locally(Instant now, Outgoing& out, const Message& request, int code, std::string_view reason) {
  const RequestHandle handle = out.handle;
  const bool stateless = out.stateless;
  Message response = make_response(request, code, reason);  // before forget(): `request` may be out's
  forget(handle);  // `out` dangles from here
  if (stateless) return;
  // 503 stands for "no target could be reached" (RFC 3263 §4.3 exhausted, or
  // nothing located); 487 is what the UAS would have answered to a CANCEL.
  const ResponseOrigin origin = code == 503 ? ResponseOrigin::TransportError : ResponseOrigin::Network;
  tu_.on_response(now, handle, response, origin);
}

void SipNode::on_stack_response(Instant now, ResponseReceived&& received) {
  const RequestHandle* by = by_txn_.find(received.txn);
  if (!by) return;  // e.g. the response to our CANCEL: nothing for the TU
  const RequestHandle handle = *by;
  Outgoing* found = outgoing_.find(handle);
  if (!found) return;
  Outgoing& out = *found;
  const int code = received.response.status_code();

  if (code < 200) {
    out.provisional_seen = true;
    if (out.cancel_wanted) {
      out.cancel_wanted = false;
      stack_.send_cancel(now, out.txn);
    }
    tu_.on_response(now, handle, received.response, received.origin);
    return;
  }

  // RFC 3263 §4.3: a timeout, a transport failure or a 503 moves to the next
  // target in a new transaction — unless the TU asked to cancel.
  std::optional<locate::TargetFailure> failure;
  if (received.origin == ResponseOrigin::Timeout) failure = locate::TargetFailure::Timeout;
  if (received.origin == ResponseOrigin::TransportError) failure = locate::TargetFailure::TransportError;
  if (received.origin == ResponseOrigin::Network && code == 503)
    failure = locate::TargetFailure::ServiceUnavailable;
  if (failure && !out.cancel_wanted && out.failover) {
    by_txn_.erase(out.txn);
    if (*failure != locate::TargetFailure::ServiceUnavailable && out.failover->current())
      remember_failure(now, *out.failover->current());
    out.failover->fail_current(*failure);
    // (A target left means the request was kept: only the last one takes it.)
    if (!out.failover->exhausted() && out.request) {
      ++counters_.failovers;
      out.txn = kNoTxn;
      out.provisional_seen = false;
      send_to_current(now, out, *out.request);
      return;
    }
  }
  Message response = std::move(received.response);
  const ResponseOrigin origin = received.origin;
  forget(handle);
  tu_.on_response(now, handle, response, origin);
}

// ---------------------------------------------------------------- pumping

void SipNode::collect_resolver_events() {
  while (auto event = resolver_.poll_event()) {
    if (tracing_) trace_.emplace_back(ResolverTrace{std::move(*event), dns_endpoint()});
  }
}

void SipNode::drain_resolver(Instant now) {
  while (auto result = resolver_.poll_result()) {
    auto by = by_lookup_.find(result->id);
    if (by == by_lookup_.end()) continue;
    const RequestHandle handle = by->second;
    by_lookup_.erase(by);
    Outgoing* found = outgoing_.find(handle);
    if (!found) continue;
    Outgoing& out = *found;
    out.lookup.reset();
    out.locator->handle_lookup_result(*result);
    advance_location(now, out);
  }
}

void SipNode::drain_stack(Instant now) {
  stack_.drain_events([&](TuEvent& event) {
    std::visit(
        [&](auto&& e) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, RequestReceived>) {
            tu_.on_request(now, std::move(e));
          } else if constexpr (std::is_same_v<E, ResponseReceived>) {
            on_stack_response(now, std::move(e));
          } else if constexpr (std::is_same_v<E, StrayResponse>) {
            tu_.on_stray_response(now, e.response);
          } else if constexpr (std::is_same_v<E, ServerTxnFailed>) {
            tu_.on_server_failure(now, e.txn, e.reason);
          } else if constexpr (std::is_same_v<E, TxnTerminated>) {
            by_txn_.erase(e.txn);
          }
        },
        std::move(event));
  });
}

void SipNode::pump(Instant now) {
  // Each stage can feed the other (a DNS answer sends a request whose
  // transaction reports at once; the TU reacts to an event with a request
  // answered from the DNS cache): repeat until both are quiet.  Asked
  // first, so that an input that caused nothing (a retransmission
  // absorbed, a timer with no consequence) costs two reads.
  while (resolver_.has_results() || stack_.has_events_to_drain()) {
    drain_resolver(now);
    drain_stack(now);
  }
}

void SipNode::fire_tu_timers(Instant now) {
  while (!tu_timers_.empty() && tu_timers_.begin()->first <= now) {
    const TimerCookie cookie = tu_timers_.begin()->second;
    tu_timers_.erase(tu_timers_.begin());
    tu_.on_timer(now, cookie);
    pump(now);
  }
}

std::vector<locate::Target> SipNode::order_by_recent_failures(Instant now,
                                                              std::vector<locate::Target> targets) const {
  if (failed_targets_.empty()) return targets;
  auto failed_recently = [&](const locate::Target& t) {
    auto it = failed_targets_.find({t.transport, t.address, t.port});
    return it != failed_targets_.end() && now < it->second + config_.failed_target_memory;
  };
  std::stable_partition(targets.begin(), targets.end(), [&](const auto& t) { return !failed_recently(t); });
  return targets;
}

void SipNode::remember_failure(Instant now, const locate::Target& target) {
  if (config_.failed_target_memory > Duration::zero())
    failed_targets_[{target.transport, target.address, target.port}] = now;
}

void SipNode::forget(RequestHandle handle) {
  const Outgoing* out = outgoing_.find(handle);
  if (!out) return;
  if (out->txn != kNoTxn) by_txn_.erase(out->txn);
  if (out->lookup) by_lookup_.erase(*out->lookup);
  outgoing_.erase(handle);
}

}  // namespace siplab::sip
