#include "sim/topology/topology_plan.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <limits>
#include <map>
#include <utility>

namespace siplab::topo {
namespace {

// Undirected graph, one vertex per node (same index), one edge per link with
// its delay in nanoseconds as the weight and its link index.
using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
    boost::property<boost::edge_weight_t, int64_t, boost::property<boost::edge_index_t, size_t>>>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

constexpr size_t kMaxNodes = (size_t{1} << 24) - 2;  // 10.0.0.1 .. 10.255.255.254
constexpr size_t kMaxLinks = size_t{1} << 18;        // /30 blocks in 172.16.0.0/12

IpAddress from_u32(uint32_t v) {
  return IpAddress::v4(static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                       static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v));
}

bool in_transfer_range(const IpAddress& a) {
  return !a.v6 && a.bytes[0] == 172 && (a.bytes[1] & 0xF0) == 16;  // 172.16.0.0/12
}

// fd00::/96 + n and fd01::/96 + n: the low 32 bits carry n.
IpAddress v6_with_low_bits(uint8_t second_byte, uint32_t n) {
  IpAddress a;
  a.v6 = true;
  a.bytes[0] = 0xfd;
  a.bytes[1] = second_byte;
  a.bytes[12] = static_cast<uint8_t>(n >> 24);
  a.bytes[13] = static_cast<uint8_t>(n >> 16);
  a.bytes[14] = static_cast<uint8_t>(n >> 8);
  a.bytes[15] = static_cast<uint8_t>(n);
  return a;
}

bool in_transfer_range6(const IpAddress& a) {  // fd01::/64
  return a.v6 && a.bytes[0] == 0xfd && a.bytes[1] == 0x01 &&
         std::all_of(a.bytes.begin() + 2, a.bytes.begin() + 8, [](uint8_t b) { return b == 0; });
}

bool is_probability(double x) { return x >= 0.0 && x <= 1.0; }

std::string link_label(const LinkSpec& l) { return "link " + l.a + " -- " + l.b; }

void check_loss(const LinkSpec& link, const LossSpec& loss, std::string_view direction,
                TopologyErrors& errors) {
  auto fail = [&](std::string what) {
    errors.push_back({link.source_line,
                      link_label(link) + " (" + std::string(direction) + "): " + what});
  };
  switch (loss.model) {
    case LossSpec::Model::None:
      break;
    case LossSpec::Model::Random:
      if (!is_probability(loss.rate)) fail("loss rate must be in [0, 1]");
      break;
    case LossSpec::Model::GilbertElliott:
      if (!is_probability(loss.p)) fail("gilbert-elliott p must be in [0, 1]");
      if (!is_probability(loss.r)) fail("gilbert-elliott r must be in [0, 1]");
      if (!is_probability(loss.loss_good)) fail("gilbert-elliott loss_good must be in [0, 1]");
      if (!is_probability(loss.loss_bad)) fail("gilbert-elliott loss_bad must be in [0, 1]");
      break;
    case LossSpec::Model::Outage:
      if (loss.from < Duration::zero()) fail("outage must not start before 0");
      if (loss.to <= loss.from) fail("outage must end after it starts");
      break;
  }
}

void check_nodes(const TopologySpec& spec, TopologyPlan& plan, TopologyErrors& errors) {
  if (spec.nodes.empty()) errors.push_back({0, "topology has no nodes"});
  if (spec.nodes.size() > kMaxNodes)
    errors.push_back({0, "topology has more than " + std::to_string(kMaxNodes) + " nodes"});
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    const NodeSpec& n = spec.nodes[i];
    if (n.name.empty()) {
      errors.push_back({n.source_line, "node name is empty"});
      continue;
    }
    auto [it, inserted] = plan.by_name.emplace(n.name, i);
    if (!inserted)
      errors.push_back({n.source_line,
                        "duplicate node '" + n.name + "' (first declared on line " +
                            std::to_string(spec.nodes[it->second].source_line) + ")"});
  }
}

void assign_addresses(const TopologySpec& spec, TopologyPlan& plan, TopologyErrors& errors) {
  plan.addresses.resize(spec.nodes.size());
  std::map<IpAddress, size_t> owner;
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    const NodeSpec& n = spec.nodes[i];
    if (n.address && n.address->v6) {
      errors.push_back({n.source_line, "node '" + n.name + "': address " +
                                           n.address->to_string() +
                                           " is IPv6; give it as address6"});
      continue;
    }
    const IpAddress addr = n.address ? *n.address : auto_node_address(i);
    plan.addresses[i] = addr;
    if (in_transfer_range(addr))
      errors.push_back({n.source_line, "node '" + n.name + "': address " + addr.to_string() +
                                           " is inside the link transfer range 172.16.0.0/12"});
    auto [it, inserted] = owner.emplace(addr, i);
    if (!inserted)
      errors.push_back({n.source_line, "node '" + n.name + "': address " + addr.to_string() +
                                           " is already used by node '" +
                                           spec.nodes[it->second].name + "'"});
  }
}

void assign_addresses6(const TopologySpec& spec, TopologyPlan& plan, TopologyErrors& errors) {
  if (!spec.ipv6) {
    for (const NodeSpec& n : spec.nodes)
      if (n.address6)
        errors.push_back({n.source_line, "node '" + n.name + "': address6 " +
                                             n.address6->to_string() + " given but ipv6 is off"});
    return;
  }
  plan.addresses6.resize(spec.nodes.size());
  std::map<IpAddress, size_t> owner;
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    const NodeSpec& n = spec.nodes[i];
    if (n.address6 && !n.address6->v6) {
      errors.push_back({n.source_line, "node '" + n.name + "': address6 " +
                                           n.address6->to_string() + " is not an IPv6 address"});
      continue;
    }
    const IpAddress addr = n.address6 ? *n.address6 : auto_node_address6(i);
    plan.addresses6[i] = addr;
    if (in_transfer_range6(addr))
      errors.push_back({n.source_line, "node '" + n.name + "': address6 " + addr.to_string() +
                                           " is inside the link transfer range fd01::/64"});
    // ns-3's IPv6 forwarding drops every packet to 2001:db8::/32 (the
    // documentation prefix, RFC 3849): such a node is unreachable beyond
    // its own link.
    if (addr.bytes[0] == 0x20 && addr.bytes[1] == 0x01 && addr.bytes[2] == 0x0d && addr.bytes[3] == 0xb8)
      errors.push_back({n.source_line, "node '" + n.name + "': address6 " + addr.to_string() +
                                           " is in 2001:db8::/32 (RFC 3849), which ns-3 routers do not forward;"
                                           " use a unique local address such as fd00::10"});
    auto [it, inserted] = owner.emplace(addr, i);
    if (!inserted)
      errors.push_back({n.source_line, "node '" + n.name + "': address6 " + addr.to_string() +
                                           " is already used by node '" +
                                           spec.nodes[it->second].name + "'"});
  }
}

void check_links(const TopologySpec& spec, TopologyPlan& plan, TopologyErrors& errors) {
  if (spec.links.size() > kMaxLinks)
    errors.push_back({0, "topology has more than " + std::to_string(kMaxLinks) + " links"});
  plan.links.resize(spec.links.size());
  plan.links_of_node.assign(spec.nodes.size(), {});
  std::map<std::pair<size_t, size_t>, size_t> seen;  // unordered node pair -> link
  for (size_t k = 0; k < spec.links.size(); ++k) {
    const LinkSpec& l = spec.links[k];
    bool ends_ok = true;
    for (const std::string* end : {&l.a, &l.b}) {
      if (!plan.by_name.contains(*end)) {
        errors.push_back({l.source_line, link_label(l) + ": unknown node '" + *end + "'"});
        ends_ok = false;
      }
    }
    if (l.delay < Duration::zero())
      errors.push_back({l.source_line, link_label(l) + ": delay must not be negative"});
    if (l.jitter < Duration::zero())
      errors.push_back({l.source_line, link_label(l) + ": jitter must not be negative"});
    if (l.rate_bps == 0) errors.push_back({l.source_line, link_label(l) + ": rate must be > 0"});
    if (l.queue_packets == 0)
      errors.push_back({l.source_line, link_label(l) + ": queue must hold at least 1 packet"});
    check_loss(l, l.loss_a_to_b, l.a + " -> " + l.b, errors);
    check_loss(l, l.loss_b_to_a, l.b + " -> " + l.a, errors);
    if (!ends_ok) continue;
    const size_t a = plan.by_name.at(l.a);
    const size_t b = plan.by_name.at(l.b);
    if (a == b) {
      errors.push_back({l.source_line, link_label(l) + ": a link cannot join a node to itself"});
      continue;
    }
    auto [it, inserted] = seen.emplace(std::minmax(a, b), k);
    if (!inserted) {
      errors.push_back({l.source_line, "duplicate " + link_label(l) + " (first declared on line " +
                                           std::to_string(spec.links[it->second].source_line) +
                                           ")"});
      continue;
    }
    plan.links[k] = {a, b, transfer_address(k, false), transfer_address(k, true), {}, {}};
    if (spec.ipv6) {
      plan.links[k].transfer6_a = transfer_address6(k, false);
      plan.links[k].transfer6_b = transfer_address6(k, true);
    }
    plan.links_of_node[a].push_back(k);
    plan.links_of_node[b].push_back(k);
  }
}

Graph make_graph(const TopologyPlan& plan) {
  Graph g(plan.node_count());
  for (size_t k = 0; k < plan.links.size(); ++k)
    boost::add_edge(plan.links[k].a, plan.links[k].b,
                    {plan.spec.links[k].delay.count(), k}, g);
  return g;
}

// Breadth-first reach from node 0; names every node it cannot reach.
void check_connected(const Graph& g, const TopologyPlan& plan, TopologyErrors& errors) {
  const size_t n = plan.node_count();
  std::vector<bool> reached(n, false);
  std::vector<Vertex> frontier{0};
  reached[0] = true;
  while (!frontier.empty()) {
    Vertex v = frontier.back();
    frontier.pop_back();
    for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
      Vertex w = boost::target(*e, g);
      if (!reached[w]) {
        reached[w] = true;
        frontier.push_back(w);
      }
    }
  }
  std::string names;
  int first_line = 0;
  for (size_t i = 0; i < n; ++i) {
    if (reached[i]) continue;
    if (names.empty()) first_line = plan.spec.nodes[i].source_line;
    names += (names.empty() ? "" : ", ") + plan.name(i);
  }
  if (!names.empty())
    errors.push_back({first_line, "topology is disconnected: not reachable from '" +
                                      plan.name(0) + "': " + names});
}

// Leaves first (see RouteTable), then one Dijkstra per core destination: in
// the shortest-path tree rooted at `dest`, each node's predecessor is its
// next hop toward `dest`.  Links are symmetric in delay, so the tree gives
// every node a consistent hop-by-hop route.  Leaves never lie inside a
// shortest path, so running on the whole graph changes nothing for the core.
void compute_routes(const Graph& g, TopologyPlan& plan) {
  const size_t n = plan.node_count();
  RouteTable& table = plan.routes;
  table.reset(n);
  if (n > 2) {
    for (size_t v = 0; v < n; ++v) {
      if (plan.links_of_node[v].size() != 1) continue;
      const size_t k = plan.links_of_node[v].front();
      const PlannedLink& link = plan.links[k];
      table.set_leaf(v, link.a == v ? link.b : link.a, k, plan.spec.links[k].delay);
    }
  }
  table.index_core();
  std::vector<Vertex> pred(n);
  std::vector<int64_t> dist(n);
  std::vector<uint32_t> hops(n);
  std::vector<Vertex> chain;
  constexpr uint32_t kUnknownHops = std::numeric_limits<uint32_t>::max();
  auto index = boost::get(boost::edge_index, g);
  for (size_t dest = 0; dest < n; ++dest) {
    if (table.is_leaf(dest)) continue;
    boost::dijkstra_shortest_paths(
        g, dest,
        boost::predecessor_map(boost::make_iterator_property_map(
                                   pred.begin(), boost::get(boost::vertex_index, g)))
            .distance_map(boost::make_iterator_property_map(dist.begin(),
                                                            boost::get(boost::vertex_index, g))));
    // Hop counts by walking each node up the tree to the first node whose
    // count is known, then filling the walked chain in on the way back.
    std::fill(hops.begin(), hops.end(), kUnknownHops);
    hops[dest] = 0;
    for (Vertex v = 0; v < n; ++v) {
      if (table.is_leaf(v)) continue;
      chain.clear();
      for (Vertex w = v; hops[w] == kUnknownHops; w = pred[w]) chain.push_back(w);
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) hops[*it] = hops[pred[*it]] + 1;
      if (v == dest) continue;
      table.set_core_route(v, dest,
                           Route{pred[v], index[boost::edge(v, pred[v], g).first],
                                 Duration(dist[v]), hops[v]});
    }
  }
}

}  // namespace

IpAddress auto_node_address(size_t index) {
  return from_u32((10u << 24) + static_cast<uint32_t>(index) + 1);
}

IpAddress transfer_address(size_t link_index, bool end_b) {
  return from_u32((172u << 24) + (16u << 16) + static_cast<uint32_t>(link_index) * 4 +
                  (end_b ? 2 : 1));
}

IpAddress auto_node_address6(size_t index) {
  return v6_with_low_bits(0x00, static_cast<uint32_t>(index) + 1);
}

IpAddress transfer_address6(size_t link_index, bool end_b) {
  return v6_with_low_bits(0x01, static_cast<uint32_t>(link_index) * 4 + (end_b ? 2 : 1));
}

void RouteTable::reset(size_t nodes) {
  leaf_.assign(nodes, {});
  core_slot_.assign(nodes, kNoNode);
  core_count_ = 0;
  core_routes_.clear();
}

void RouteTable::set_leaf(size_t node, size_t parent, size_t link, Duration delay) {
  leaf_[node] = {parent, link, delay};
}

void RouteTable::index_core() {
  core_count_ = 0;
  for (size_t v = 0; v < leaf_.size(); ++v)
    core_slot_[v] = is_leaf(v) ? kNoNode : core_count_++;
  core_routes_.assign(core_count_ * core_count_, Route{});
}

void RouteTable::set_core_route(size_t from, size_t to, const Route& route) {
  core_routes_[core_slot_[from] * core_count_ + core_slot_[to]] = route;
}

std::optional<Route> RouteTable::core_route(size_t from, size_t to) const {
  const Route& r = core_routes_[core_slot_[from] * core_count_ + core_slot_[to]];
  if (r.next_hop == kNoNode) return std::nullopt;
  return r;
}

std::optional<Route> RouteTable::find(size_t from, size_t to) const {
  const size_t n = node_count();
  if (from >= n || to >= n || from == to) return std::nullopt;
  if (is_leaf(from)) {
    // Out through the only link; then onward from the neighbour.
    const Attachment& up = leaf_[from];
    if (to == up.parent) return Route{up.parent, up.link, up.delay, 1};
    auto rest = find(up.parent, to);
    if (!rest) return std::nullopt;
    return Route{up.parent, up.link, up.delay + rest->path_delay, rest->hops + 1};
  }
  if (is_leaf(to)) {
    // Toward the leaf's neighbour; then its link.
    const Attachment& down = leaf_[to];
    if (from == down.parent) return Route{to, down.link, down.delay, 1};
    auto rest = core_route(from, down.parent);
    if (!rest) return std::nullopt;
    return Route{rest->next_hop, rest->link, rest->path_delay + down.delay, rest->hops + 1};
  }
  return core_route(from, to);
}

std::optional<size_t> TopologyPlan::index_of(std::string_view name) const {
  auto it = by_name.find(std::string(name));
  if (it == by_name.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> TopologyPlan::link_between(size_t a, size_t b) const {
  if (a >= links_of_node.size()) return std::nullopt;
  for (size_t k : links_of_node[a])
    if (links[k].a == b || links[k].b == b) return k;
  return std::nullopt;
}

std::optional<std::string> TopologyPlan::next_hop(std::string_view from, std::string_view to) const {
  auto f = index_of(from);
  auto t = index_of(to);
  if (!f || !t) return std::nullopt;
  const auto r = routes.find(*f, *t);
  if (!r) return std::nullopt;
  return name(r->next_hop);
}

std::variant<TopologyPlan, TopologyErrors> plan_topology(const TopologySpec& spec) {
  TopologyPlan plan;
  plan.spec = spec;
  TopologyErrors errors;
  check_nodes(spec, plan, errors);
  assign_addresses(spec, plan, errors);
  assign_addresses6(spec, plan, errors);
  check_links(spec, plan, errors);
  if (!errors.empty()) return errors;
  const Graph g = make_graph(plan);
  check_connected(g, plan, errors);
  if (!errors.empty()) return errors;
  compute_routes(g, plan);
  return plan;
}

}  // namespace siplab::topo
