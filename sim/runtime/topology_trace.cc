#include "sim/runtime/topology_trace.h"

#include <string>

#include "ns3/ipv4-header.h"
#include "ns3/ipv6-header.h"
#include "ns3/simulator.h"
#include "ns3/tcp-header.h"
#include "ns3/udp-header.h"

#include "sim/runtime/ns3_address.h"

namespace siplab::runtime {

namespace {

constexpr uint8_t kUdp = 17;
constexpr uint8_t kTcp = 6;

// What a dropped IP datagram carried: transport, endpoints and payload.
struct Decoded {
  Transport transport = Transport::Udp;
  Endpoint src;
  Endpoint dst;
  std::string payload;
};

std::optional<Decoded> decode_ip(ns3::Ptr<const ns3::Packet> ip_packet) {
  ns3::Ptr<ns3::Packet> p = ip_packet->Copy();
  Decoded d;
  uint8_t protocol = 0;
  uint8_t version = 0;
  p->CopyData(&version, 1);
  if ((version >> 4) == 4) {
    ns3::Ipv4Header ip;
    p->RemoveHeader(ip);
    protocol = ip.GetProtocol();
    d.src.address = from_ns3(ip.GetSource());
    d.dst.address = from_ns3(ip.GetDestination());
  } else if ((version >> 4) == 6) {
    ns3::Ipv6Header ip;
    p->RemoveHeader(ip);
    protocol = ip.GetNextHeader();
    d.src.address = from_ns3(ip.GetSource());
    d.dst.address = from_ns3(ip.GetDestination());
  } else {
    return std::nullopt;
  }
  if (protocol == kUdp) {
    ns3::UdpHeader udp;
    p->RemoveHeader(udp);
    d.src.port = udp.GetSourcePort();
    d.dst.port = udp.GetDestinationPort();
  } else if (protocol == kTcp) {
    ns3::TcpHeader tcp;
    p->RemoveHeader(tcp);
    d.transport = Transport::Tcp;
    d.src.port = tcp.GetSourcePort();
    d.dst.port = tcp.GetDestinationPort();
  } else {
    return std::nullopt;
  }
  d.payload.resize(p->GetSize());
  p->CopyData(reinterpret_cast<uint8_t*>(d.payload.data()), p->GetSize());
  return d;
}

}  // namespace

std::string link_name(const topo::Topology& topology, size_t link) {
  const auto& plan = topology.plan();
  return plan.name(plan.links[link].a) + "--" + plan.name(plan.links[link].b);
}

void trace_link_drops(topo::Topology& topology, trace::Collector& collector) {
  topology.on_drop([&topology, &collector](const topo::LinkDirection& where, ns3::Ptr<const ns3::Packet> ip,
                                           topo::DropCause cause) {
    auto decoded = decode_ip(ip);
    if (!decoded) return;
    const auto& plan = topology.plan();
    // Loss models sit on the receiving device; a full queue refuses at the
    // sender's (link_counters.h).
    const size_t at = cause == topo::DropCause::Queue ? where.from : where.to;
    const std::string link = link_name(topology, where.link);
    trace::LinkDrop drop;
    drop.t = Instant{ns3::Simulator::Now().GetNanoSeconds()};
    drop.node = plan.name(at);
    drop.link = link;
    drop.cause = topo::trace_drop_cause(cause);
    drop.transport = decoded->transport;
    drop.src = decoded->src;
    drop.dst = decoded->dst;
    drop.payload = decoded->payload;
    collector.link_drop(drop);
  });
}

void write_link_stats(const topo::Topology& topology, trace::Collector& collector, Instant end) {
  const auto& plan = topology.plan();
  for (size_t link = 0; link < plan.links.size(); ++link) {
    for (auto dir : {topo::Direction::AtoB, topo::Direction::BtoA}) {
      const topo::LinkCounters& c = topology.counters(link, dir);
      const bool forward = dir == topo::Direction::AtoB;
      trace::LinkStats s;
      s.link = link_name(topology, link);
      s.from = plan.name(forward ? plan.links[link].a : plan.links[link].b);
      s.to = plan.name(forward ? plan.links[link].b : plan.links[link].a);
      s.sent = c.packets_sent;
      s.lost = c.lost_link + c.lost_outage;
      s.queue_drops = c.dropped_queue;
      s.bytes = c.bytes_sent;
      collector.link_stats(end, s);
    }
  }
}

}  // namespace siplab::runtime
