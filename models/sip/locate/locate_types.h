// Inputs and outputs of the RFC 3263 locator, kept free of the SIP message
// library so the core links only against DNS records and the common types.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "models/common/address.h"

namespace siplab::sip::locate {

// The parts of a SIP/SIPS URI that RFC 3263 §4 looks at.
struct LocateRequest {
  bool secure = false;                    // sips: scheme
  std::string host;                       // domain name or IP (IPv6 without brackets)
  std::optional<uint16_t> port;           // explicit port in the URI
  std::optional<std::string> transport;   // transport= parameter, as written
  std::optional<std::string> maddr;       // maddr= parameter (TARGET when present)
};

// A small set of transports, the ones the client supports.
class TransportSet {
 public:
  TransportSet() = default;
  TransportSet(std::initializer_list<Transport> transports) {
    for (Transport t : transports) add(t);
  }
  void add(Transport t) { bits_ |= bit(t); }
  bool contains(Transport t) const { return (bits_ & bit(t)) != 0; }
  bool empty() const { return bits_ == 0; }
  friend bool operator==(const TransportSet&, const TransportSet&) = default;

 private:
  static uint8_t bit(Transport t) { return static_cast<uint8_t>(1u << static_cast<unsigned>(t)); }
  uint8_t bits_ = 0;
};

// One place to send a request: RFC 3263's (transport, address, port), plus
// the host name it came from (for TLS name checks and for people reading).
struct Target {
  Transport transport = Transport::Udp;
  std::string host;  // no trailing dot; the IP text when the URI held an IP
  uint16_t port = 0;
  IpAddress address;

  friend bool operator==(const Target&, const Target&) = default;
};

// RFC 3261 §19.1.2: 5061 for TLS, 5060 otherwise.
inline uint16_t default_port(Transport t) { return t == Transport::Tls ? 5061 : 5060; }

// "udp 192.0.2.10 5060 192.0.2.10" style line, see format_target().
std::string format_target(const Target& target);

}  // namespace siplab::sip::locate
