#include "models/sip/locate/naptr_filter.h"

#include <algorithm>

namespace siplab::sip::locate {
namespace {

bool iequal(std::string_view a, std::string_view b) { return dns::names_equal(a, b); }

}  // namespace

std::optional<Transport> naptr_service_transport(std::string_view services, bool* sips) {
  const size_t plus = services.find('+');
  if (plus == std::string_view::npos) return std::nullopt;
  const std::string_view protocol = services.substr(0, plus);
  const std::string_view resolution = services.substr(plus + 1);
  const bool is_sips = iequal(protocol, "SIPS");
  if (!is_sips && !iequal(protocol, "SIP")) return std::nullopt;
  if (sips) *sips = is_sips;
  if (is_sips) {
    if (iequal(resolution, "D2T")) return Transport::Tls;
    return std::nullopt;
  }
  if (iequal(resolution, "D2U")) return Transport::Udp;
  if (iequal(resolution, "D2T")) return Transport::Tcp;
  if (iequal(resolution, "D2S")) return Transport::Sctp;
  return std::nullopt;
}

std::vector<NaptrRoute> usable_naptr(std::span<const dns::ResourceRecord> records, bool sips_uri,
                                     const TransportSet& supported) {
  std::vector<NaptrRoute> routes;
  for (const auto& rr : records) {
    const auto* naptr = std::get_if<dns::NaptrData>(&rr.data);
    if (rr.type != dns::RrType::NAPTR || !naptr) continue;
    if (!iequal(naptr->flags, "S") || !naptr->regexp.empty()) continue;
    if (naptr->replacement.empty() || naptr->replacement == ".") continue;
    bool sips = false;
    const auto transport = naptr_service_transport(naptr->services, &sips);
    if (!transport) continue;
    if (sips_uri && !sips) continue;  // §4.1: a SIPS URI MUST discard non-SIPS services
    if (!supported.contains(*transport)) continue;
    routes.push_back(NaptrRoute{*transport, naptr->replacement, naptr->order, naptr->preference});
  }
  std::stable_sort(routes.begin(), routes.end(), [](const NaptrRoute& a, const NaptrRoute& b) {
    if (a.order != b.order) return a.order < b.order;
    return a.preference < b.preference;
  });
  return routes;
}

}  // namespace siplab::sip::locate
