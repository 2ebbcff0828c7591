// Network addresses and transports as the sans-IO cores exchange them with
// their driver (no sockets, no ns-3 types).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siplab {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4

  static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    IpAddress ip;
    ip.bytes = {a, b, c, d};
    return ip;
  }
  // Dotted quad or RFC 4291 text (no brackets); nullopt when not an address.
  static std::optional<IpAddress> parse(std::string_view text);
  // Dotted quad, or RFC 5952 canonical IPv6 text (no brackets).
  std::string to_string() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

struct Endpoint {
  IpAddress address;
  uint16_t port = 0;

  // "192.0.2.1:5060" or "[2001:db8::1]:5060".
  std::string to_string() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

enum class Transport : uint8_t { Udp, Tcp, Tls, Sctp };

// "UDP", "TCP", "TLS", "SCTP" (the Via transport tokens, RFC 3261 §20.42).
std::string_view transport_name(Transport t);
// Case-insensitive inverse of transport_name.
std::optional<Transport> parse_transport(std::string_view token);
// TCP, TLS and SCTP are reliable: no retransmission timers (RFC 3261 §17).
inline bool is_reliable(Transport t) { return t != Transport::Udp; }

}  // namespace siplab
