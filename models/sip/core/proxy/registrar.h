// The registrar role of the proxy node (RFC 3261 §10.3), with digest
// authentication of REGISTER (§22.4, RFC 2617, RFC 7616, RFC 8760).
// Turns one REGISTER into its final response and the binding changes it
// made; the ProxyCore sends the response, emits the `reg.binding` traces
// and keeps the expiry timer armed at next_expiry().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/random.h"
#include "models/common/time.h"
#include "models/sip/core/proxy/location_service.h"
#include "models/sip/core/proxy/nonce_store.h"
#include "models/sip/core/proxy/proxy.h"
#include "models/sip/message/message.h"

namespace siplab::sip {

class Registrar {
 public:
  Registrar(RegistrarConfig config, std::string domain);

  // Processes a REGISTER whose Request-URI names our domain (§10.3 step 1)
  // at `now`: returns the response to send (401, 400, 403, 404, 423, 500 or
  // 200) and appends what changed to `changes`.  `random` supplies nonces
  // and the To tag.
  Message handle(Instant now, const Message& request, Random& random,
                 std::vector<BindingChange>& changes, ProxyCounters& counters);

  // Removes bindings that expired at or before `now` (action Expired).
  void expire(Instant now, std::vector<BindingChange>& changes) { location_.expire(now, changes); }
  std::optional<Instant> next_expiry() const { return location_.next_expiry(); }

  // Bindings of canonical AOR `aor` still current at `now`.
  std::vector<BindingView> bindings(std::string_view aor, Instant now) const;
  // The live bindings for the proxy's target set (§16.5); nullptr: none.
  const std::vector<Binding>* lookup(std::string_view aor) const { return location_.find(aor); }
  // Whether `aor` (canonical) names a user of the domain: a configured
  // digest user, or, without authentication, anyone who has bindings.
  bool knows(std::string_view aor) const;
  const RegistrarConfig& config() const { return config_; }

 private:
  // The user the credentials authenticate, or the response to send instead.
  struct AuthResult {
    std::optional<std::string> user;
    std::optional<Message> reject;
  };
  AuthResult authenticate(Instant now, const Message& request, Random& random, ProxyCounters& counters);
  Message challenge(Instant now, const Message& request, Random& random, bool stale,
                    ProxyCounters& counters);
  bool accepts_algorithm(std::string_view token) const;
  // The user part of an AOR that belongs to our domain (§10.3 step 5).
  std::optional<std::string> local_user(const Uri& aor) const;
  Message update_bindings(Instant now, const Message& request, const std::string& aor, Random& random,
                          std::vector<BindingChange>& changes);
  Message ok_response(Instant now, const Message& request, const std::string& aor, Random& random) const;

  RegistrarConfig config_;
  std::string domain_;
  LocationService location_;
  NonceStore nonces_;
};

}  // namespace siplab::sip
