// An in-memory network of whole SIP nodes (models/sip/node/sip_node.h) and
// authoritative DNS servers: a manual clock that jumps to the next deadline,
// per-link latency, scripted and seeded random loss.  It drives every node
// exactly as the ns-3 runtime does, so UA / proxy / registrar flows (the
// seed's registration and forked call) run deterministically in
// microseconds.  Datagrams only (UDP); stream transports are exercised by
// the SipStack harness (tests/support/test_network.h) and the ns-3 tests.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "models/common/random.h"
#include "models/dns/authority.h"
#include "models/sip/node/sip_node.h"
#include "tests/support/manual_clock.h"

namespace siplab::testing {

struct NodePacket {
  uint64_t seq = 0;
  Instant sent_at{};
  Instant deliver_at{};
  std::string from_node;
  std::string to_node;  // empty when nobody owns the destination
  Endpoint src;
  Endpoint dst;
  bool retransmit = false;
  bool lost = false;
  bool dns = false;  // a DNS datagram (to or from port 53)
  std::string bytes;

  // SIP: "INVITE sip:ivan@domain.ru SIP/2.0" / "SIP/2.0 180 Ringing"; DNS: "DNS".
  std::string first_line() const;
  // Request method or response code as text ("INVITE", "180"), "" for DNS.
  std::string label() const;
};

class NodeNetwork {
 public:
  using DropRule = std::function<bool(const NodePacket& packet)>;

  explicit NodeNetwork(uint64_t loss_seed = 1) : loss_random_(loss_seed) {}

  ManualClock& clock() { return clock_; }
  Instant now() const { return clock_.now(); }

  void add_sip_node(sip::SipNode& node);
  void add_dns_server(const std::string& name, const IpAddress& address, const dns::Authority& authority);

  void set_default_latency(Duration latency) { default_latency_ = latency; }
  void set_link(const std::string& a, const std::string& b, Duration latency, double loss = 0.0);
  void set_drop_rule(DropRule rule) { drop_rule_ = std::move(rule); }

  // Runs `command` on a node's TU context at the current time, then drains
  // the node (scenario commands: register, call, hang up …).
  template <typename F>
  void command(const std::string& node, F&& f) {
    sip::SipNode& n = *sip_nodes_.at(node);
    n.command(now(), std::forward<F>(f));
    drain(n);
  }

  void run_until(Instant limit);
  void run_for(Duration d) { run_until(now() + d); }

  const std::vector<NodePacket>& packets() const { return packets_; }
  // Labels of the SIP packets (not DNS) in send order, lost ones included,
  // optionally only between two nodes (either direction).
  std::vector<std::string> sip_labels(const std::string& a = {}, const std::string& b = {}) const;
  std::vector<sip::NodeTrace>& traces(const std::string& node) { return traces_[node]; }

 private:
  struct DnsServer {
    std::string name;
    IpAddress address;
    const dns::Authority* authority = nullptr;
  };
  struct Delivery {
    Instant at{};
    uint64_t seq = 0;
    size_t packet = 0;
    friend bool operator>(const Delivery& a, const Delivery& b) {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };

  std::string owner_of(const IpAddress& address) const;
  Duration latency(const std::string& a, const std::string& b, double* loss) const;
  void drain(sip::SipNode& node);
  void send(const std::string& from, Endpoint src, Endpoint dst, std::string bytes, bool retransmit);
  void deliver(const NodePacket& packet);
  std::optional<Instant> next_timer(sip::SipNode** node) const;

  ManualClock clock_;
  SeededRandom loss_random_;
  Duration default_latency_ = std::chrono::milliseconds(10);
  std::map<std::pair<std::string, std::string>, std::pair<Duration, double>> links_;
  DropRule drop_rule_;
  std::map<std::string, sip::SipNode*> sip_nodes_;
  std::vector<DnsServer> dns_servers_;
  std::vector<NodePacket> packets_;
  std::priority_queue<Delivery, std::vector<Delivery>, std::greater<>> in_flight_;
  std::map<std::string, std::vector<sip::NodeTrace>> traces_;
  uint64_t seq_ = 0;
};

}  // namespace siplab::testing
