#include "sim/topology/topology.h"

#include <system_error>

#include "models/common/random.h"
#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/drop-tail-queue.h"
#include "ns3/global-value.h"
#include "ns3/mac48-address.h"
#include "ns3/icmpv6-l4-protocol.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-interface-address.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-interface-address.h"
#include "ns3/ipv6-static-routing-helper.h"
#include "ns3/ipv6-static-routing.h"
#include "ns3/ipv6.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/ppp-header.h"
#include "ns3/queue-size.h"
#include "sim/topology/dot_writer.h"
#include "sim/topology/jitter_channel.h"
#include "sim/topology/loss_models.h"

namespace siplab::topo {
namespace {

ns3::Ipv4Address to_ns3(const IpAddress& a) {
  return ns3::Ipv4Address((uint32_t{a.bytes[0]} << 24) | (uint32_t{a.bytes[1]} << 16) |
                          (uint32_t{a.bytes[2]} << 8) | uint32_t{a.bytes[3]});
}

ns3::Ipv6Address to_ns3_v6(const IpAddress& a) {
  return ns3::Ipv6Address(const_cast<uint8_t*>(a.bytes.data()));
}

// Offsets from stream_base(seed): loss streams use [0, 2^19), jitter
// [2^19, 2^20), the internet stack from 2^20 on.
constexpr int64_t kJitterStreamOffset = int64_t{1} << 19;
constexpr int64_t kStackStreamOffset = int64_t{1} << 20;

// What PointToPointHelper::Install does, minus flow control (so a full
// device queue drops the packet itself, through MacTxDrop, which we count
// per direction, instead of stopping the traffic-control layer, whose
// node-wide drop trace names no link), and with a JitterChannel when the
// link has jitter.
std::pair<ns3::Ptr<ns3::PointToPointNetDevice>, ns3::Ptr<ns3::PointToPointNetDevice>>
install_link(ns3::Ptr<ns3::Node> a, ns3::Ptr<ns3::Node> b, const LinkSpec& spec,
             int64_t jitter_streams) {
  auto make_device = [&](ns3::Ptr<ns3::Node> node) {
    auto device = ns3::CreateObject<ns3::PointToPointNetDevice>();
    device->SetAddress(ns3::Mac48Address::Allocate());
    device->SetDataRate(ns3::DataRate(spec.rate_bps));
    auto queue = ns3::CreateObject<ns3::DropTailQueue<ns3::Packet>>();
    queue->SetMaxSize(ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, spec.queue_packets));
    device->SetQueue(queue);
    node->AddDevice(device);
    return device;
  };
  auto dev_a = make_device(a);
  auto dev_b = make_device(b);
  ns3::Ptr<ns3::PointToPointChannel> channel;
  if (spec.jitter > Duration::zero()) {
    auto jittery = ns3::CreateObject<JitterChannel>();
    jittery->Configure(ns3::NanoSeconds(spec.jitter.count()), jitter_streams, jitter_streams + 1);
    channel = jittery;
  } else {
    channel = ns3::CreateObject<ns3::PointToPointChannel>();
  }
  channel->SetAttribute("Delay", ns3::TimeValue(ns3::NanoSeconds(spec.delay.count())));
  dev_a->Attach(channel);  // dev_a is the channel's device 0
  dev_b->Attach(channel);
  return {dev_a, dev_b};
}

// PointToPointNetDevice frames carry a 2-byte PPP header before the IP packet.
constexpr uint32_t kPppHeaderBytes = 2;

uint64_t ip_bytes(const ns3::Ptr<const ns3::Packet>& frame) {
  const uint32_t size = frame->GetSize();
  return size > kPppHeaderBytes ? size - kPppHeaderBytes : 0;
}

std::string file_safe(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return out;
}

// Static routes on every node, for IPv4 or IPv6: `routing_of(from)` is the
// node's static routing, `hop(from, route)` the (gateway, interface) of a
// planned route and `address_of(to)` the destination.  A node with one link
// reaches everything through it: one default route instead of n-1 host
// routes (ns-3 scans static routes linearly).
template <typename RoutingOf, typename HopOf, typename AddressOf>
void install_static_routes(const TopologyPlan& plan, RoutingOf routing_of, HopOf hop, AddressOf address_of) {
  const size_t n = plan.node_count();
  for (size_t from = 0; from < n; ++from) {
    auto routing = routing_of(from);
    if (plan.links_of_node[from].size() == 1) {
      const size_t to = from == 0 ? 1 : 0;
      auto [gateway, index] = hop(from, *plan.routes.find(from, to));
      routing->SetDefaultRoute(gateway, index);
      continue;
    }
    for (size_t to = 0; to < n; ++to) {
      const auto r = plan.routes.find(from, to);
      if (!r) continue;
      auto [gateway, index] = hop(from, *r);
      routing->AddHostRouteTo(address_of(to), gateway, index);
    }
  }
}

}  // namespace

int64_t Topology::stream_base(uint64_t seed) {
  // Scatter seeds over [0, 2^62) so neighbouring seeds do not share streams
  // (ns-3 accepts explicit streams below 2^63; links add at most 2^19).
  return static_cast<int64_t>(SeededRandom(seed).next_u64() >> 2);
}

std::variant<std::unique_ptr<Topology>, TopologyErrors> Topology::build(const TopologySpec& spec,
                                                                        uint64_t seed) {
  auto planned = plan_topology(spec);
  if (auto* errors = std::get_if<TopologyErrors>(&planned)) return std::move(*errors);
  return build(std::move(std::get<TopologyPlan>(planned)), seed);
}

std::unique_ptr<Topology> Topology::build(TopologyPlan plan, uint64_t seed) {
  std::unique_ptr<Topology> topo(new Topology(std::move(plan)));
  topo->nodes_.Create(topo->plan_.node_count());
  // Static routing only: the routes are ours (shortest path by delay), not
  // ns-3's global routing's hop count.
  const bool ipv6 = topo->plan_.spec.ipv6;
  // Real checksums in every packet: the IPv4 header checksum and TCP's are
  // mandatory (RFC 791 §3.1, RFC 9293 §3.1), and so is UDP's over IPv6
  // (RFC 8200 §8.1); ns-3 leaves them zero unless asked, and the pcaps
  // then fail a decoder's checksum checks.  Bound for every build: the
  // value is process-wide.
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(topo->plan_.spec.checksums || ipv6));
  ns3::InternetStackHelper stack;
  ns3::Ipv4StaticRoutingHelper static_routing;
  ns3::Ipv6StaticRoutingHelper static_routing6;
  stack.SetRoutingHelper(static_routing);
  stack.SetRoutingHelper(static_routing6);
  stack.SetIpv6StackInstall(ipv6);
  stack.Install(topo->nodes_);
  // Whatever randomness the stack has (ICMPv6 timers) follows the seed too.
  stack.AssignStreams(topo->nodes_, stream_base(seed) + kStackStreamOffset);
  if (ipv6) {
    // Addresses are unique by construction: skip Duplicate Address Detection,
    // which would keep them tentative (unusable) for a while and put
    // Neighbor Solicitations into the pcaps.
    for (size_t i = 0; i < topo->plan_.node_count(); ++i)
      topo->nodes_.Get(i)->GetObject<ns3::Icmpv6L4Protocol>()->SetAttribute(
          "DAD", ns3::BooleanValue(false));
  }
  topo->create_links(seed);
  topo->assign_node_addresses();
  topo->install_routes();
  return topo;
}

void Topology::create_links(uint64_t seed) {
  const size_t links = plan_.links.size();
  devices_.resize(2 * links);
  if_index_.resize(2 * links);
  if6_index_.resize(plan_.spec.ipv6 ? 2 * links : 0);
  counters_.assign(2 * links, {});
  const int64_t base = stream_base(seed);
  for (size_t k = 0; k < links; ++k) {
    const LinkSpec& spec = plan_.spec.links[k];
    const PlannedLink& link = plan_.links[k];
    auto [dev_a, dev_b] = install_link(nodes_.Get(link.a), nodes_.Get(link.b), spec,
                                       base + kJitterStreamOffset + static_cast<int64_t>(2 * k));
    devices_[2 * k] = dev_a;
    devices_[2 * k + 1] = dev_b;
    // Loss a->b happens where b receives, and b->a where a receives.
    if (auto m = make_loss_model(spec.loss_a_to_b, base + static_cast<int64_t>(2 * k)))
      dev_b->SetReceiveErrorModel(m);
    if (auto m = make_loss_model(spec.loss_b_to_a, base + static_cast<int64_t>(2 * k + 1)))
      dev_a->SetReceiveErrorModel(m);

    // Addresses are added by hand, not with Ipv4AddressHelper, which would
    // also put a pfifo_fast queue disc in front of the device: the device's
    // DropTailQueue (queue_packets) is then the link's only queue.
    const std::pair<ns3::Ptr<ns3::PointToPointNetDevice>, IpAddress> ends[2] = {
        {dev_a, link.transfer_a}, {dev_b, link.transfer_b}};
    for (size_t end = 0; end < 2; ++end) {
      auto ipv4 = ends[end].first->GetNode()->GetObject<ns3::Ipv4>();
      const uint32_t index = static_cast<uint32_t>(ipv4->AddInterface(ends[end].first));
      ipv4->AddAddress(index, ns3::Ipv4InterfaceAddress(to_ns3(ends[end].second),
                                                        ns3::Ipv4Mask("255.255.255.252")));
      // Nodes with several links are routers: they must forward.
      ipv4->SetForwarding(index, true);
      if_index_[2 * k + end] = index;
    }
    if (plan_.spec.ipv6) {
      const IpAddress v6[2] = {link.transfer6_a, link.transfer6_b};
      for (size_t end = 0; end < 2; ++end) {
        auto ipv6 = ends[end].first->GetNode()->GetObject<ns3::Ipv6>();
        const uint32_t index = ipv6->AddInterface(ends[end].first);
        ipv6->AddAddress(index,
                         ns3::Ipv6InterfaceAddress(to_ns3_v6(v6[end]), ns3::Ipv6Prefix(126)));
        // Forwarding before SetUp: a forwarding interface sends no Router
        // Solicitations.
        ipv6->SetForwarding(index, true);
        if6_index_[2 * k + end] = index;
      }
    }
    hook_counters(k, Direction::AtoB);
    hook_counters(k, Direction::BtoA);
  }
}

void Topology::assign_node_addresses() {
  for (size_t i = 0; i < plan_.node_count(); ++i) {
    auto ipv4 = nodes_.Get(i)->GetObject<ns3::Ipv4>();
    const ns3::Ipv4InterfaceAddress own(to_ns3(plan_.addresses[i]),
                                        ns3::Ipv4Mask("255.255.255.255"));
    // The node address rides as an extra /32 on the first link's interface
    // (ns-3 accepts packets for any of a node's addresses on any interface);
    // a node without links (single-node topology) keeps it on loopback.
    uint32_t index = 0;
    if (!plan_.links_of_node[i].empty()) {
      const size_t k = plan_.links_of_node[i].front();
      index = if_index_[2 * k + (plan_.links[k].a == i ? 0 : 1)];
    }
    if (index != 0) {
      // The node address goes first on the interface.  ns-3 3.37 TCP takes
      // a connection's source from the route (TcpSocketBase::SetupEndpoint
      // ignores the socket's bound address), and the route's source is the
      // interface's first address for an off-link destination
      // (Ipv4L3Protocol::SourceAddressSelection): so connections leave from
      // the node address, as datagrams do, not from the link's.
      const ns3::Ipv4InterfaceAddress transfer = ipv4->GetAddress(index, 0);
      ipv4->RemoveAddress(index, 0);
      ipv4->AddAddress(index, own);
      ipv4->AddAddress(index, transfer);
    } else {
      ipv4->AddAddress(index, own);
    }
    // Bring interfaces up only now, so static routing learns every address.
    for (uint32_t j = 1; j < ipv4->GetNInterfaces(); ++j) ipv4->SetUp(j);
    if (!plan_.spec.ipv6) continue;
    auto ipv6 = nodes_.Get(i)->GetObject<ns3::Ipv6>();
    uint32_t index6 = 0;
    if (!plan_.links_of_node[i].empty()) {
      const size_t k = plan_.links_of_node[i].front();
      index6 = if6_index_[2 * k + (plan_.links[k].a == i ? 0 : 1)];
    }
    ipv6->AddAddress(index6, ns3::Ipv6InterfaceAddress(to_ns3_v6(plan_.addresses6[i]),
                                                       ns3::Ipv6Prefix(128)));
    for (uint32_t j = 1; j < ipv6->GetNInterfaces(); ++j) ipv6->SetUp(j);
  }
}

void Topology::install_routes() {
  install_routes_v4();
  if (plan_.spec.ipv6) install_routes_v6();
}

void Topology::install_routes_v4() {
  ns3::Ipv4StaticRoutingHelper helper;
  install_static_routes(
      plan_, [&](size_t from) { return helper.GetStaticRouting(nodes_.Get(from)->GetObject<ns3::Ipv4>()); },
      [&](size_t from, const Route& r) {
        const PlannedLink& link = plan_.links[r.link];
        const bool from_is_a = link.a == from;
        return std::pair{to_ns3(from_is_a ? link.transfer_b : link.transfer_a),
                         if_index_[2 * r.link + (from_is_a ? 0 : 1)]};
      },
      [&](size_t to) { return to_ns3(plan_.addresses[to]); });
}

// The same routes as install_routes_v4, over the IPv6 transfer addresses.
void Topology::install_routes_v6() {
  ns3::Ipv6StaticRoutingHelper helper;
  install_static_routes(
      plan_, [&](size_t from) { return helper.GetStaticRouting(nodes_.Get(from)->GetObject<ns3::Ipv6>()); },
      [&](size_t from, const Route& r) {
        const PlannedLink& link = plan_.links[r.link];
        const bool from_is_a = link.a == from;
        return std::pair{to_ns3_v6(from_is_a ? link.transfer6_b : link.transfer6_a),
                         if6_index_[2 * r.link + (from_is_a ? 0 : 1)]};
      },
      [&](size_t to) { return to_ns3_v6(plan_.addresses6[to]); });
}

void Topology::hook_counters(size_t k, Direction direction) {
  const bool a_to_b = direction == Direction::AtoB;
  auto sender = devices_[2 * k + (a_to_b ? 0 : 1)];
  auto receiver = devices_[2 * k + (a_to_b ? 1 : 0)];
  LinkCounters* c = &counters_[2 * k + static_cast<size_t>(direction)];
  const LossSpec& loss = a_to_b ? plan_.spec.links[k].loss_a_to_b : plan_.spec.links[k].loss_b_to_a;
  const DropCause loss_cause =
      loss.model == LossSpec::Model::Outage ? DropCause::Outage : DropCause::LinkLoss;

  sender->TraceConnectWithoutContext(
      "PhyTxBegin", ns3::Callback<void, ns3::Ptr<const ns3::Packet>>(
                        [c](ns3::Ptr<const ns3::Packet> frame) {
                          ++c->packets_sent;
                          c->bytes_sent += ip_bytes(frame);
                        }));
  sender->TraceConnectWithoutContext(
      "MacTxDrop", ns3::Callback<void, ns3::Ptr<const ns3::Packet>>(
                       [this, k, direction](ns3::Ptr<const ns3::Packet> frame) {
                         report_drop(k, direction, frame, DropCause::Queue);
                       }));
  receiver->TraceConnectWithoutContext(
      "PhyRxEnd", ns3::Callback<void, ns3::Ptr<const ns3::Packet>>(
                      [c](ns3::Ptr<const ns3::Packet> frame) {
                        ++c->packets_received;
                        c->bytes_received += ip_bytes(frame);
                      }));
  receiver->TraceConnectWithoutContext(
      "PhyRxDrop", ns3::Callback<void, ns3::Ptr<const ns3::Packet>>(
                       [this, k, direction, loss_cause](ns3::Ptr<const ns3::Packet> frame) {
                         report_drop(k, direction, frame, loss_cause);
                       }));
}

void Topology::report_drop(size_t k, Direction direction, ns3::Ptr<const ns3::Packet> frame,
                           DropCause cause) {
  LinkCounters& c = counters_[2 * k + static_cast<size_t>(direction)];
  switch (cause) {
    case DropCause::LinkLoss: ++c.lost_link; break;
    case DropCause::Outage: ++c.lost_outage; break;
    case DropCause::Queue: ++c.dropped_queue; break;
  }
  c.bytes_dropped += ip_bytes(frame);
  if (!on_drop_) return;
  // Only drops pay for the copy that strips the PPP header.
  ns3::Ptr<ns3::Packet> ip = frame->Copy();
  ns3::PppHeader ppp;
  ip->RemoveHeader(ppp);
  const PlannedLink& link = plan_.links[k];
  const bool a_to_b = direction == Direction::AtoB;
  on_drop_(LinkDirection{k, direction, a_to_b ? link.a : link.b, a_to_b ? link.b : link.a}, ip,
           cause);
}

ns3::Ptr<ns3::Node> Topology::node(std::string_view name) const {
  auto i = plan_.index_of(name);
  return i ? nodes_.Get(*i) : nullptr;
}

std::optional<IpAddress> Topology::address_of(std::string_view name) const {
  auto i = plan_.index_of(name);
  if (!i) return std::nullopt;
  return plan_.addresses[*i];
}

std::optional<IpAddress> Topology::address6_of(std::string_view name) const {
  auto i = plan_.index_of(name);
  if (!i || plan_.addresses6.empty()) return std::nullopt;
  return plan_.addresses6[*i];
}

std::optional<LinkDirection> Topology::direction(std::string_view from, std::string_view to) const {
  auto f = plan_.index_of(from);
  auto t = plan_.index_of(to);
  if (!f || !t) return std::nullopt;
  auto k = plan_.link_between(*f, *t);
  if (!k) return std::nullopt;
  const bool a_to_b = plan_.links[*k].a == *f;
  return LinkDirection{*k, a_to_b ? Direction::AtoB : Direction::BtoA, *f, *t};
}

const LinkCounters* Topology::counters(std::string_view from, std::string_view to) const {
  auto d = direction(from, to);
  return d ? &counters(d->link, d->direction) : nullptr;
}

std::optional<std::string> Topology::write_dot(const std::filesystem::path& path) const {
  return topo::write_dot(plan_, path);
}

std::string Topology::pcap_file_name(size_t k, bool end_b) const {
  const PlannedLink& link = plan_.links[k];
  const size_t self = end_b ? link.b : link.a;
  const size_t peer = end_b ? link.a : link.b;
  return file_safe(plan_.name(self)) + "-" + file_safe(plan_.name(peer)) + ".pcap";
}

std::optional<std::string> Topology::enable_pcap(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create " + dir.string() + ": " + ec.message();
  ns3::PointToPointHelper p2p;
  for (size_t k = 0; k < plan_.links.size(); ++k)
    for (bool end_b : {false, true})
      p2p.EnablePcap((dir / pcap_file_name(k, end_b)).string(), device(k, end_b),
                     /*promiscuous=*/false, /*explicitFilename=*/true);
  return std::nullopt;
}

}  // namespace siplab::topo
