// The ns-3-free half of the topology: validates a TopologySpec, assigns every
// node its address and every link its transfer subnet, and computes the
// shortest-path (by delay) routes between all node pairs with Boost.Graph.
// The ns-3 builder (topology.h) only turns this plan into objects.
//
// Addressing (documented contract, other layers rely on it):
//  - Node i (0-based, declaration order) without an explicit address gets
//    10.0.0.0 + (i + 1): node 0 -> 10.0.0.1, node 254 -> 10.0.0.255,
//    node 255 -> 10.0.1.0.  It is a /32 host address, so a ".0" is fine.
//  - Link k (0-based, declaration order) gets the transfer subnet
//    172.16.0.0 + 4k /30: end `a` is .1, end `b` is .2 of that block.
//    Node addresses must not fall inside 172.16.0.0/12.
//  - With spec.ipv6, the same in IPv6: node i gets fd00::(i + 1) unless it has
//    an explicit address6 (fd00::1, fd00::ff, fd00::100, ...); link k gets
//    fd01::(4k + 1) and fd01::(4k + 2) in /126.  Node address6 values must not
//    fall inside fd01::/64.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "models/common/address.h"
#include "models/common/time.h"
#include "sim/topology/topology_error.h"
#include "sim/topology/topology_spec.h"

namespace siplab::topo {

inline constexpr size_t kNoNode = static_cast<size_t>(-1);

// The first hop from `from` toward the node address of `to`.
struct Route {
  size_t next_hop = kNoNode;  // neighbour node index
  size_t link = kNoNode;      // link index used for the first hop
  Duration path_delay{};      // sum of link delays along the whole path
  uint32_t hops = 0;
};

// All-pairs first hops, stored compactly: a node with a single link (a
// "leaf"; only in topologies of more than two nodes) always leaves through
// that link and is reached through its one neighbour, so only pairs of
// non-leaf ("core") nodes are stored; leaf routes are derived on lookup.
// A 5000-host star over 10 routers stores 10x10 routes, not 5010x5010.
// Equal-delay ties keep the first path Boost.Graph's Dijkstra settles
// (deterministic: it follows declaration order).
class RouteTable {
 public:
  RouteTable() = default;

  size_t node_count() const { return core_slot_.size(); }
  // nullopt when from == to (no route to yourself) or an index is out of range.
  std::optional<Route> find(size_t from, size_t to) const;
  bool is_leaf(size_t node) const { return leaf_[node].parent != kNoNode; }

  // Filled by plan_topology: first mark the leaves, then give every
  // core pair its route.
  void reset(size_t nodes);
  void set_leaf(size_t node, size_t parent, size_t link, Duration delay);
  void index_core();  // after the last set_leaf
  void set_core_route(size_t from, size_t to, const Route& route);

 private:
  struct Attachment {
    size_t parent = kNoNode;  // kNoNode for core nodes
    size_t link = kNoNode;
    Duration delay{};
  };
  std::optional<Route> core_route(size_t from, size_t to) const;

  std::vector<Attachment> leaf_;   // per node
  std::vector<size_t> core_slot_;  // node -> core index, kNoNode for leaves
  size_t core_count_ = 0;
  std::vector<Route> core_routes_;  // core_count_ x core_count_
};

struct PlannedLink {
  size_t a = kNoNode;
  size_t b = kNoNode;
  IpAddress transfer_a;  // /30 host address at end a
  IpAddress transfer_b;  // /30 host address at end b
  IpAddress transfer6_a;  // /126 addresses, only with spec.ipv6
  IpAddress transfer6_b;
};

struct TopologyPlan {
  TopologySpec spec;                       // validated copy
  std::vector<IpAddress> addresses;        // node index -> node address (/32)
  std::vector<IpAddress> addresses6;       // node index -> /128; empty unless spec.ipv6
  std::vector<PlannedLink> links;          // link index -> ends and subnet
  std::vector<std::vector<size_t>> links_of_node;  // node -> links, declaration order
  RouteTable routes;

  size_t node_count() const { return spec.nodes.size(); }
  const std::string& name(size_t node) const { return spec.nodes[node].name; }
  std::optional<size_t> index_of(std::string_view name) const;
  // The link joining two nodes, if any (links are unique per node pair).
  std::optional<size_t> link_between(size_t a, size_t b) const;
  // Convenience for tests and reports: the next-hop name, nullopt when unknown
  // names or from == to.
  std::optional<std::string> next_hop(std::string_view from, std::string_view to) const;

  std::unordered_map<std::string, size_t> by_name;
};

// Validates and plans.  Every problem found is reported (not just the first),
// except that connectivity and routes are only checked once links are valid.
std::variant<TopologyPlan, TopologyErrors> plan_topology(const TopologySpec& spec);

// The auto address of node `index` (see the contract above).
IpAddress auto_node_address(size_t index);
// The /30 transfer subnet's host address at one end of link `index`.
IpAddress transfer_address(size_t link_index, bool end_b);
// The IPv6 counterparts (see the contract above).
IpAddress auto_node_address6(size_t index);
IpAddress transfer_address6(size_t link_index, bool end_b);

}  // namespace siplab::topo
