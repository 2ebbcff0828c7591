// An in-memory network for SipStack tests: a manual clock that jumps to the
// next deadline, per-link latency, scripted and random loss for datagrams,
// and reliable in-order stream connections.  It drives each attached stack
// the way the ns-3 runtime will (handle_* in, poll_* drained after every
// input), so a whole exchange runs deterministically in microseconds.
//
// Later layers (UA core, proxy, registrar) reuse it: attach the SipStack of
// each node, react to TU events in `on_event`, and run the clock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "models/common/random.h"
#include "models/sip/txn/sip_stack.h"
#include "tests/support/manual_clock.h"

namespace siplab::testing {

// One message handed to the network (the packet log tests assert on).
struct Packet {
  uint64_t seq = 0;
  Instant sent_at{};
  Instant deliver_at{};
  std::string from_node;
  std::string to_node;  // empty when no node owns the destination
  Transport transport = Transport::Udp;
  Endpoint src;
  Endpoint dst;
  bool retransmit = false;
  bool lost = false;  // dropped by the network (loss rule, random loss, no route)
  std::string bytes;

  // "INVITE sip:bob@b.example SIP/2.0" / "SIP/2.0 180 Ringing".
  std::string first_line() const;
  bool is_request(std::string_view method) const;
  bool is_response(int code) const;
};

class TestNetwork {
 public:
  using EventHandler = std::function<void(const std::string& node, sip::SipStack& stack, sip::TuEvent& event)>;
  using DropRule = std::function<bool(const Packet& packet)>;

  explicit TestNetwork(uint64_t loss_seed = 1) : loss_random_(loss_seed) {}

  ManualClock& clock() { return clock_; }
  Instant now() const { return clock_.now(); }

  // The node answers on the addresses of its stack's transport config.
  void attach(const std::string& name, sip::SipStack& stack);
  // One-way latency of every link without its own setting (default 10 ms).
  void set_default_latency(Duration latency) { default_latency_ = latency; }
  // Symmetric link settings between two nodes; `loss` is the probability
  // that a datagram is lost (streams are reliable).
  void set_link(const std::string& a, const std::string& b, Duration latency, double loss = 0.0);
  // Datagrams for which `rule` returns true are lost (scripted loss).
  void set_drop_rule(DropRule rule) { drop_rule_ = std::move(rule); }
  // Stream connections to this node fail (the opener sees a failed close).
  void refuse_connections(const std::string& node, bool refuse = true);

  // Called for every TU event a node's stack emits (after it was logged).
  EventHandler on_event;
  // Logging switches for long runs (benchmarks, load tests): when off, the
  // events / traces are drained and discarded instead of kept per node.
  bool keep_events = true;
  bool keep_traces = true;

  // Drains a node's outputs; call after issuing a TU command on its stack.
  void drain(const std::string& node);
  // Processes every delivery and timer due at or before `limit`, then
  // leaves the clock at `limit`.
  void run_until(Instant limit);
  void run_for(Duration d) { run_until(now() + d); }
  // Processes the single next delivery or timer if it is due by `limit`.
  bool step(Instant limit);

  const std::vector<Packet>& packets() const { return packets_; }
  // Packets sent by `node` (in send order).
  std::vector<const Packet*> sent_by(const std::string& node) const;
  std::vector<sip::TuEvent>& events(const std::string& node) { return node_(node).events; }
  std::vector<sip::TraceEvent>& traces(const std::string& node) { return node_(node).traces; }

 private:
  struct Node {
    std::string name;
    sip::SipStack* stack = nullptr;
    bool refuse_connections = false;
    std::vector<sip::TuEvent> events;
    std::vector<sip::TraceEvent> traces;
  };
  struct LinkSettings {
    Duration latency{};
    double loss = 0.0;
  };
  enum class DeliveryKind : uint8_t { Datagram, Stream, ConnectionFailed, ConnectionClosed };
  struct Delivery {
    Instant at{};
    uint64_t seq = 0;
    DeliveryKind kind = DeliveryKind::Datagram;
    std::size_t packet = 0;  // index into packets_ (Datagram / Stream)
    std::string node;        // receiver
    sip::ConnectionId connection = 0;  // receiver's id (Stream: sender's id until accepted)
    friend bool operator>(const Delivery& a, const Delivery& b) {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };
  // One end of a stream connection: (node, the id that node's stack uses).
  using ConnEnd = std::pair<std::string, sip::ConnectionId>;

  Node& node_(const std::string& name);
  const Node* owner_of(const IpAddress& address) const;
  LinkSettings link(const std::string& a, const std::string& b) const;
  void transmit(Node& from, sip::Transmit&& t);
  void deliver(const Delivery& d);
  void push(Delivery d);

  ManualClock clock_;
  SeededRandom loss_random_;
  Duration default_latency_ = std::chrono::milliseconds(10);
  std::map<std::string, Node> nodes_;
  std::map<std::pair<std::string, std::string>, LinkSettings> links_;
  DropRule drop_rule_;
  std::vector<Packet> packets_;
  std::priority_queue<Delivery, std::vector<Delivery>, std::greater<>> queue_;
  uint64_t next_seq_ = 0;
  std::map<ConnEnd, ConnEnd> peers_;    // established stream connections, both directions
  std::map<ConnEnd, Endpoint> pending_; // opened by the sender, not yet accepted: sender's source
  std::map<ConnEnd, Endpoint> local_of_;  // each connection end's local endpoint (for the packet log)
};

}  // namespace siplab::testing
