#include "sim/runtime/sip_node_app.h"

#include <algorithm>

#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"

#include "sim/runtime/ns3_address.h"

namespace siplab::runtime {

SipNodeApp::SipNodeApp(sip::SipNodeConfig config, Random& random, sip::TransactionUser& tu)
    : sip_local_{config.identity.address, config.identity.port},
      dns_local_{config.identity.address, config.dns_port} {
  if (config.identity.address6) sip6_local_ = Endpoint{*config.identity.address6, config.identity.port};
  node_ = std::make_unique<sip::SipNode>(std::move(config), random, tu);
  node_->set_tracing(false);  // until a sink is set
}

SipNodeApp::~SipNodeApp() = default;

Instant SipNodeApp::now() const { return Instant{ns3::Simulator::Now().GetNanoSeconds()}; }

// ---------------------------------------------------------------- lifecycle

void SipNodeApp::StartApplication() {
  const ns3::TypeId udp = ns3::UdpSocketFactory::GetTypeId();
  sip_udp_ = ns3::Socket::CreateSocket(GetNode(), udp);
  sip_udp_->Bind(to_ns3_socket_address(sip_local_));
  sip_udp_->SetRecvCallback(ns3::MakeCallback(&SipNodeApp::on_udp_readable, this));
  // A node whose resolver shares the SIP port would need one socket; the
  // core tells them apart by port, so they must differ.
  if (dns_local_.port != sip_local_.port) {
    dns_udp_ = ns3::Socket::CreateSocket(GetNode(), udp);
    dns_udp_->Bind(to_ns3_socket_address(dns_local_));
    dns_udp_->SetRecvCallback(ns3::MakeCallback(&SipNodeApp::on_udp_readable, this));
  }
  tcp_listener_ = listen_tcp(sip_local_);
  if (sip6_local_) {
    // A dual-stack node listens on its IPv6 address too (the core sends to
    // an IPv6 destination from it).
    sip_udp6_ = ns3::Socket::CreateSocket(GetNode(), udp);
    sip_udp6_->Bind(to_ns3_socket_address(*sip6_local_));
    sip_udp6_->SetRecvCallback(ns3::MakeCallback(&SipNodeApp::on_udp_readable, this));
    tcp_listener6_ = listen_tcp(*sip6_local_);
  }
  started_ = true;
  std::vector<Command> early = std::move(early_commands_);
  early_commands_.clear();
  for (const auto& command : early) run_command(command);
  drain(now());
}

ns3::Ptr<ns3::Socket> SipNodeApp::listen_tcp(const Endpoint& local) {
  ns3::Ptr<ns3::Socket> listener = ns3::Socket::CreateSocket(GetNode(), ns3::TcpSocketFactory::GetTypeId());
  listener->Bind(to_ns3_socket_address(local));
  listener->Listen();
  listener->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                              ns3::MakeCallback(&SipNodeApp::on_accept, this));
  return listener;
}

void SipNodeApp::StopApplication() {
  timer_.Cancel();
  armed_for_.reset();
  for (ns3::Ptr<ns3::Socket>* s : {&sip_udp_, &sip_udp6_, &dns_udp_}) {
    if (!*s) continue;
    (*s)->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    (*s)->Close();
    *s = nullptr;
  }
  for (ns3::Ptr<ns3::Socket>* listener : {&tcp_listener_, &tcp_listener6_}) {
    if (!*listener) continue;
    (*listener)->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                                   ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>());
    (*listener)->Close();
    *listener = nullptr;
  }
  std::vector<sip::ConnectionId> ids;
  for (const auto& [id, c] : connections_) ids.push_back(id);
  for (auto id : ids) {
    ns3::Ptr<ns3::Socket> socket = connections_[id].socket;
    forget(id);
    socket->Close();
  }
  started_ = false;
}

void SipNodeApp::command_at(ns3::Time at, Command command) {
  const ns3::Time delay = std::max(at - ns3::Simulator::Now(), ns3::Time(0));
  // The command waits in a slot of its own and the event carries only the
  // slot's number: copying a std::function into an ns-3 event costs an
  // allocation per copy when its captures outgrow the inline buffer.
  uint32_t slot;
  if (free_command_slots_.empty()) {
    slot = static_cast<uint32_t>(scheduled_commands_.size());
    scheduled_commands_.push_back(std::move(command));
  } else {
    slot = free_command_slots_.back();
    free_command_slots_.pop_back();
    scheduled_commands_[slot] = std::move(command);
  }
  ns3::Simulator::Schedule(delay, &SipNodeApp::run_scheduled_command, this, slot);
}

void SipNodeApp::run_scheduled_command(uint32_t slot) {
  Command command = std::move(scheduled_commands_[slot]);
  scheduled_commands_[slot] = nullptr;
  free_command_slots_.push_back(slot);
  if (!started_) {
    early_commands_.push_back(std::move(command));
    return;
  }
  run_command(command);
}

void SipNodeApp::run_command(const Command& command) {
  const Instant t = now();
  node_->command(t, [&](sip::TuContext& context) { command(context); });
  drain(t);
}

// ---------------------------------------------------------------- outputs

void SipNodeApp::drain(Instant now) {
  draining_ = true;
  for (;;) {
    while (auto transmit = node_->poll_transmit()) send(*transmit);
    while (auto closed = node_->poll_close()) {
      auto it = connections_.find(*closed);
      if (it == connections_.end()) continue;
      ns3::Ptr<ns3::Socket> socket = it->second.socket;
      forget(*closed);
      socket->Close();
    }
    if (trace_sink_) {
      node_->drain_traces(trace_sink_);
    } else {
      node_->drain_traces([](const sip::NodeTrace&) {});
    }
    if (failed_while_draining_.empty()) break;
    // Stream sends that failed inside the drain: report them now, outside
    // the core's own output loop (RFC 3261 §18.4: a transport error reaches
    // the transaction layer).
    std::vector<sip::ConnectionId> failed = std::move(failed_while_draining_);
    failed_while_draining_.clear();
    for (auto id : failed) {
      ++counters_.connections_failed;
      node_->handle_connection_closed(now, id, true);
    }
  }
  draining_ = false;
  rearm_timer(now);
}

void SipNodeApp::send(sip::Transmit& transmit) {
  if (transmit.transport != Transport::Udp) {
    send_stream(transmit);
    return;
  }
  const bool from_resolver = dns_udp_ && transmit.source.port == dns_local_.port;
  // The core picked the source address by the destination's family.
  const bool v6 = sip_udp6_ && transmit.source.address.v6;
  ns3::Ptr<ns3::Socket>& socket = from_resolver ? dns_udp_ : v6 ? sip_udp6_ : sip_udp_;
  auto packet = ns3::Create<ns3::Packet>(reinterpret_cast<const uint8_t*>(transmit.bytes.data()),
                                         static_cast<uint32_t>(transmit.bytes.size()));
  if (last_destination_ != transmit.destination) {
    last_destination_ = transmit.destination;
    last_ns3_destination_ = to_ns3_socket_address(transmit.destination);
  }
  // A UDP send that finds no route is lost like any datagram; the
  // transaction timers handle it (RFC 3261 §17.1.2.2).
  if (socket->SendTo(packet, 0, last_ns3_destination_) >= 0) ++counters_.datagrams_out;
}

void SipNodeApp::send_stream(sip::Transmit& transmit) {
  if (!transmit.connection) return;  // the stack always names a stream; nothing to write on otherwise
  const sip::ConnectionId id = *transmit.connection;
  if (transmit.open_connection) {
    ns3::Ptr<ns3::Socket> socket = ns3::Socket::CreateSocket(GetNode(), ns3::TcpSocketFactory::GetTypeId());
    // Bound where the core says: the node address (which the topology makes
    // the source ns-3 3.37 TCP takes from the route on Connect) and the
    // ephemeral port the core picked, so that the trace names the port the
    // packets carry.  A port still taken (a TIME_WAIT connection after the
    // range wrapped) fails the connection like a refused one.
    const bool bound = socket->Bind(to_ns3_socket_address(transmit.source)) >= 0;
    socket->SetConnectCallback(ns3::MakeCallback(&SipNodeApp::on_connected, this),
                               ns3::MakeCallback(&SipNodeApp::on_connect_failed, this));
    watch_stream(socket);
    Connection& c = connections_[id];
    c.socket = socket;
    c.pending = std::move(transmit.bytes);
    by_socket_[ns3::PeekPointer(socket)] = id;
    ++counters_.connections_opened;
    if (!bound || socket->Connect(to_ns3_socket_address(transmit.destination)) < 0) {
      forget(id);
      socket->Close();
      failed_while_draining_.push_back(id);
    }
    return;
  }
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    failed_while_draining_.push_back(id);
    return;
  }
  it->second.pending.append(transmit.bytes);
  if (it->second.connected) flush(id, it->second);
}

void SipNodeApp::flush(sip::ConnectionId, Connection& c) {
  size_t offset = 0;
  while (offset < c.pending.size()) {
    const uint32_t room = c.socket->GetTxAvailable();
    if (room == 0) break;  // on_send_room resumes
    const uint32_t n = static_cast<uint32_t>(std::min<size_t>(room, c.pending.size() - offset));
    const int sent = c.socket->Send(reinterpret_cast<const uint8_t*>(c.pending.data() + offset), n, 0);
    if (sent <= 0) break;
    offset += static_cast<size_t>(sent);
  }
  c.pending.erase(0, offset);
}

void SipNodeApp::rearm_timer(Instant now) {
  // One pending ns-3 event per node, at or before the core's earliest
  // deadline.  It is only moved when the deadline moves EARLIER: a deadline
  // that moves later (the earliest timer was cancelled, as when a response
  // stops Timer E) keeps the event, which then fires early, finds nothing
  // due and re-arms for the real deadline.  A steady stream of transactions
  // would otherwise cancel and re-schedule an ns-3 event on every response.
  // armed_for_ is set exactly while timer_ is pending (on_timer and
  // StopApplication clear it), so it answers without asking ns-3.
  const std::optional<Instant> due = node_->poll_timeout();
  if (!due) return;  // a pending event stays; it finds nothing due
  if (armed_for_ && *armed_for_ <= *due) return;
  if (armed_for_) timer_.Cancel();
  armed_for_ = due;
  const int64_t delay = std::max<int64_t>(0, (*due - now).count());
  timer_ = ns3::Simulator::Schedule(ns3::NanoSeconds(delay), &SipNodeApp::on_timer, this);
}

void SipNodeApp::on_timer() {
  armed_for_.reset();
  // Only a deadline that is really due reaches the core (the event may be
  // one kept for a deadline that has since moved later, see rearm_timer).
  const std::optional<Instant> due = node_->poll_timeout();
  const Instant t = now();
  if (due && *due <= t) {
    ++counters_.timer_events;
    node_->handle_timeout(t);
    drain(t);
  } else {
    rearm_timer(t);
  }
}

// ---------------------------------------------------------------- inputs

void SipNodeApp::on_udp_readable(ns3::Ptr<ns3::Socket> socket) {
  const Endpoint& local = socket == dns_udp_ ? dns_local_ : socket == sip_udp6_ ? *sip6_local_ : sip_local_;
  ns3::Address from;
  while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from)) {
    rx_buffer_.resize(packet->GetSize());
    packet->CopyData(reinterpret_cast<uint8_t*>(rx_buffer_.data()), packet->GetSize());
    ++counters_.datagrams_in;
    const Instant t = now();
    node_->handle_datagram(t, endpoint_from_ns3(from), local, rx_buffer_);
    drain(t);
  }
}

void SipNodeApp::watch_stream(ns3::Ptr<ns3::Socket> socket) {
  socket->SetRecvCallback(ns3::MakeCallback(&SipNodeApp::on_stream_readable, this));
  socket->SetSendCallback(ns3::MakeCallback(&SipNodeApp::on_send_room, this));
  socket->SetCloseCallbacks(ns3::MakeCallback(&SipNodeApp::on_closed, this),
                            ns3::MakeCallback(&SipNodeApp::on_close_error, this));
}

void SipNodeApp::on_accept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from) {
  ++counters_.connections_accepted;
  const Instant t = now();
  const Endpoint remote = endpoint_from_ns3(from);
  const Endpoint& local = remote.address.v6 && sip6_local_ ? *sip6_local_ : sip_local_;
  const sip::ConnectionId id = node_->handle_connection_accepted(t, Transport::Tcp, remote, local);
  Connection& c = connections_[id];
  c.socket = socket;
  c.connected = true;
  by_socket_[ns3::PeekPointer(socket)] = id;
  watch_stream(socket);
  drain(t);
}

void SipNodeApp::on_connected(ns3::Ptr<ns3::Socket> socket) {
  auto it = by_socket_.find(ns3::PeekPointer(socket));
  if (it == by_socket_.end()) return;
  Connection& c = connections_[it->second];
  c.connected = true;
  flush(it->second, c);
}

void SipNodeApp::on_connect_failed(ns3::Ptr<ns3::Socket> socket) { connection_lost(socket, true); }

void SipNodeApp::on_stream_readable(ns3::Ptr<ns3::Socket> socket) {
  auto it = by_socket_.find(ns3::PeekPointer(socket));
  if (it == by_socket_.end()) return;
  const sip::ConnectionId id = it->second;
  while (ns3::Ptr<ns3::Packet> packet = socket->Recv()) {
    rx_buffer_.resize(packet->GetSize());
    packet->CopyData(reinterpret_cast<uint8_t*>(rx_buffer_.data()), packet->GetSize());
    const Instant t = now();
    node_->handle_stream(t, id, rx_buffer_);
    drain(t);
    if (!by_socket_.contains(ns3::PeekPointer(socket))) break;  // the core closed it
  }
}

void SipNodeApp::on_send_room(ns3::Ptr<ns3::Socket> socket, uint32_t) {
  auto it = by_socket_.find(ns3::PeekPointer(socket));
  if (it == by_socket_.end()) return;
  Connection& c = connections_[it->second];
  if (c.connected && !c.pending.empty()) flush(it->second, c);
}

void SipNodeApp::on_closed(ns3::Ptr<ns3::Socket> socket) { connection_lost(socket, false); }
void SipNodeApp::on_close_error(ns3::Ptr<ns3::Socket> socket) { connection_lost(socket, true); }

void SipNodeApp::connection_lost(ns3::Ptr<ns3::Socket> socket, bool failed) {
  auto it = by_socket_.find(ns3::PeekPointer(socket));
  if (it == by_socket_.end()) return;
  const sip::ConnectionId id = it->second;
  // A close before the handshake completed (RST to our SYN) is a failed
  // connection whatever callback ns-3 chose to report it.
  if (!connections_[id].connected) failed = true;
  forget(id);
  if (!failed) socket->Close();  // answer the peer's FIN with ours
  if (draining_) {
    failed_while_draining_.push_back(id);
    return;
  }
  if (failed) ++counters_.connections_failed;
  const Instant t = now();
  node_->handle_connection_closed(t, id, failed);
  drain(t);
}

void SipNodeApp::forget(sip::ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  ns3::Ptr<ns3::Socket> socket = it->second.socket;
  by_socket_.erase(ns3::PeekPointer(socket));
  connections_.erase(it);
  socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  socket->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, uint32_t>());
  socket->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                            ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  socket->SetConnectCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                             ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
}

}  // namespace siplab::runtime
