// Helpers for the canonical presentation form of records (RFC 1035 §5.1)
// beyond the contract in records.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "models/dns/records.h"

namespace siplab::dns {

// Inverse of type_name for the modelled types (case-insensitive); nullopt for
// anything else, including the generic "TYPE<n>" form.
std::optional<RrType> type_from_name(std::string_view mnemonic);

// A <character-string> as a quoted string: '"' and '\' escaped with '\',
// non-printable octets as \DDD.
void append_quoted(std::string& out, std::string_view raw);

// RFC 5952 canonical IPv6 text: lower-case hex, leading zeros dropped, the
// longest run (first on ties) of two or more zero groups as "::", the last
// 32 bits of an IPv4-mapped address dotted (§5).  Same text as
// IpAddress::to_string.
std::string ipv6_to_string(const std::array<uint8_t, 16>& address);

// The rdata of a record in presentation form (what follows the type).
std::string rdata_presentation(const RData& data);

}  // namespace siplab::dns
