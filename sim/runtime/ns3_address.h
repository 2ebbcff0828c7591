// Conversions between the cores' address types (models/common/address.h) and
// ns-3's.  The only place that knows both.
#pragma once

#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv6-address.h"

#include "models/common/address.h"

namespace siplab::runtime {

inline ns3::Ipv4Address to_ns3_v4(const IpAddress& ip) {
  return ns3::Ipv4Address((uint32_t(ip.bytes[0]) << 24) | (uint32_t(ip.bytes[1]) << 16) |
                          (uint32_t(ip.bytes[2]) << 8) | uint32_t(ip.bytes[3]));
}

inline ns3::Ipv6Address to_ns3_v6(const IpAddress& ip) {
  uint8_t raw[16];
  for (int i = 0; i < 16; ++i) raw[i] = ip.bytes[i];
  return ns3::Ipv6Address(raw);
}

inline IpAddress from_ns3(const ns3::Ipv4Address& a) {
  uint32_t v = a.Get();
  return IpAddress::v4(uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v));
}

inline IpAddress from_ns3(const ns3::Ipv6Address& a) {
  IpAddress ip;
  ip.v6 = true;
  uint8_t raw[16];
  a.GetBytes(raw);
  for (int i = 0; i < 16; ++i) ip.bytes[i] = raw[i];
  return ip;
}

// A socket address (as RecvFrom fills it) as an Endpoint.
inline Endpoint endpoint_from_ns3(const ns3::Address& address) {
  if (ns3::InetSocketAddress::IsMatchingType(address)) {
    auto inet = ns3::InetSocketAddress::ConvertFrom(address);
    return {from_ns3(inet.GetIpv4()), inet.GetPort()};
  }
  auto inet6 = ns3::Inet6SocketAddress::ConvertFrom(address);
  return {from_ns3(inet6.GetIpv6()), inet6.GetPort()};
}

inline ns3::Address to_ns3_socket_address(const Endpoint& endpoint) {
  if (endpoint.address.v6) return ns3::Inet6SocketAddress(to_ns3_v6(endpoint.address), endpoint.port);
  return ns3::InetSocketAddress(to_ns3_v4(endpoint.address), endpoint.port);
}

}  // namespace siplab::runtime
