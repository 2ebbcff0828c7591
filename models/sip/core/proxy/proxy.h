// The proxy node's transaction user: a stateful, forking proxy (RFC 3261
// §16) that is also the registrar of its domain (§10.3, with digest
// authentication per §22 / RFC 8760).  The seed assumes one server plays
// both roles ("for simplicity we assume that this is the same server").
//
// Attach one ProxyCore to a SipNode (models/sip/node/sip_node.h):
//   ProxyCore core(config);
//   SipNode node(node_config, random, core);
// REGISTER whose Request-URI host is `domain` goes to the registrar; every
// other request is proxied: targets for our domain come from the location
// service, other domains are located by the node (RFC 3263).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/common/time.h"
#include "models/sip/message/validation.h"
#include "models/sip/node/sip_node.h"
#include "models/sip/node/tu.h"

namespace siplab::sip {

// Which digest algorithms the registrar challenges with.  Both: two
// WWW-Authenticate rows, SHA-256 first (RFC 8760 §2.4: most preferred first).
enum class DigestAlgorithmChoice : uint8_t { Md5, Sha256, Both };

struct RegistrarConfig {
  std::string realm;  // empty: the proxy's domain
  uint32_t default_expires = 3600;  // when the REGISTER names none (§10.3 step 7)
  uint32_t max_expires = 7200;      // longer requests are shortened (§10.3 step 7)
  uint32_t min_expires = 60;        // shorter (non-zero) ones get 423 (§10.3 step 7)
  // Digest username -> password.  Empty: no authentication, every AOR of
  // the domain may register.  Non-empty: these users are the domain's AORs.
  std::map<std::string, std::string> users;
  DigestAlgorithmChoice algorithm = DigestAlgorithmChoice::Md5;
  Duration nonce_lifetime = std::chrono::seconds(300);  // then stale=true (RFC 2617 §3.2.1)
};

struct ProxyConfig {
  std::string domain;  // "domain.ru"
  bool record_route = false;
  bool sequential_forking = false;  // by q-value, highest first; default parallel
  // §16.6 step 11: Timer C must be larger than 3 minutes.
  Duration timer_c = std::chrono::seconds(200);
  // Absent: no registrar role; a REGISTER for our domain is then answered
  // 403 Forbidden (§10.3 step 1 lets only a registrar accept it; we are the
  // domain's only server, so there is nowhere to forward it).
  std::optional<RegistrarConfig> registrar;
  // Option tags accepted in Proxy-Require (§16.3 step 4); others get 420.
  std::vector<std::string> supported_extensions;
};

// One current binding of an AOR, as the 200 to a REGISTER lists it.
struct BindingView {
  std::string contact;    // the Contact URI text as registered
  uint32_t expires = 0;   // remaining seconds at the query instant (rounded up)
  uint16_t q_millis = 1000;  // q in thousandths (absent q = 1.0)
  std::string call_id;
  uint32_t cseq = 0;
  friend bool operator==(const BindingView&, const BindingView&) = default;
};

struct ProxyCounters {
  uint64_t registers = 0;
  uint64_t challenges = 0;      // 401 sent
  uint64_t auth_failures = 0;   // wrong response, unknown user, replayed nc
  uint64_t forwarded = 0;       // requests forwarded statefully (one per branch)
  uint64_t stateless_forwarded = 0;  // ACK for 2xx and stray 2xx responses
  uint64_t loops = 0;           // 482 sent
};

// The receiver validation the proxy node's SipStack must run
// (SipNodeConfig::stack.validation): §16.3 proxy rules — any method passes
// through, Max-Forwards 0 → 483, Proxy-Require checked against
// `config.supported_extensions`.  The default (UAS) options would refuse
// REGISTER with 405 before the registrar sees it.
ValidationOptions proxy_validation_options(const ProxyConfig& config);

// Everything a proxy node's SipNodeConfig needs for a ProxyCore on top:
// the validation above, and immediate_trying off — the ProxyCore sends the
// 100 Trying for every INVITE itself at once (§16.2), so a stack-generated
// one would be a duplicate.  Call it after the driver's own settings.
void configure_proxy_node(SipNodeConfig& node, const ProxyConfig& config);

struct BindingChange;
class Registrar;
class ProxyEngine;

class ProxyCore final : public TransactionUser {
 public:
  explicit ProxyCore(ProxyConfig config);
  ~ProxyCore() override;
  ProxyCore(const ProxyCore&) = delete;
  ProxyCore& operator=(const ProxyCore&) = delete;

  // TransactionUser
  void attach(TuContext& context) override;
  void on_request(Instant now, RequestReceived&& request) override;
  void on_response(Instant now, RequestHandle handle, const Message& response,
                   ResponseOrigin origin) override;
  void on_stray_response(Instant now, const Message& response) override;
  void on_server_failure(Instant now, TxnId txn, ServerFailure reason) override;
  void on_timer(Instant now, TimerCookie cookie) override;

  // Introspection for tests and the scenario runner: the bindings of `aor`
  // ("sip:ivan@domain.ru", compared per §10.3 step 5 / §19.1.4) still
  // current at `now`, in registration order.
  std::vector<BindingView> bindings(std::string_view aor, Instant now) const;
  const ProxyConfig& config() const { return config_; }
  const ProxyCounters& counters() const { return counters_; }

 private:
  // reg.binding trace events for `changes`, and the expiry timer re-armed.
  void report(Instant now, const std::vector<BindingChange>& changes);

  ProxyConfig config_;
  ProxyCounters counters_;
  TuContext* context_ = nullptr;
  std::unique_ptr<Registrar> registrar_;
  std::unique_ptr<ProxyEngine> engine_;
};

}  // namespace siplab::sip
