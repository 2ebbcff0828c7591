// The simulated network: builds ns-3 nodes, point-to-point links (delay,
// rate, queue), per-direction loss models, IPv4 (and with spec.ipv6 also
// IPv6) addressing and static shortest-path routes from a TopologySpec (via TopologyPlan, which holds the
// addressing contract).  Counts every packet per link direction, reports
// every drop through on_drop, writes topology.dot and per-interface pcaps.
//
// Construct after ns-3's simulator is fresh and before Simulator::Run(); the
// Topology must outlive the run (its trace hooks point into it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ns3/node-container.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/ptr.h"
#include "sim/topology/link_counters.h"
#include "sim/topology/topology_plan.h"

namespace siplab::topo {

// Called for every dropped packet.  `ip_packet` is the IP datagram (PPP
// header removed), a copy the handler may keep.
using DropHandler =
    std::function<void(const LinkDirection& where, ns3::Ptr<const ns3::Packet> ip_packet,
                       DropCause cause)>;

class Topology {
 public:
  // Validates, plans and builds.  `seed` selects the loss models' random
  // streams: the same seed gives the same losses.
  static std::variant<std::unique_ptr<Topology>, TopologyErrors> build(const TopologySpec& spec,
                                                                       uint64_t seed);
  // Builds an already validated plan.
  static std::unique_ptr<Topology> build(TopologyPlan plan, uint64_t seed);

  // The ns-3 random stream of link `link`'s direction is
  // stream_base(seed) + 2*link + (0 for a->b, 1 for b->a).
  static int64_t stream_base(uint64_t seed);

  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  const TopologyPlan& plan() const { return plan_; }
  const RouteTable& routes() const { return plan_.routes; }
  const ns3::NodeContainer& nodes() const { return nodes_; }

  // nullptr / nullopt for an unknown name.
  ns3::Ptr<ns3::Node> node(std::string_view name) const;
  std::optional<IpAddress> address_of(std::string_view name) const;
  // The node's IPv6 address; nullopt also when the spec has no ipv6.
  std::optional<IpAddress> address6_of(std::string_view name) const;
  // The direction from -> to of the link joining them, if there is one.
  std::optional<LinkDirection> direction(std::string_view from, std::string_view to) const;

  const LinkCounters& counters(size_t link, Direction direction) const {
    return counters_[2 * link + static_cast<size_t>(direction)];
  }
  // nullptr when no link joins the two nodes.
  const LinkCounters* counters(std::string_view from, std::string_view to) const;

  // The device at end a (end_b false) or end b of a link.
  ns3::Ptr<ns3::PointToPointNetDevice> device(size_t link, bool end_b) const {
    return devices_[2 * link + (end_b ? 1 : 0)];
  }
  // The Ipv4 (Ipv6) interface index of that device on its node.
  uint32_t interface_index(size_t link, bool end_b) const {
    return if_index_[2 * link + (end_b ? 1 : 0)];
  }
  uint32_t interface_index6(size_t link, bool end_b) const {
    return if6_index_[2 * link + (end_b ? 1 : 0)];
  }

  // Replaces any earlier handler.
  void on_drop(DropHandler handler) { on_drop_ = std::move(handler); }

  // Writes Graphviz text; on failure returns the reason.
  std::optional<std::string> write_dot(const std::filesystem::path& path) const;

  // One pcap per interface, `<dir>/<node>-<peer>.pcap` (characters outside
  // [A-Za-z0-9._-] in names become '_').  Creates `dir`.  Call before
  // Simulator::Run().  On failure returns the reason.
  std::optional<std::string> enable_pcap(const std::filesystem::path& dir);
  std::string pcap_file_name(size_t link, bool end_b) const;

 private:
  explicit Topology(TopologyPlan plan) : plan_(std::move(plan)) {}
  void create_links(uint64_t seed);
  void assign_node_addresses();
  void install_routes();
  void install_routes_v4();
  void install_routes_v6();
  void hook_counters(size_t link, Direction direction);
  void report_drop(size_t link, Direction direction, ns3::Ptr<const ns3::Packet> frame,
                   DropCause cause);

  TopologyPlan plan_;
  ns3::NodeContainer nodes_;
  std::vector<ns3::Ptr<ns3::PointToPointNetDevice>> devices_;  // 2 per link
  std::vector<uint32_t> if_index_;                             // 2 per link
  std::vector<uint32_t> if6_index_;                            // 2 per link with ipv6
  std::vector<LinkCounters> counters_;                         // 2 per link
  DropHandler on_drop_;
};

}  // namespace siplab::topo
