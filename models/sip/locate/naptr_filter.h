// RFC 3263 §4.1 NAPTR processing: which NAPTR records a client keeps and in
// what order it follows them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/dns/records.h"
#include "models/sip/locate/locate_types.h"

namespace siplab::sip::locate {

// A kept NAPTR record: the transport its service field names and the SRV
// owner name in its replacement field.
struct NaptrRoute {
  Transport transport = Transport::Udp;
  std::string srv_name;  // absolute, as in the record
  uint16_t order = 0;
  uint16_t preference = 0;

  friend bool operator==(const NaptrRoute&, const NaptrRoute&) = default;
};

// Transport a "SIP+D2U" / "SIPS+D2T" ... service field names, case-
// insensitively: SIP+D2U → UDP, SIP+D2T → TCP, SIP+D2S → SCTP, SIPS+D2T →
// TLS.  nullopt for anything else (SIPS+D2U cannot exist, §4.1; SIPS over
// SCTP is not modelled).  `sips` reports whether the protocol was SIPS.
std::optional<Transport> naptr_service_transport(std::string_view services, bool* sips = nullptr);

// Keeps the records §4.1 lets the client use and sorts them by order, then
// preference (RFC 3403 §4.1; equal pairs keep DNS order):
//  - only terminal "S" records with an empty regexp and a replacement other
//    than "." (RFC 3263 §4.1: they point at SRV records);
//  - for a SIPS URI, only SIPS services;
//  - only D2X services whose transport the client supports (SIPS+D2T needs
//    TLS, which a SIP URI may use too when the client supports it).
std::vector<NaptrRoute> usable_naptr(std::span<const dns::ResourceRecord> records, bool sips_uri,
                                     const TransportSet& supported);

}  // namespace siplab::sip::locate
