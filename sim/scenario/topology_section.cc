// nodes:, links: and their loss models → topo::TopologySpec.
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sim/scenario/sections.h"

namespace siplab::scenario {
namespace {

// Names become ns-3 node names, pcap file names and trace fields: keep them
// to letters, digits, '-', '_' and '.', starting with a letter or digit.
bool valid_node_name(std::string_view name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name.front()))) return false;
  for (char ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') return false;
  return true;
}

void read_address(LoadContext& c, const YAML::Node& v, bool want_v6, std::optional<IpAddress>& out,
                  std::map<IpAddress, std::string>& used, const std::string& node_name) {
  auto text = c.reader.text(v, want_v6 ? "address6 of node" : "address of node");
  if (!text) return;
  auto ip = IpAddress::parse(*text);
  if (!ip || ip->v6 != want_v6) {
    c.reader.error(v, fmt::format("{} of node '{}': expected an {} address; got '{}'", want_v6 ? "address6" : "address",
                                  node_name, want_v6 ? "IPv6" : "IPv4 (dotted quad)", *text));
    return;
  }
  auto [it, inserted] = used.emplace(*ip, node_name);
  if (!inserted) {
    c.reader.error(v, fmt::format("address {} of node '{}' is already the address of node '{}'", *text, node_name,
                                  it->second));
    return;
  }
  out = *ip;
}

void read_nodes(LoadContext& c, const YAML::Node& nodes) {
  YamlReader& r = c.reader;
  if (!r.expect_list(nodes, "nodes (a list of node names or {name, address, address6})")) return;
  if (nodes.size() == 0) r.error(nodes, "nodes: expected at least one node");
  std::map<IpAddress, std::string> used_addresses;
  for (const auto& n : nodes) {
    topo::NodeSpec spec;
    spec.source_line = r.line_of(n);
    YAML::Node name_node = n;
    if (n.IsMap()) {
      r.check_keys(n, "node", {"name", "address", "address6"});
      if (!r.require(n, "name", "node", "the node's name")) continue;
      name_node.reset(n["name"]);
    } else if (!n.IsScalar()) {
      r.error(n, fmt::format("expected a node name or {{name, address, address6}}; got {}", describe_node(n)));
      continue;
    }
    auto name = r.text(name_node, "node name");
    if (!name) continue;
    if (!valid_node_name(*name)) {
      r.error(name_node, fmt::format("node name '{}': expected letters, digits, '-', '_' or '.', starting with a "
                                     "letter or digit",
                                     *name));
      continue;
    }
    if (const auto* prev = c.spec.find_node(*name)) {
      r.error(name_node, fmt::format("node '{}' is declared twice (first on line {})", *name, prev->source_line));
      continue;
    }
    spec.name = *name;
    // A map made by --set from a plain name has no position; use the name's.
    if (spec.source_line == 0) spec.source_line = r.line_of(name_node);
    if (n.IsMap()) {
      if (n["address"]) read_address(c, n["address"], false, spec.address, used_addresses, *name);
      if (n["address6"]) read_address(c, n["address6"], true, spec.address6, used_addresses, *name);
    }
    c.spec.topology.nodes.push_back(std::move(spec));
  }
}

std::optional<topo::LossSpec> read_loss(LoadContext& c, const YAML::Node& v, std::string_view what) {
  YamlReader& r = c.reader;
  topo::LossSpec loss;
  if (v.IsScalar()) {  // shorthand: a probability means random loss
    auto p = r.probability(v, what);
    if (!p) return std::nullopt;
    loss.model = *p > 0 ? topo::LossSpec::Model::Random : topo::LossSpec::Model::None;
    loss.rate = *p;
    return loss;
  }
  if (!r.expect_map(v, fmt::format("{} (a probability or {{model: none|random|gilbert-elliott|outage, ...}})", what)))
    return std::nullopt;
  if (!r.require(v, "model", what, "none, random, gilbert-elliott or outage")) return std::nullopt;
  auto model = r.choice(v["model"], fmt::format("model of {}", what), {"none", "random", "gilbert-elliott", "outage"});
  if (!model) return std::nullopt;
  const size_t errors_before = r.error_count();
  if (*model == "none") {
    r.check_keys(v, fmt::format("{} (model none)", what), {"model"});
  } else if (*model == "random") {
    r.check_keys(v, fmt::format("{} (model random)", what), {"model", "rate"});
    loss.model = topo::LossSpec::Model::Random;
    if (r.require(v, "rate", what, "the loss probability, e.g. 0.1"))
      if (auto p = r.probability(v["rate"], fmt::format("rate of {}", what))) loss.rate = *p;
  } else if (*model == "gilbert-elliott") {
    r.check_keys(v, fmt::format("{} (model gilbert-elliott)", what), {"model", "p", "r", "loss_good", "loss_bad"});
    loss.model = topo::LossSpec::Model::GilbertElliott;
    if (r.require(v, "p", what, "P(good→bad) per packet"))
      if (auto p = r.probability(v["p"], fmt::format("p of {}", what))) loss.p = *p;
    if (r.require(v, "r", what, "P(bad→good) per packet"))
      if (auto p = r.probability(v["r"], fmt::format("r of {}", what))) loss.r = *p;
    if (v["loss_good"])
      if (auto p = r.probability(v["loss_good"], fmt::format("loss_good of {}", what))) loss.loss_good = *p;
    if (v["loss_bad"])
      if (auto p = r.probability(v["loss_bad"], fmt::format("loss_bad of {}", what))) loss.loss_bad = *p;
  } else {
    r.check_keys(v, fmt::format("{} (model outage)", what), {"model", "from", "to"});
    loss.model = topo::LossSpec::Model::Outage;
    std::optional<Duration> from, to;
    if (r.require(v, "from", what, "when the outage starts, e.g. 0s")) from = r.duration(v["from"], "from of outage");
    if (r.require(v, "to", what, "when the outage ends, e.g. 10s")) to = r.duration(v["to"], "to of outage");
    if (from && to && *to <= *from)
      r.error(v["to"], fmt::format("outage: 'to' ({}) must be later than 'from' ({})", format_duration(*to),
                                   format_duration(*from)));
    if (from) loss.from = *from;
    if (to) loss.to = *to;
  }
  if (r.error_count() != errors_before) return std::nullopt;
  return loss;
}

void read_links(LoadContext& c, const YAML::Node& links) {
  YamlReader& r = c.reader;
  if (!r.expect_list(links, "links (a list of {a, b, delay, rate, queue, loss})")) return;
  std::map<std::pair<std::string, std::string>, int> pairs;
  for (const auto& l : links) {
    if (!r.expect_map(l, "a link {a, b, delay, rate, queue, loss}")) continue;
    r.check_keys(l, "link", {"a", "b", "delay", "jitter", "rate", "queue", "loss", "loss_a_to_b", "loss_b_to_a"});
    topo::LinkSpec link;
    link.source_line = r.line_of(l);
    std::optional<std::string> a, b;
    if (r.require(l, "a", "link", "the node at one end")) a = c.node_ref(l["a"], "a of link");
    if (r.require(l, "b", "link", "the node at the other end")) b = c.node_ref(l["b"], "b of link");
    if (a && b) {
      if (*a == *b) r.error(l["b"], fmt::format("link from '{}' to itself: expected two different nodes", *a));
      auto key = std::minmax(*a, *b);
      auto [it, inserted] = pairs.emplace(std::pair(key.first, key.second), link.source_line);
      if (!inserted)
        r.error(l, fmt::format("second link between '{}' and '{}' (first on line {}); one link per pair of nodes",
                               *a, *b, it->second));
      link.a = *a;
      link.b = *b;
    }
    if (l["delay"])
      if (auto d = r.duration(l["delay"], "delay of link")) link.delay = *d;
    if (l["jitter"])
      if (auto j = r.duration(l["jitter"], "jitter of link")) link.jitter = *j;
    if (l["rate"])
      if (auto rate = r.rate(l["rate"], "rate of link")) link.rate_bps = *rate;
    if (l["queue"])
      if (auto q = r.integer(l["queue"], "queue of link (packets)", 1, 1'000'000)) link.queue_packets = *q;
    if (l["loss"]) {
      if (l["loss_a_to_b"] || l["loss_b_to_a"])
        r.error(r.key_node(l, "loss"), "link: 'loss' (both directions) cannot be combined with loss_a_to_b or "
                                       "loss_b_to_a");
      if (auto loss = read_loss(c, l["loss"], "loss of link")) link.loss_a_to_b = link.loss_b_to_a = *loss;
    }
    if (l["loss_a_to_b"])
      if (auto loss = read_loss(c, l["loss_a_to_b"], "loss_a_to_b of link")) link.loss_a_to_b = *loss;
    if (l["loss_b_to_a"])
      if (auto loss = read_loss(c, l["loss_b_to_a"], "loss_b_to_a of link")) link.loss_b_to_a = *loss;
    c.spec.topology.links.push_back(std::move(link));
  }
}

// Every node must reach every other one: static routes are built over the
// links, and an island would only show up as "no-route" drops mid-run.
void check_connected(LoadContext& c, const YAML::Node& nodes) {
  const auto& topo = c.spec.topology;
  if (topo.nodes.size() < 2) return;
  std::map<std::string, std::vector<std::string>> adjacent;
  for (const auto& l : topo.links) {
    adjacent[l.a].push_back(l.b);
    adjacent[l.b].push_back(l.a);
  }
  std::set<std::string> reached{topo.nodes.front().name};
  std::vector<std::string> todo{topo.nodes.front().name};
  while (!todo.empty()) {
    const std::string n = todo.back();
    todo.pop_back();
    for (const auto& m : adjacent[n])
      if (reached.insert(m).second) todo.push_back(m);
  }
  for (size_t i = 0; i < topo.nodes.size(); ++i)
    if (!reached.count(topo.nodes[i].name))
      c.reader.error(nodes[i], fmt::format("node '{}' is not connected to node '{}' through links (every node must "
                                           "reach every other one)",
                                           topo.nodes[i].name, topo.nodes.front().name));
}

}  // namespace

void read_topology(LoadContext& c, const YAML::Node& root) {
  YamlReader& r = c.reader;
  c.nodes_unusable = !root["nodes"].IsDefined() || !root["nodes"].IsSequence();
  if (!r.require(root, "nodes", "scenario", "the list of node names")) return;
  read_nodes(c, root["nodes"]);
  const size_t errors_before = r.error_count();
  if (root["links"]) read_links(c, root["links"]);
  bool any_v6 = false;
  for (const auto& n : c.spec.topology.nodes) any_v6 = any_v6 || n.address6.has_value();
  c.spec.topology.ipv6 = any_v6;
  if (root["ipv6"]) {
    auto v6 = r.boolean(root["ipv6"], "ipv6");
    if (v6 && !*v6 && any_v6)
      r.error(root["ipv6"], "ipv6: false contradicts the address6 given to nodes; remove one of them");
    else if (v6)
      c.spec.topology.ipv6 = *v6;
  }
  if (r.error_count() == errors_before && c.spec.topology.nodes.size() == root["nodes"].size())
    check_connected(c, root["nodes"]);
}

}  // namespace siplab::scenario
