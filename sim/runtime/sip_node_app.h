// ns-3 Application hosting one SIP node core (models/sip/node/sip_node.h):
// UDP sockets on node address:5060 (SIP) and node address:dns_port (the
// node's stub resolver), a TCP listener on node address:5060 plus outgoing
// TCP connections for the stack's open_connection transmits.  The ns-3
// Simulator is the clock (every input carries Simulator::Now()) and the
// timer service: at most ONE scheduled event, moved only when
// poll_timeout() moves earlier than it (DESIGN.md, sans-IO contract; see
// rearm_timer).  Nothing here reads the wall
// clock or draws randomness: the Random and the TransactionUser are given.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/socket.h"

#include "models/common/random.h"
#include "models/sip/node/sip_node.h"

namespace siplab::runtime {

struct SipNodeAppCounters {
  uint64_t datagrams_in = 0;
  uint64_t datagrams_out = 0;
  uint64_t connections_opened = 0;    // outgoing connects started
  uint64_t connections_accepted = 0;  // incoming accepted
  uint64_t connections_failed = 0;    // connect or send failures reported to the core
  uint64_t timer_events = 0;          // handle_timeout calls (deadlines that were due)
};

class SipNodeApp : public ns3::Application {
 public:
  using TraceSink = std::function<void(const sip::NodeTrace&)>;
  using Command = std::function<void(sip::TuContext&)>;

  // The app borrows `random` and `tu`: they must outlive it.
  SipNodeApp(sip::SipNodeConfig config, Random& random, sip::TransactionUser& tu);
  ~SipNodeApp() override;

  // Receives every trace the node produces, as it happens (the collector).
  // Without a sink the node builds no traces at all.
  void set_trace_sink(TraceSink sink) {
    trace_sink_ = std::move(sink);
    node_->set_tracing(static_cast<bool>(trace_sink_));
  }

  // Runs `command` against the TU's context at simulated time `at` (a
  // scenario's register / call / hang-up), then drains what it caused.  A
  // command due before the app has started runs right after it starts.
  void command_at(ns3::Time at, Command command);

  sip::SipNode& node() { return *node_; }
  const sip::SipNode& node() const { return *node_; }
  const SipNodeAppCounters& counters() const { return counters_; }

 private:
  struct Connection {
    ns3::Ptr<ns3::Socket> socket;
    bool connected = false;
    std::string pending;  // bytes waiting for the connect or for send-buffer room
  };

  void StartApplication() override;
  void StopApplication() override;

  void run_command(const Command& command);
  void run_scheduled_command(uint32_t slot);
  // After every input (at `now`: simulated time stands still inside an
  // ns-3 event): put transmits on sockets, close connections, hand traces
  // to the sink, then re-arm the timer.
  void drain(Instant now);
  void send(sip::Transmit& transmit);
  void send_stream(sip::Transmit& transmit);
  void flush(sip::ConnectionId id, Connection& connection);
  void rearm_timer(Instant now);
  void on_timer();

  void on_udp_readable(ns3::Ptr<ns3::Socket> socket);
  ns3::Ptr<ns3::Socket> listen_tcp(const Endpoint& local);
  void on_accept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
  void on_connected(ns3::Ptr<ns3::Socket> socket);
  void on_connect_failed(ns3::Ptr<ns3::Socket> socket);
  void on_stream_readable(ns3::Ptr<ns3::Socket> socket);
  void on_send_room(ns3::Ptr<ns3::Socket> socket, uint32_t available);
  void on_closed(ns3::Ptr<ns3::Socket> socket);
  void on_close_error(ns3::Ptr<ns3::Socket> socket);
  void connection_lost(ns3::Ptr<ns3::Socket> socket, bool failed);
  void watch_stream(ns3::Ptr<ns3::Socket> socket);
  void forget(sip::ConnectionId id);

  Instant now() const;

  std::unique_ptr<sip::SipNode> node_;
  Endpoint sip_local_;
  std::optional<Endpoint> sip6_local_;  // a dual-stack node's IPv6 SIP endpoint
  Endpoint dns_local_;
  ns3::Ptr<ns3::Socket> sip_udp_;
  ns3::Ptr<ns3::Socket> sip_udp6_;
  ns3::Ptr<ns3::Socket> dns_udp_;
  ns3::Ptr<ns3::Socket> tcp_listener_;
  ns3::Ptr<ns3::Socket> tcp_listener6_;
  std::unordered_map<sip::ConnectionId, Connection> connections_;
  std::unordered_map<const ns3::Socket*, sip::ConnectionId> by_socket_;
  // Streams whose failure must reach the core once the current drain ends
  // (never re-enter the core from inside a drain).
  std::vector<sip::ConnectionId> failed_while_draining_;

  ns3::EventId timer_;
  std::optional<Instant> armed_for_;  // when timer_ fires (unset: no event pending)
  bool started_ = false;
  bool draining_ = false;
  std::vector<Command> early_commands_;
  std::vector<Command> scheduled_commands_;  // command_at's, by slot, until due
  std::vector<uint32_t> free_command_slots_;
  std::string rx_buffer_;  // reused for every received payload
  // The last datagram destination in ns-3's form: a node mostly talks to
  // the same few peers, and the conversion builds and serializes an
  // InetSocketAddress every time.
  std::optional<Endpoint> last_destination_;
  ns3::Address last_ns3_destination_;
  TraceSink trace_sink_;
  SipNodeAppCounters counters_;
};

}  // namespace siplab::runtime
