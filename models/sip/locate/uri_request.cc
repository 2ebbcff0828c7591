#include "models/sip/locate/uri_request.h"

namespace siplab::sip::locate {

std::optional<LocateRequest> to_locate_request(const sip::Uri& uri, std::string* error) {
  auto set_error = [&](std::string message) -> std::optional<LocateRequest> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  if (!uri.is_sip_or_sips()) return set_error("only sip: and sips: URIs can be located (RFC 3263)");
  LocateRequest request;
  request.secure = uri.scheme == UriScheme::Sips;
  request.host = uri.host;  // IPv6 already without brackets
  request.port = uri.port;
  // Parameter values are stored escaped; the locator needs their meaning.
  if (auto transport = uri.transport()) {
    auto raw = unescape(*transport);
    if (!raw) return set_error("malformed escape in transport parameter");
    request.transport = std::move(*raw);
  }
  if (auto maddr = uri.maddr()) {
    auto raw = unescape(*maddr);
    if (!raw) return set_error("malformed escape in maddr parameter");
    if (raw->size() >= 2 && raw->front() == '[' && raw->back() == ']') *raw = raw->substr(1, raw->size() - 2);
    request.maddr = std::move(*raw);
  }
  return request;
}

}  // namespace siplab::sip::locate
