// The SIP transport layer (RFC 3261 §18, RFC 3581) as a sans-IO object:
// it turns messages into Transmits for the driver, parses what arrives
// (datagrams whole, streams through a framer per connection), and records
// every message sent, received or dropped for the trace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/address.h"
#include "models/common/time.h"
#include "models/sip/message/message.h"
#include "models/sip/message/parsed_message.h"
#include "models/sip/transport/connection_table.h"
#include "models/sip/transport/fifo.h"
#include "models/sip/transport/transmit.h"
#include "models/sip/transport/transport_events.h"

namespace siplab::sip {

struct TransportConfig {
  IpAddress address;          // our node's address
  // A dual-stack node's IPv6 address: requests to an IPv6 destination go
  // from it and name it in their Via.
  std::optional<IpAddress> address6;
  std::string sent_by_host;   // host for Via sent-by; empty → address text
  uint16_t udp_port = 5060;
  uint16_t tcp_port = 5060;
  bool tcp_enabled = true;
  // §18.1.1: a UDP request larger than MTU − 200 bytes (1300 when the path
  // MTU is unknown) goes over TCP instead.
  std::optional<std::size_t> path_mtu;
  bool request_rport = true;       // RFC 3581 §3: ask for rport in our Via
  bool trace_message_text = true;  // copy full text into MessageEvents
};

// Where a received message came from, and how to answer on the same path.
struct InboundContext {
  Transport transport = Transport::Udp;
  Endpoint source;
  Endpoint local;
  std::optional<ConnectionId> connection;  // stream transports
};

struct Received {
  Message message;
  InboundContext from;
  std::size_t bytes = 0;
  // The message as parsed on arrival (views into the transport layer's
  // parse buffer), so the layers above read its typed values (top Via,
  // CSeq, ...) without parsing the rows again.  Valid until the transport
  // layer receives the next message; null for stream messages (they
  // arrive in batches).
  const ParsedMessage* parsed = nullptr;
};

struct TransportCounters {
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t parse_errors = 0;   // datagrams / stream messages that did not parse
  uint64_t stream_errors = 0;  // streams whose framing broke (connection closed)
  uint64_t dropped = 0;        // every drop, parse errors included
};

class TransportLayer {
 public:
  explicit TransportLayer(TransportConfig config);

  const TransportConfig& config() const { return config_; }
  const TransportCounters& counters() const { return counters_; }
  // Our address toward a destination of that family (`v6`: IPv6).
  Endpoint local_endpoint(Transport transport, bool v6 = false) const;

  // ---- sending ----
  // §18.1.1 size rule: UDP requests above the threshold move to TCP.
  Transport transport_for_request(Transport wanted, std::size_t size) const;
  std::size_t udp_size_threshold() const;
  // Our Via for a request sent over `transport` with `branch` (sent-by =
  // our host and listening port, plus ";rport" when configured).
  // `v6`: the request goes to an IPv6 destination (sent-by is our IPv6
  // address when we have one).
  Via make_via(Transport transport, std::string_view branch, bool v6 = false) const;
  // make_via(transport, branch, v6).to_string() written into `out`
  // (replacing its contents), without building the Via: the text around
  // the branch is the same for every request.
  void via_text_into(std::string& out, Transport transport, std::string_view branch, bool v6 = false) const;
  // Queues `bytes` for `destination`.  Stream transports use `connection`
  // if it is still open, else an open connection to `destination`, else a
  // new one; the connection used is returned (nullopt for datagrams).
  std::optional<ConnectionId> send(Instant now, Transport transport, const Endpoint& destination,
                                   std::optional<ConnectionId> connection, std::string bytes,
                                   const MessageSummary& summary, bool retransmit);

  // ---- receiving ----
  // A parsed message, or nullopt when it was dropped (counted and traced).
  std::optional<Received> receive_datagram(Instant now, const Endpoint& from, const Endpoint& to,
                                           std::string_view bytes);
  // Appends every complete message to `out`.  Returns false when the
  // stream's framing broke: the connection is forgotten and the driver
  // must close it (poll_close() yields its id).
  bool receive_stream(Instant now, ConnectionId connection, std::string_view bytes,
                      std::vector<Received>& out);
  // An incoming connection the driver accepted; returns the id to use.
  ConnectionId accept(Transport transport, const Endpoint& remote, const Endpoint& local);
  // The driver saw the connection close; false when it was unknown.
  bool close(ConnectionId connection);
  bool is_open(ConnectionId connection) { return connections_.find(connection) != nullptr; }
  // Connections the stack wants closed (broken framing); drained by the driver.
  std::optional<ConnectionId> poll_close();

  // A message the layers above discard after parsing (§18.1.2 Via check ...).
  void record_drop(Instant now, const Received& received, DropCause cause, std::string detail);

  std::optional<Transmit> poll_transmit();
  // Message events queue here unless an observer is set, in which case each
  // goes to the observer at once (so it interleaves with the stack's own
  // trace events in emission order).
  std::optional<MessageEvent> poll_message_event();
  void set_observer(std::function<void(MessageEvent&&)> observer) { observer_ = std::move(observer); }
  // With tracing off no MessageEvent is built at all (no summary, no text
  // copy): the driver has no trace sink.  Counters still count.
  void set_tracing(bool on) { tracing_ = on; }
  bool tracing() const { return tracing_; }

 private:
  MessageEvent make_event(Instant now, MessageAction action, Transport transport, const Endpoint& src,
                          const Endpoint& dst, std::string_view bytes) const;
  void emit(MessageEvent&& event);
  void drop_unparsed(Instant now, Transport transport, const Endpoint& src, const Endpoint& dst,
                     std::string_view bytes, DropCause cause, std::string detail);

  TransportConfig config_;
  // Per family (IPv4, IPv6) and transport: our Via text up to "branch=".
  std::string via_prefix_[2][4];
  std::string via_suffix_;
  TransportCounters counters_;
  ConnectionTable connections_;
  // The source port of the next connection we open.  The core picks it (the
  // driver binds it) so that traces name the port the packets carry; ports
  // run through the dynamic range (RFC 6335 §6) and wrap.
  uint16_t next_ephemeral_port_ = 49152;
  ParsedMessage parsed_;  // the last datagram, parsed in place (buffer reused)
  Fifo<Transmit> transmits_;
  Fifo<MessageEvent> events_;
  Fifo<ConnectionId> to_close_;
  std::function<void(MessageEvent&&)> observer_;
  bool tracing_ = true;
};

}  // namespace siplab::sip
