// The authoritative server core (RFC 1034 §4.3.2), sans-IO: bytes or a
// decoded Message in, the response out.  No clock, no sockets.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/dns/message.h"
#include "models/dns/zone.h"

namespace siplab::dns {

class Authority {
 public:
  // Adds a parsed zone (see parse_zone: it has its SOA at the apex).  A zone
  // whose apex equals an existing one replaces it.
  void add_zone(Zone zone);

  // The response to `query`:
  // - REFUSED (AA clear) when the name is in none of the zones or the class
  //   is not IN;
  // - FORMERR for a response, a query without exactly one question, or one
  //   carrying answer/authority records; NOTIMP for opcodes other than QUERY
  //   and for zone transfers (AXFR/IXFR/MAILA/MAILB);
  // - otherwise AA set: the records of that type at the name, following a
  //   CNAME chain inside the zone; a name with no node of its own takes the
  //   records of the wildcard "*.<closest encloser>" if there is one, with
  //   the name as their owner (RFC 1034 §4.3.3, RFC 4592); a name at or
  //   below a delegation (NS records below the apex) gets a referral:
  //   AA clear, no answer, the NS set in the authority section and their
  //   addresses as glue (RFC 1034 §4.3.2 step 3b); NXDOMAIN or NODATA with the SOA in the
  //   authority section (TTL = min(SOA TTL, MINIMUM), RFC 2308 §3);
  // - additional section (RFC 1034 §3.7 and §4.3.2 step 6): A/AAAA of NS
  //   hosts and SRV targets (RFC 2782), and for NAPTR "S" records the SRV
  //   set at the replacement plus its targets' A/AAAA, for "A" records the
  //   replacement's A/AAAA (RFC 3403 §4.2) — taken from any loaded zone.
  Message answer(const Message& query) const;

  // Decode → answer → encode.  A response over `max_size` octets is cut and
  // flagged TC (see encode).  An undecodable query whose 12-octet header is
  // readable gets FORMERR echoing its ID, opcode and RD; fewer than 12
  // octets, or a packet with QR set (a response: never answer those, to
  // avoid loops), gets no response (empty vector).
  std::vector<uint8_t> handle_query(std::span<const uint8_t> bytes, size_t max_size = kUdpPayloadLimit) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const;
  };
  struct NameEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return names_equal(a, b); }
  };
  // Every name that exists in a zone, including empty non-terminals
  // (RFC 8020): the indexes of the records it owns, possibly none.
  using NodeMap = std::unordered_map<std::string, std::vector<uint32_t>, NameHash, NameEqual>;

  struct IndexedZone {
    Zone zone;
    NodeMap nodes;
    const ResourceRecord* soa = nullptr;
  };

  const IndexedZone* find_zone(std::string_view name) const;
  static const std::vector<uint32_t>* find_node(const IndexedZone& zone, std::string_view name);
  // The node that answers for `name`: its own, else the wildcard at its
  // closest encloser (RFC 4592 §3.3.1); null node for NXDOMAIN.
  struct Match {
    const std::vector<uint32_t>* node = nullptr;
    bool wildcard = false;  // the records' owner becomes the name asked for
  };
  static Match match(const IndexedZone& zone, std::string_view name);
  // The node of the delegation (NS records below the apex, RFC 1034 §4.2.1)
  // at or above `name`, the one nearest the apex; null when none.
  static const std::vector<uint32_t>* find_cut(const IndexedZone& zone, std::string_view name);

  std::vector<IndexedZone> zones_;
};

}  // namespace siplab::dns
