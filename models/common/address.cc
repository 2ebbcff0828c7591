#include "models/common/address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace siplab {

namespace {

// inet_pton(AF_INET)'s grammar, by hand (every Via and target address
// passes here): four decimal octets <= 255 separated by dots, no leading
// zeros ("0" alone is fine).
std::optional<std::array<uint8_t, 4>> parse_ipv4(std::string_view text) {
  std::array<uint8_t, 4> out{};
  std::size_t octet = 0;
  unsigned value = 0;
  int digits = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      if (digits == 1 && value == 0) return std::nullopt;  // leading zero
      value = value * 10 + static_cast<unsigned>(c - '0');
      if (value > 255) return std::nullopt;
      ++digits;
    } else if (c == '.' && digits > 0 && octet < 3) {
      out[octet++] = static_cast<uint8_t>(value);
      value = 0;
      digits = 0;
    } else {
      return std::nullopt;
    }
  }
  if (octet != 3 || digits == 0) return std::nullopt;
  out[3] = static_cast<uint8_t>(value);
  return out;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // Every IPv6 text has a colon; without one only IPv4 can match.
  if (text.find(':') == std::string_view::npos) {
    const auto v4 = parse_ipv4(text);
    if (!v4) return std::nullopt;
    IpAddress ip;
    std::copy(v4->begin(), v4->end(), ip.bytes.begin());
    return ip;
  }
  // inet_pton needs a NUL-terminated string; addresses are short.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  if (!v6) {
    // Dotted decimal by hand: glibc's inet_ntop for IPv4 goes through
    // sprintf, and every received request stamps its source (RFC 3581).
    char buf[16];
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      unsigned b = bytes[static_cast<std::size_t>(i)];
      if (b >= 100) *p++ = static_cast<char>('0' + b / 100);
      if (b >= 10) *p++ = static_cast<char>('0' + b / 10 % 10);
      *p++ = static_cast<char>('0' + b % 10);
      if (i < 3) *p++ = '.';
    }
    return std::string(buf, p);
  }
  char buf[INET6_ADDRSTRLEN];
  // glibc's inet_ntop follows RFC 5952 (lower case, longest zero run compressed).
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

std::string Endpoint::to_string() const {
  std::string host = address.to_string();
  if (address.v6) host = "[" + host + "]";
  return host + ":" + std::to_string(port);
}

std::string_view transport_name(Transport t) {
  switch (t) {
    case Transport::Udp: return "UDP";
    case Transport::Tcp: return "TCP";
    case Transport::Tls: return "TLS";
    case Transport::Sctp: return "SCTP";
  }
  return "UDP";
}

std::optional<Transport> parse_transport(std::string_view token) {
  std::string upper(token);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "UDP") return Transport::Udp;
  if (upper == "TCP") return Transport::Tcp;
  if (upper == "TLS") return Transport::Tls;
  if (upper == "SCTP") return Transport::Sctp;
  return std::nullopt;
}

}  // namespace siplab
