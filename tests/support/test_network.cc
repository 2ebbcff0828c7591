#include "tests/support/test_network.h"

#include <stdexcept>


namespace siplab::testing {

std::string Packet::first_line() const {
  const auto end = bytes.find("\r\n");
  return bytes.substr(0, end == std::string::npos ? bytes.size() : end);
}

bool Packet::is_request(std::string_view method) const {
  return bytes.size() > method.size() && std::string_view(bytes).starts_with(method) &&
         bytes[method.size()] == ' ';
}

bool Packet::is_response(int code) const {
  return std::string_view(bytes).starts_with("SIP/2.0 " + std::to_string(code) + " ");
}

void TestNetwork::attach(const std::string& name, sip::SipStack& stack) {
  Node& n = nodes_[name];
  n.name = name;
  n.stack = &stack;
}

TestNetwork::Node& TestNetwork::node_(const std::string& name) {
  auto it = nodes_.find(name);
  if (it == nodes_.end()) throw std::out_of_range("TestNetwork: no node named " + name);
  return it->second;
}

const TestNetwork::Node* TestNetwork::owner_of(const IpAddress& address) const {
  for (const auto& [name, node] : nodes_) {
    if (node.stack->config().transport.address == address) return &node;
  }
  return nullptr;
}

void TestNetwork::set_link(const std::string& a, const std::string& b, Duration latency, double loss) {
  links_[{a, b}] = LinkSettings{latency, loss};
  links_[{b, a}] = LinkSettings{latency, loss};
}

void TestNetwork::refuse_connections(const std::string& node, bool refuse) {
  node_(node).refuse_connections = refuse;
}

TestNetwork::LinkSettings TestNetwork::link(const std::string& a, const std::string& b) const {
  auto it = links_.find({a, b});
  return it == links_.end() ? LinkSettings{default_latency_, 0.0} : it->second;
}

void TestNetwork::push(Delivery d) {
  d.seq = next_seq_++;
  queue_.push(std::move(d));
}

void TestNetwork::transmit(Node& from, sip::Transmit&& t) {
  Packet p;
  p.seq = packets_.size();
  p.sent_at = now();
  p.from_node = from.name;
  p.transport = t.transport;
  p.src = t.source;
  p.dst = t.destination;
  p.retransmit = t.retransmit;
  p.bytes = std::move(t.bytes);
  const Node* to = owner_of(t.destination.address);
  if (to) p.to_node = to->name;
  const LinkSettings settings = to ? link(from.name, to->name) : LinkSettings{default_latency_, 0.0};
  p.deliver_at = now() + settings.latency;
  const std::size_t index = packets_.size();

  if (!is_reliable(t.transport)) {
    bool lost = !to;
    if (!lost && drop_rule_ && drop_rule_(p)) lost = true;
    // Draw for every datagram on a lossy link so scripted drops do not shift
    // the random sequence of the others.
    if (!lost && settings.loss > 0.0) {
      lost = static_cast<double>(loss_random_.next_u64() >> 11) * 0x1.0p-53 < settings.loss;
    }
    p.lost = lost;
    packets_.push_back(std::move(p));
    if (!lost) push(Delivery{packets_[index].deliver_at, 0, DeliveryKind::Datagram, index, to->name, 0});
    return;
  }

  const ConnEnd mine{from.name, *t.connection};
  if (t.open_connection) {
    if (!to || to->refuse_connections) {
      p.lost = true;
      packets_.push_back(std::move(p));
      // The SYN goes unanswered / is reset: the opener learns after one RTT.
      push(Delivery{now() + 2 * settings.latency, 0, DeliveryKind::ConnectionFailed, index, from.name,
                    *t.connection});
      return;
    }
    // The stack picked our end's port (Transmit::source); p.src is it.
    pending_[mine] = p.src;
    local_of_[mine] = p.src;
  } else if (!peers_.count(mine) && !pending_.count(mine)) {
    p.lost = true;  // the connection is gone
    packets_.push_back(std::move(p));
    return;
  } else if (auto local = local_of_.find(mine); local != local_of_.end()) {
    p.src = local->second;
  }
  packets_.push_back(std::move(p));
  push(Delivery{packets_[index].deliver_at, 0, DeliveryKind::Stream, index, to ? to->name : "", *t.connection});
}

void TestNetwork::deliver(const Delivery& d) {
  Node& node = node_(d.node);
  switch (d.kind) {
    case DeliveryKind::Datagram: {
      const Packet& p = packets_[d.packet];
      node.stack->handle_datagram(now(), p.src, p.dst, p.bytes);
      break;
    }
    case DeliveryKind::Stream: {
      const Packet& p = packets_[d.packet];
      const ConnEnd sender{p.from_node, d.connection};
      sip::ConnectionId receiver_id = 0;
      if (auto it = peers_.find(sender); it != peers_.end()) {
        receiver_id = it->second.second;
      } else if (auto pend = pending_.find(sender); pend != pending_.end()) {
        receiver_id = node.stack->handle_connection_accepted(now(), p.transport, pend->second, p.dst);
        peers_[sender] = ConnEnd{node.name, receiver_id};
        peers_[ConnEnd{node.name, receiver_id}] = sender;
        local_of_[ConnEnd{node.name, receiver_id}] = p.dst;
        pending_.erase(pend);
      } else {
        return;  // closed while in flight
      }
      node.stack->handle_stream(now(), receiver_id, p.bytes);
      break;
    }
    case DeliveryKind::ConnectionFailed:
      local_of_.erase(ConnEnd{node.name, d.connection});
      node.stack->handle_connection_closed(now(), d.connection, true);
      break;
    case DeliveryKind::ConnectionClosed:
      node.stack->handle_connection_closed(now(), d.connection, false);
      break;
  }
  drain(node.name);
}

void TestNetwork::drain(const std::string& name) {
  Node& node = node_(name);
  for (;;) {
    bool any = false;
    while (auto t = node.stack->poll_transmit()) {
      any = true;
      transmit(node, std::move(*t));
    }
    while (auto closed = node.stack->poll_close()) {
      any = true;
      const ConnEnd mine{name, *closed};
      if (auto it = peers_.find(mine); it != peers_.end()) {
        const ConnEnd other = it->second;
        peers_.erase(it);
        peers_.erase(other);
        local_of_.erase(mine);
        local_of_.erase(other);
        push(Delivery{now() + link(name, other.first).latency, 0, DeliveryKind::ConnectionClosed, 0,
                      other.first, other.second});
      }
      pending_.erase(mine);
    }
    while (auto trace = node.stack->poll_trace()) {
      any = true;
      if (keep_traces) node.traces.push_back(std::move(*trace));
    }
    while (auto event = node.stack->poll_event()) {
      any = true;
      if (keep_events) node.events.push_back(*event);
      if (on_event) on_event(name, *node.stack, *event);
    }
    if (!any) return;
  }
}

bool TestNetwork::step(Instant limit) {
  std::optional<Instant> timer_at;
  Node* timer_node = nullptr;
  for (auto& [name, node] : nodes_) {
    if (auto t = node.stack->poll_timeout(); t && (!timer_at || *t < *timer_at)) {
      timer_at = t;
      timer_node = &node;
    }
  }
  const bool have_delivery = !queue_.empty();
  // At equal instants deliveries go first: what arrived at t is seen by a
  // timer firing at t (the same order the ns-3 runtime uses for equal times).
  if (have_delivery && (!timer_at || queue_.top().at <= *timer_at)) {
    if (queue_.top().at > limit) return false;
    const Delivery d = queue_.top();
    queue_.pop();
    clock_.advance_to(std::max(d.at, now()));
    deliver(d);
    return true;
  }
  if (!timer_at || *timer_at > limit) return false;
  clock_.advance_to(std::max(*timer_at, now()));
  timer_node->stack->handle_timeout(now());
  drain(timer_node->name);
  return true;
}

void TestNetwork::run_until(Instant limit) {
  while (step(limit)) {
  }
  if (limit > now()) clock_.advance_to(limit);
}

std::vector<const Packet*> TestNetwork::sent_by(const std::string& node) const {
  std::vector<const Packet*> out;
  for (const Packet& p : packets_) {
    if (p.from_node == node) out.push_back(&p);
  }
  return out;
}

}  // namespace siplab::testing
