// A UDP socket on a simulated node for the topology tests: bound to an
// explicit address and port, sends payloads at scheduled times, records what
// arrives (time, source, payload), and optionally echoes it back.
#pragma once

#include <string>
#include <vector>

#include "models/common/address.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"

namespace siplab::topo::testing {

inline ns3::Ipv4Address ns3_v4(const IpAddress& a) {
  return ns3::Ipv4Address((uint32_t{a.bytes[0]} << 24) | (uint32_t{a.bytes[1]} << 16) |
                          (uint32_t{a.bytes[2]} << 8) | uint32_t{a.bytes[3]});
}

inline IpAddress from_ns3(ns3::Ipv4Address a) {
  const uint32_t v = a.Get();
  return IpAddress::v4(static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                       static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v));
}

inline IpAddress from_ns3(ns3::Ipv6Address a) {
  IpAddress ip;
  ip.v6 = true;
  a.GetBytes(ip.bytes.data());
  return ip;
}

// An IPv4 or IPv6 socket address for ns-3.
inline ns3::Address socket_address(const IpAddress& ip, uint16_t port) {
  if (ip.v6) {
    IpAddress copy = ip;
    return ns3::Inet6SocketAddress(ns3::Ipv6Address(copy.bytes.data()), port);
  }
  return ns3::InetSocketAddress(ns3_v4(ip), port);
}

inline Endpoint endpoint_of(const ns3::Address& address) {
  if (ns3::InetSocketAddress::IsMatchingType(address)) {
    const auto inet = ns3::InetSocketAddress::ConvertFrom(address);
    return {from_ns3(inet.GetIpv4()), inet.GetPort()};
  }
  const auto inet6 = ns3::Inet6SocketAddress::ConvertFrom(address);
  return {from_ns3(inet6.GetIpv6()), inet6.GetPort()};
}

class UdpProbe {
 public:
  struct Arrival {
    ns3::Time at;
    Endpoint from;
    std::string payload;
  };

  UdpProbe(ns3::Ptr<ns3::Node> node, const IpAddress& bind, uint16_t port, bool echo = false)
      : echo_(echo) {
    socket_ = ns3::Socket::CreateSocket(node, ns3::UdpSocketFactory::GetTypeId());
    socket_->Bind(socket_address(bind, port));
    socket_->SetRecvCallback(ns3::MakeCallback(&UdpProbe::on_readable, this));
  }
  ~UdpProbe() {
    if (socket_) socket_->Close();
  }
  UdpProbe(const UdpProbe&) = delete;
  UdpProbe& operator=(const UdpProbe&) = delete;

  // Sockets may only be used once the simulation runs: schedule the send.
  void send_at(ns3::Time at, const IpAddress& to, uint16_t port, std::string payload) {
    ns3::Simulator::Schedule(at - ns3::Simulator::Now(), [this, to, port, payload] {
      auto packet = ns3::Create<ns3::Packet>(reinterpret_cast<const uint8_t*>(payload.data()),
                                             static_cast<uint32_t>(payload.size()));
      socket_->SendTo(packet, 0, socket_address(to, port));
    });
  }

  const std::vector<Arrival>& arrivals() const { return arrivals_; }

 private:
  void on_readable(ns3::Ptr<ns3::Socket> socket) {
    ns3::Address from;
    while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from)) {
      std::string payload(packet->GetSize(), '\0');
      packet->CopyData(reinterpret_cast<uint8_t*>(payload.data()), packet->GetSize());
      arrivals_.push_back({ns3::Simulator::Now(), endpoint_of(from), payload});
      if (echo_) socket->SendTo(packet, 0, from);
    }
  }

  ns3::Ptr<ns3::Socket> socket_;
  bool echo_;
  std::vector<Arrival> arrivals_;
};

}  // namespace siplab::topo::testing
