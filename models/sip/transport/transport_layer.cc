#include "models/sip/transport/transport_layer.h"

#include "models/sip/message/parser.h"
#include "models/sip/message/serializer.h"
#include "models/sip/transport/via_rules.h"

namespace siplab::sip {

std::string_view drop_cause_name(DropCause cause) {
  switch (cause) {
    case DropCause::None: return "";
    case DropCause::ParseError: return "parse-error";
    case DropCause::ViaMismatch: return "via-mismatch";
    case DropCause::Invalid: return "invalid";
    case DropCause::StreamError: return "stream-error";
  }
  return "";
}

TransportLayer::TransportLayer(TransportConfig config) : config_(std::move(config)) {
  for (bool v6 : {false, true}) {
    for (Transport t : {Transport::Udp, Transport::Tcp, Transport::Tls, Transport::Sctp}) {
      // make_via() puts branch first and rport after it.
      Via via = make_via(t, "", v6);
      via.params.clear();
      via_prefix_[v6][static_cast<unsigned>(t)] = via.to_string() + ";branch=";
    }
  }
  if (config_.request_rport) via_suffix_ = ";rport";
}

Endpoint TransportLayer::local_endpoint(Transport transport, bool v6) const {
  const IpAddress& address = v6 && config_.address6 ? *config_.address6 : config_.address;
  return Endpoint{address, is_reliable(transport) ? config_.tcp_port : config_.udp_port};
}

std::size_t TransportLayer::udp_size_threshold() const {
  // §18.1.1: "within 200 bytes of the path MTU", or larger than 1300 bytes
  // when the MTU is unknown.
  if (config_.path_mtu && *config_.path_mtu > 200) return *config_.path_mtu - 200;
  return 1300;
}

Transport TransportLayer::transport_for_request(Transport wanted, std::size_t size) const {
  if (wanted == Transport::Udp && config_.tcp_enabled && size > udp_size_threshold()) return Transport::Tcp;
  return wanted;
}

Via TransportLayer::make_via(Transport transport, std::string_view branch, bool v6) const {
  Via via;
  via.transport = std::string(transport_name(transport));
  if (config_.sent_by_host.empty()) {
    const IpAddress& address = local_endpoint(transport, v6).address;
    via.host = address.to_string();
    via.host_kind = address.v6 ? HostKind::IPv6 : HostKind::IPv4;
  } else {
    via.host = config_.sent_by_host;
    via.host_kind = HostKind::Name;
  }
  via.port = local_endpoint(transport).port;
  via.set_branch(branch);
  if (config_.request_rport) via.params.push_back(Param{"rport", std::nullopt});
  return via;
}

void TransportLayer::via_text_into(std::string& text, Transport transport, std::string_view branch, bool v6) const {
  const std::string& prefix = via_prefix_[v6][static_cast<unsigned>(transport)];
  text.clear();
  text.reserve(prefix.size() + branch.size() + via_suffix_.size());
  text.append(prefix).append(branch).append(via_suffix_);
}

MessageEvent TransportLayer::make_event(Instant now, MessageAction action, Transport transport,
                                        const Endpoint& src, const Endpoint& dst,
                                        std::string_view bytes) const {
  MessageEvent e;
  e.t = now;
  e.action = action;
  e.transport = transport;
  e.src = src;
  e.dst = dst;
  e.bytes = bytes.size();
  if (config_.trace_message_text) e.text.assign(bytes);
  return e;
}

std::optional<ConnectionId> TransportLayer::send(Instant now, Transport transport,
                                                 const Endpoint& destination,
                                                 std::optional<ConnectionId> connection,
                                                 std::string bytes, const MessageSummary& summary,
                                                 bool retransmit) {
  Transmit t;
  t.transport = transport;
  t.source = local_endpoint(transport, destination.address.v6);
  t.destination = destination;
  t.retransmit = retransmit;
  if (is_reliable(transport)) {
    Connection* c = connection ? connections_.find(*connection) : nullptr;
    if (!c) c = connections_.find_to(transport, destination);
    if (!c) {
      // Our end of a connection we open: the node's address, an ephemeral
      // port (the Via still names the port we listen on, §18.1.1).
      Endpoint local = t.source;
      local.port = next_ephemeral_port_;
      next_ephemeral_port_ = next_ephemeral_port_ == 65535 ? 49152 : next_ephemeral_port_ + 1;
      c = &connections_.add(transport, destination, local);
      t.open_connection = true;
    }
    t.connection = c->id;
    t.source = c->local;
    t.destination = c->remote;
  }
  if (tracing_) {
    MessageEvent e = make_event(now, MessageAction::Sent, transport, t.source, t.destination, bytes);
    e.retransmit = retransmit;
    // A caller that skipped the summary (tracing was off when it built the
    // message, switched on since) gets it from the bytes themselves.
    e.summary = summary.first_line.empty() ? summarize_wire(bytes) : summary;
    emit(std::move(e));
  }
  ++counters_.sent;
  t.bytes = std::move(bytes);
  const std::optional<ConnectionId> used = t.connection;
  transmits_.push_back(std::move(t));
  return used;
}

void TransportLayer::drop_unparsed(Instant now, Transport transport, const Endpoint& src,
                                   const Endpoint& dst, std::string_view bytes, DropCause cause,
                                   std::string detail) {
  ++counters_.dropped;
  if (!tracing_) return;
  MessageEvent e = make_event(now, MessageAction::Dropped, transport, src, dst, bytes);
  e.cause = cause;
  e.detail = std::move(detail);
  e.summary = summarize_unparsed(bytes);
  emit(std::move(e));
}

static std::string describe(const ParseError& error) {
  return "byte " + std::to_string(error.offset) + ": " + error.reason;
}

std::optional<Received> TransportLayer::receive_datagram(Instant now, const Endpoint& from,
                                                         const Endpoint& to, std::string_view bytes) {
  // parse_message() is parse_message_into() + to_message(): the same
  // message, plus its parsed form for the stack (Received::parsed).
  if (auto error = parse_message_into(bytes, parsed_, Framing::Datagram)) {
    ++counters_.parse_errors;
    drop_unparsed(now, Transport::Udp, from, to, bytes, DropCause::ParseError, describe(*error));
    return std::nullopt;
  }
  Received received{parsed_.to_message(), InboundContext{Transport::Udp, from, to, std::nullopt}, bytes.size(),
                    &parsed_};
  ++counters_.received;
  if (tracing_) {
    MessageEvent e = make_event(now, MessageAction::Received, Transport::Udp, from, to, bytes);
    e.summary = summarize(received.message);
    emit(std::move(e));
  }
  return received;
}

bool TransportLayer::receive_stream(Instant now, ConnectionId id, std::string_view bytes,
                                    std::vector<Received>& out) {
  Connection* c = connections_.find(id);
  if (!c) return false;
  c->framer.feed(bytes);
  std::string one;
  for (;;) {
    const auto status = c->framer.next(one);
    if (status == StreamFramer::Status::NeedMore) return true;
    if (status == StreamFramer::Status::Failed) {
      // §18.3: without a usable Content-Length the stream cannot be resynchronised.
      ++counters_.stream_errors;
      drop_unparsed(now, c->transport, c->remote, c->local, bytes,
                    DropCause::StreamError, describe(*c->framer.error()));
      to_close_.push_back(id);
      connections_.remove(id);
      return false;
    }
    auto parsed = parse_message(one, Framing::Stream);
    if (!parsed) {
      ++counters_.parse_errors;
      drop_unparsed(now, c->transport, c->remote, c->local, one, DropCause::ParseError,
                    describe(parsed.error()));
      continue;  // framing held, so the next message is still readable
    }
    ++counters_.received;
    if (tracing_) {
      MessageEvent e = make_event(now, MessageAction::Received, c->transport, c->remote, c->local, one);
      e.summary = summarize(*parsed);
      emit(std::move(e));
    }
    out.push_back(Received{std::move(*parsed), InboundContext{c->transport, c->remote, c->local, id},
                           one.size()});
  }
}

ConnectionId TransportLayer::accept(Transport transport, const Endpoint& remote, const Endpoint& local) {
  return connections_.add(transport, remote, local).id;
}

bool TransportLayer::close(ConnectionId id) { return connections_.remove(id); }

std::optional<ConnectionId> TransportLayer::poll_close() {
  if (to_close_.empty()) return std::nullopt;
  ConnectionId id = to_close_.front();
  to_close_.pop_front();
  return id;
}

void TransportLayer::record_drop(Instant now, const Received& r, DropCause cause, std::string detail) {
  ++counters_.dropped;
  if (!tracing_) return;
  MessageEvent e;
  e.t = now;
  e.action = MessageAction::Dropped;
  e.transport = r.from.transport;
  e.src = r.from.source;
  e.dst = r.from.local;
  e.bytes = r.bytes;
  e.cause = cause;
  e.detail = std::move(detail);
  e.summary = summarize(r.message);
  if (config_.trace_message_text) e.text = serialize(r.message);
  emit(std::move(e));
}

void TransportLayer::emit(MessageEvent&& event) {
  if (observer_) {
    observer_(std::move(event));
  } else {
    events_.push_back(std::move(event));
  }
}

std::optional<Transmit> TransportLayer::poll_transmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<MessageEvent> TransportLayer::poll_message_event() {
  if (events_.empty()) return std::nullopt;
  MessageEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace siplab::sip
