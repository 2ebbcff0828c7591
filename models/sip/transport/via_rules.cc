#include "models/sip/transport/via_rules.h"

#include "models/sip/message/param.h"

namespace siplab::sip {

namespace {

constexpr uint16_t kDefaultSipPort = 5060;

std::optional<IpAddress> literal_address(std::string_view host) {
  return IpAddress::parse(host);
}

}  // namespace

void stamp_received(Via& via, const Endpoint& source) {
  const std::optional<IpAddress> sent_by = literal_address(via.host);
  const bool host_differs = !sent_by || *sent_by != source.address;
  const bool wants_rport = via.has_rport() && !via.rport();
  if (host_differs || wants_rport) via.set_received(source.address.to_string());
  if (wants_rport) via.set_rport(source.port);
}

std::optional<Endpoint> response_destination(const Via& via, Transport transport) {
  const uint16_t sent_by_port = via.port.value_or(kDefaultSipPort);
  if (const auto maddr = via.maddr()) {
    const auto address = literal_address(*maddr);
    if (!address) return std::nullopt;
    return Endpoint{*address, sent_by_port};
  }
  if (const auto received = via.received()) {
    const auto address = literal_address(*received);
    if (!address) return std::nullopt;
    // RFC 3581 §4: rport applies to unreliable transports; over TCP the
    // connection itself is the return path and a new one goes to sent-by's port.
    uint16_t port = sent_by_port;
    if (!is_reliable(transport)) {
      if (const auto rport = via.rport()) port = *rport;
    }
    return Endpoint{*address, port};
  }
  const auto address = literal_address(via.host);
  if (!address) return std::nullopt;
  return Endpoint{*address, sent_by_port};
}

bool via_is_ours(const Via& via, const IpAddress& address, uint16_t port,
                 const std::string& sent_by_host) {
  return via_is_ours(via.host, via.port, address, port, sent_by_host);
}

bool via_is_ours(std::string_view via_host, std::optional<uint16_t> via_port, const IpAddress& address,
                 uint16_t port, const std::string& sent_by_host) {
  if (via_port.value_or(kDefaultSipPort) != port) return false;
  if (!sent_by_host.empty() && iequals(via_host, sent_by_host)) return true;
  const auto host = literal_address(via_host);
  return host && *host == address;
}

}  // namespace siplab::sip
