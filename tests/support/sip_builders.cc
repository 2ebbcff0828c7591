#include "tests/support/sip_builders.h"

#include <charconv>
#include <stdexcept>

namespace siplab::testing {

Endpoint endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) throw std::invalid_argument("endpoint without port: " + std::string(text));
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto address = IpAddress::parse(host);
  uint16_t port = 0;
  const auto port_text = text.substr(colon + 1);
  const auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (!address || ec != std::errc() || ptr != port_text.data() + port_text.size()) {
    throw std::invalid_argument("bad endpoint: " + std::string(text));
  }
  return Endpoint{*address, port};
}

sip::Message make_request(std::string_view method, std::string_view request_uri, std::string_view call_id,
                          uint32_t cseq, std::string_view from_tag) {
  auto uri = sip::parse_uri(request_uri);
  if (!uri) throw std::invalid_argument("bad request URI: " + std::string(request_uri));
  sip::Message m = sip::Message::request(method, *uri);
  std::string to = "<";
  to.append(request_uri).append(">");
  m.add_header("To", to);
  std::string from = "<sip:alice@a.example>;tag=";
  from.append(from_tag);
  m.add_header("From", from);
  m.add_header("Call-ID", call_id);
  m.set_cseq(sip::CSeq{cseq, std::string(method)});
  m.set_max_forwards(70);
  m.set_body({});
  return m;
}

sip::SipStackConfig stack_config(std::string_view address) {
  sip::SipStackConfig config;
  const auto ip = IpAddress::parse(address);
  if (!ip) throw std::invalid_argument("bad address: " + std::string(address));
  config.transport.address = *ip;
  return config;
}

}  // namespace siplab::testing
