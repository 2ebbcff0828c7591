#include "models/sip/locate/local_locate.h"

namespace siplab::sip::locate {

LocalLocateResult locate_with_authority(const LocateRequest& request, const LocatorConfig& config,
                                        const dns::Authority& authority, Random& random) {
  // The bundled scenarios' DNS server (address plan: node `dns`).
  const Endpoint server{IpAddress::v4(192, 0, 2, 53), 53};
  dns::ResolverConfig resolver_config;
  resolver_config.servers = {server};
  dns::Resolver resolver(resolver_config, random);
  Locator locator(request, config, random);

  Instant now{0};
  while (locator.state() == LocateState::Running) {
    auto question = locator.poll_lookup();
    if (!question) break;  // cannot happen while Running; guards a bug from spinning
    resolver.lookup(now, question->name, question->type);
    std::optional<dns::LookupResult> result;
    for (;;) {
      if ((result = resolver.poll_result())) break;
      while (auto transmit = resolver.poll_transmit()) {
        const auto reply = authority.handle_query(transmit->bytes);
        if (!reply.empty()) resolver.handle_datagram(now, transmit->destination, reply);
      }
      if ((result = resolver.poll_result())) break;
      const auto deadline = resolver.poll_timeout();
      if (!deadline) break;
      now = *deadline;  // the authority stayed silent: let the resolver time out
      resolver.handle_timeout(now);
    }
    if (!result) break;
    locator.handle_lookup_result(*result);
  }
  LocalLocateResult out;
  out.state = locator.state();
  out.targets = locator.targets();
  out.failure_reason = locator.failure_reason();
  out.steps = locator.steps();
  out.dns_queries = resolver.counters().queries_sent;
  return out;
}

}  // namespace siplab::sip::locate
