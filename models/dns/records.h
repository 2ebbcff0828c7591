// DNS resource records as siplab's DNS cores (zone files, wire codec,
// authoritative server, stub resolver) and the RFC 3263 locator share them.
// Plain C++: no ns-3 (see DESIGN.md, sans-IO contract).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace siplab::dns {

// RR TYPE values (RFC 1035 §3.2.2, RFC 3596 §2.1, RFC 2782, RFC 3403 §4).
enum class RrType : uint16_t {
  A = 1,
  NS = 2,
  CNAME = 5,
  SOA = 6,
  TXT = 16,
  AAAA = 28,
  SRV = 33,
  NAPTR = 35,
  ANY = 255,
};

// Only class IN is modelled (RFC 1035 §3.2.4).
inline constexpr uint16_t kClassIn = 1;

// Names are absolute, in presentation form with the trailing dot
// ("_sip._udp.domain.ru."), spelled as written; compare with names_equal
// (case-insensitive, RFC 4343).
struct AData {
  std::array<uint8_t, 4> address{};
  friend bool operator==(const AData&, const AData&) = default;
};
struct AaaaData {
  std::array<uint8_t, 16> address{};
  friend bool operator==(const AaaaData&, const AaaaData&) = default;
};
struct NsData {
  std::string host;
  friend bool operator==(const NsData&, const NsData&) = default;
};
struct CnameData {
  std::string target;
  friend bool operator==(const CnameData&, const CnameData&) = default;
};
struct SoaData {
  std::string mname;
  std::string rname;
  uint32_t serial = 0;
  uint32_t refresh = 0;
  uint32_t retry = 0;
  uint32_t expire = 0;
  uint32_t minimum = 0;  // negative-caching TTL (RFC 2308 §4)
  friend bool operator==(const SoaData&, const SoaData&) = default;
};
struct TxtData {
  std::vector<std::string> strings;  // each at most 255 octets
  friend bool operator==(const TxtData&, const TxtData&) = default;
};
struct SrvData {  // RFC 2782
  uint16_t priority = 0;
  uint16_t weight = 0;
  uint16_t port = 0;
  std::string target;  // "." means "service not available here"
  friend bool operator==(const SrvData&, const SrvData&) = default;
};
struct NaptrData {  // RFC 3403 §4.1
  uint16_t order = 0;
  uint16_t preference = 0;
  std::string flags;
  std::string services;
  std::string regexp;
  std::string replacement;  // a domain name, "." when unused
  friend bool operator==(const NaptrData&, const NaptrData&) = default;
};

using RData = std::variant<AData, AaaaData, NsData, CnameData, SoaData, TxtData, SrvData, NaptrData>;

struct ResourceRecord {
  std::string name;
  RrType type = RrType::A;
  uint32_t ttl = 0;
  RData data;

  friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

// Case-insensitive comparison of two absolute names (RFC 4343).
inline bool names_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Mnemonic of a type ("NAPTR"); "TYPE<n>" for values not modelled.
std::string type_name(RrType type);

// One record in canonical presentation form (RFC 1035 §5.1), e.g.
// "_sip._udp.domain.ru. 3600 IN SRV 10 60 5060 proxy1.domain.ru."
std::string to_presentation(const ResourceRecord& rr);

}  // namespace siplab::dns
