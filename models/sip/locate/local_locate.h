// Runs a Locator to the end against in-process zones: every lookup it asks
// for goes through the stub resolver, over the DNS wire codec, to an
// Authority, and back.  This is what `siplab locate` does, and what tests use
// to check a bundled zone end to end.
#pragma once

#include <string>
#include <vector>

#include "models/common/random.h"
#include "models/dns/authority.h"
#include "models/sip/locate/locator.h"

namespace siplab::sip::locate {

struct LocalLocateResult {
  LocateState state = LocateState::Failed;
  std::vector<Target> targets;
  std::string failure_reason;
  std::vector<std::string> steps;
  uint64_t dns_queries = 0;  // datagrams the resolver sent
};

// `random` draws both the DNS query ids and the SRV weight choices.
LocalLocateResult locate_with_authority(const LocateRequest& request, const LocatorConfig& config,
                                        const dns::Authority& authority, Random& random);

}  // namespace siplab::sip::locate
