#include "models/sip/core/proxy/proxy_routing.h"

namespace siplab::sip {

namespace {

bool host_is_this_node(const Uri& uri, const NodeIdentity& self) {
  if (uri.host_kind == HostKind::Name) return false;
  auto address = IpAddress::parse(uri.host);
  return address && self.has_address(*address);
}

}  // namespace

bool uri_is_this_node(const Uri& uri, const NodeIdentity& self, std::string_view domain) {
  if (!uri.is_sip_or_sips() || uri.has_user()) return false;
  if (host_is_this_node(uri, self)) return uri.port.value_or(uri.port_or_default()) == self.port;
  return uri.lr() && iequals(uri.host, domain) && (!uri.port || *uri.port == self.port);
}

bool uri_in_our_domain(const Uri& uri, const NodeIdentity& self, std::string_view domain) {
  if (!uri.is_sip_or_sips()) return false;
  if (iequals(uri.host, domain)) return true;
  return host_is_this_node(uri, self) && uri.port.value_or(uri.port_or_default()) == self.port;
}

bool via_is_this_node(const Via& via, const NodeIdentity& self) {
  if (via.host_kind == HostKind::Name) return false;
  auto address = IpAddress::parse(via.host);
  return address && self.has_address(*address) && via.port.value_or(5060) == self.port;
}

NameAddr record_route_entry(const NodeIdentity& self) {
  NameAddr entry;
  entry.uri.scheme = UriScheme::Sip;
  entry.uri.host = self.advertised().to_string();
  entry.uri.host_kind = self.advertised().v6 ? HostKind::IPv6 : HostKind::IPv4;
  entry.uri.port = self.port;
  entry.uri.params.push_back(Param{"lr", std::nullopt});
  entry.angle_brackets = true;
  return entry;
}

std::string loop_key(const Message& request) {
  std::string key = request.request_uri().to_string();
  auto field = [&key](std::string_view value) {
    key += '\n';
    key += value;
  };
  field(request.from_tag().value_or(""));
  field(request.to_tag().value_or(""));
  field(request.call_id().value_or(""));
  field(request.cseq() ? std::to_string(request.cseq()->number) : "");
  for (std::string_view v : request.proxy_require()) field(v);
  key += "\nPA";
  for (std::string_view v : request.proxy_authorization()) field(v);
  key += "\nR";
  for (std::string_view v : request.header_values(HeaderId::Route)) field(v);
  return key;
}

}  // namespace siplab::sip
