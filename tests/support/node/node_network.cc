#include "tests/support/node/node_network.h"

#include <stdexcept>

namespace siplab::testing {

std::string NodePacket::first_line() const {
  if (dns) return "DNS";
  auto end = bytes.find("\r\n");
  return bytes.substr(0, end == std::string::npos ? bytes.size() : end);
}

std::string NodePacket::label() const {
  if (dns) return "";
  std::string line = first_line();
  if (line.rfind("SIP/2.0 ", 0) == 0) return line.substr(8, 3);
  return line.substr(0, line.find(' '));
}

void NodeNetwork::add_sip_node(sip::SipNode& node) { sip_nodes_[node.identity().name] = &node; }

void NodeNetwork::add_dns_server(const std::string& name, const IpAddress& address,
                                 const dns::Authority& authority) {
  dns_servers_.push_back({name, address, &authority});
}

void NodeNetwork::set_link(const std::string& a, const std::string& b, Duration latency, double loss) {
  links_[{a, b}] = {latency, loss};
  links_[{b, a}] = {latency, loss};
}

std::string NodeNetwork::owner_of(const IpAddress& address) const {
  for (const auto& [name, node] : sip_nodes_)
    if (node->identity().address == address) return name;
  for (const auto& server : dns_servers_)
    if (server.address == address) return server.name;
  return {};
}

Duration NodeNetwork::latency(const std::string& a, const std::string& b, double* loss) const {
  auto it = links_.find({a, b});
  if (it == links_.end()) {
    *loss = 0.0;
    return default_latency_;
  }
  *loss = it->second.second;
  return it->second.first;
}

void NodeNetwork::send(const std::string& from, Endpoint src, Endpoint dst, std::string bytes, bool retransmit) {
  NodePacket p;
  p.seq = seq_++;
  p.sent_at = now();
  p.from_node = from;
  p.to_node = owner_of(dst.address);
  p.src = src;
  p.dst = dst;
  p.retransmit = retransmit;
  p.dns = src.port == 53 || dst.port == 53;
  p.bytes = std::move(bytes);
  double loss = 0.0;
  p.deliver_at = now() + latency(from, p.to_node, &loss);
  // Draw for every packet, lost or not, so one rule change does not shift
  // the random losses of every later packet.
  const uint64_t draw = loss_random_.below(1'000'000);
  const bool random_loss = static_cast<double>(draw) < loss * 1e6;
  p.lost = p.to_node.empty() || random_loss || (drop_rule_ && drop_rule_(p));
  packets_.push_back(std::move(p));
  if (!packets_.back().lost) in_flight_.push({packets_.back().deliver_at, packets_.back().seq, packets_.size() - 1});
}

void NodeNetwork::drain(sip::SipNode& node) {
  const std::string& name = node.identity().name;
  while (auto t = node.poll_transmit()) {
    send(name, t->source, t->destination, std::move(t->bytes), t->retransmit);
  }
  while (node.poll_close()) {
  }
  while (auto trace = node.poll_trace()) traces_[name].push_back(std::move(*trace));
}

void NodeNetwork::deliver(const NodePacket& packet) {
  if (auto it = sip_nodes_.find(packet.to_node); it != sip_nodes_.end()) {
    it->second->handle_datagram(now(), packet.src, packet.dst, packet.bytes);
    drain(*it->second);
    return;
  }
  for (const auto& server : dns_servers_) {
    if (server.name != packet.to_node || packet.dst.port != 53) continue;
    auto reply = server.authority->handle_query(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(packet.bytes.data()), packet.bytes.size()));
    if (!reply.empty())
      send(server.name, packet.dst, packet.src, std::string(reply.begin(), reply.end()), false);
  }
}

std::optional<Instant> NodeNetwork::next_timer(sip::SipNode** which) const {
  std::optional<Instant> best;
  for (const auto& [name, node] : sip_nodes_) {
    auto t = node->poll_timeout();
    if (t && (!best || *t < *best)) {
      best = t;
      *which = node;
    }
  }
  return best;
}

void NodeNetwork::run_until(Instant limit) {
  for (;;) {
    sip::SipNode* timer_node = nullptr;
    auto timer = next_timer(&timer_node);
    std::optional<Instant> delivery;
    if (!in_flight_.empty()) delivery = in_flight_.top().at;
    // Deliveries before timers at the same instant: a response arriving
    // exactly when a retransmission is due wins, as on a real host where
    // the packet is already queued.
    if (delivery && *delivery <= limit && (!timer || *delivery <= *timer)) {
      Delivery d = in_flight_.top();
      in_flight_.pop();
      clock_.advance_to(std::max(now(), d.at));
      deliver(packets_[d.packet]);
      continue;
    }
    if (timer && *timer <= limit) {
      clock_.advance_to(std::max(now(), *timer));
      timer_node->handle_timeout(now());
      drain(*timer_node);
      continue;
    }
    break;
  }
  clock_.advance_to(std::max(now(), limit));
}

std::vector<std::string> NodeNetwork::sip_labels(const std::string& a, const std::string& b) const {
  std::vector<std::string> out;
  for (const auto& p : packets_) {
    if (p.dns) continue;
    if (!a.empty() && !((p.from_node == a && p.to_node == b) || (p.from_node == b && p.to_node == a))) continue;
    out.push_back(p.label());
  }
  return out;
}

}  // namespace siplab::testing
