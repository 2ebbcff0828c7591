// A validated scenario: what the runner builds and drives, and what it checks
// afterwards.  Produced by load_scenario (scenario_loader.h) from a YAML file;
// every field here has passed validation (names resolve, ranges hold), so the
// runner never has to re-check.  The schema is documented in
// scenarios/README.md; defaults below are the ones documented there.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "models/common/address.h"
#include "models/common/time.h"
#include "sim/topology/topology_spec.h"

namespace siplab::scenario {

// The `sip:` section: RFC 3261 timers shared by every SIP element.
struct SipSettings {
  Duration t1 = std::chrono::milliseconds(500);  // RFC 3261 §17.1.1.1
  Duration t2 = std::chrono::seconds(4);         // §17.1.2.2
  Duration t4 = std::chrono::seconds(5);         // §17.1.2.2
  // §16.6 step 11: Timer C MUST be larger than 3 minutes.
  Duration timer_c = std::chrono::seconds(200);
  // Preferred transport of user agents when RFC 3263 leaves the choice to the
  // client (no NAPTR records): Udp or Tcp.
  Transport transport = Transport::Udp;
  // RFC 3262 reliable provisional responses; the loader only accepts false
  // (no core implements 100rel yet), so the runner can rely on it.
  bool reliable_provisional = false;
};

// One authoritative DNS server node and the zone files it serves.
struct DnsServerSpec {
  std::string node;
  std::vector<std::filesystem::path> zone_files;  // resolved against the scenario's folder
  int source_line = 0;
};

// Stub resolver settings of one node.
struct ResolverSpec {
  std::string node;
  std::vector<std::string> servers;  // DNS server node names, tried in order
  Duration timeout = std::chrono::seconds(5);  // per attempt (resolv.conf default)
  uint32_t attempts = 2;                       // per server (resolv.conf default)
};

enum class DigestAlgorithm { Md5, Sha256 };  // RFC 7616 §3.2 "MD5", "SHA-256"

struct RegistrarSpec {
  std::string realm;                 // defaults to the proxy's domain
  uint32_t default_expires = 3600;   // seconds, granted when the REGISTER names none
  uint32_t max_expires = 7200;       // seconds, longer requests are shortened
  uint32_t min_expires = 60;         // seconds, shorter requests get 423 (§10.3 step 7)
  std::map<std::string, std::string> users;  // digest username → password
  DigestAlgorithm algorithm = DigestAlgorithm::Md5;
};

enum class Forking { Parallel, Sequential };

struct ProxySpec {
  std::string node;
  std::string domain;  // e.g. "domain.ru"
  uint16_t port = 5060;
  bool record_route = false;
  Forking forking = Forking::Parallel;
  Duration timer_c = std::chrono::seconds(200);  // defaults to sip.timer_c
  std::optional<RegistrarSpec> registrar;
  int source_line = 0;
};

struct DeviceSpec {
  std::string node;
  Transport transport = Transport::Udp;  // defaults to sip.transport
  uint32_t expires = 3600;               // seconds asked for in REGISTER
  double refresh_fraction = 0.5;         // re-REGISTER after this share of the granted expiry
};

struct UserSpec {
  std::string aor;     // "sip:ivan@domain.ru"
  std::string user;    // "ivan"
  std::string domain;  // "domain.ru"
  std::optional<std::string> password;
  std::vector<DeviceSpec> devices;  // never empty
  std::optional<std::string> outbound_proxy;  // a SIP URI; absent: RFC 3263 on `domain`
  int source_line = 0;
};

// ---- events --------------------------------------------------------------

struct RegisterAction {
  std::string aor;
  std::optional<std::string> device;  // absent: every device of the user
  std::optional<uint32_t> expires;    // absent: each device's `expires`
};

struct UnregisterAction {  // REGISTER with Expires: 0
  std::string aor;
  std::optional<std::string> device;  // absent: every device of the user
};

// The callee's device `device` answers `after` from receiving the INVITE.
struct AnswerBehaviour {
  std::string device;
  Duration after{};
};
// Callee devices reject with `code` `after` from receiving the INVITE.
struct RejectBehaviour {
  int code = 486;
  Duration after{};
  std::optional<std::string> device;  // absent: every device rejects
};
// Callee devices ring and never answer.
struct NoAnswerBehaviour {
  friend bool operator==(const NoAnswerBehaviour&, const NoAnswerBehaviour&) = default;
};

enum class Party { Caller, Callee };

// `by` sends BYE `after` from the call being established.
struct Hangup {
  Party by = Party::Caller;
  Duration after{};
};

struct CallAction {
  int id = 0;  // 1-based, in the order calls appear in the file (expect: refers to it)
  std::string from;         // caller AOR (a declared user)
  std::string to;           // callee URI
  std::string from_device;  // defaults to the caller's first device
  std::variant<AnswerBehaviour, RejectBehaviour, NoAnswerBehaviour> callee;
  std::optional<Hangup> hangup;             // only with AnswerBehaviour
  std::optional<Duration> cancel_after;     // caller CANCELs this long after its INVITE
};

struct OptionsAction {
  std::string from;  // AOR of a declared user
  std::string from_device;
  std::string to;  // any SIP URI
};

// Takes a link down (both directions drop everything) or brings it back.
struct LinkStateAction {
  std::string a;
  std::string b;
  bool up = false;
};

using Action = std::variant<RegisterAction, UnregisterAction, CallAction, OptionsAction, LinkStateAction>;

struct Event {
  Duration at{};
  Action action;
  int source_line = 0;
};

// ---- expectations (checked by the runner after the run) -------------------

// The distinct messages (retransmissions left out) that `seen_by` sent or
// received for the call's Call-ID, in time order: requests by method,
// responses by status code ("INVITE", "180").
struct SequenceCheck {
  std::string seen_by;                // node; defaults to the caller's device
  std::vector<std::string> messages;  // may be empty ("the node saw none")
  std::vector<std::string> only;      // when non-empty, keep only these
  std::vector<std::string> ignore;    // drop these before comparing
};

struct CallExpectation {
  int call = 0;  // CallAction::id
  // true: the caller got a 2xx; false: the caller got a final non-2xx.
  std::optional<bool> established;
  std::optional<int> code;  // the final response code the caller got (implies established=false)
  // RFC 6076 §4.3 Session Request Delay at the caller: first INVITE sent →
  // first non-100 provisional or final response received.
  std::optional<Duration> setup_delay_max;
  std::optional<SequenceCheck> sequence;
};

struct RegistrationExpectation {
  std::string aor;
  uint32_t devices = 0;  // bindings for the AOR over every registrar at `stop`
  // RFC 6076 §4.1 Registration Request Delay, per device: first REGISTER
  // sent → its 2xx received (a 401 round trip included).
  std::optional<Duration> delay_max;
};

struct RetransmissionExpectation {
  // Which messages count; none set: every message.  A retransmission is a
  // message a node sends again with the same Call-ID, CSeq, Via branch and
  // first line.
  std::optional<std::string> method;  // requests with this method
  std::optional<int> response;        // responses with this status code
  std::optional<int> call;            // only the call's Call-ID
  std::optional<std::string> node;    // only what this node sends
  uint32_t min = 0;
  std::optional<uint32_t> max;  // absent: no upper bound
};

struct Expectation {
  std::variant<CallExpectation, RegistrationExpectation, RetransmissionExpectation> check;
  int source_line = 0;
  std::string source_text;  // the entry as written (flow style), for failure reports
};

// ---- the whole scenario ---------------------------------------------------

struct ScenarioSpec {
  std::string name;  // `name:`, else the file name without ".yaml"
  std::filesystem::path source_file;
  uint64_t seed = 1;
  Duration stop = std::chrono::seconds(60);
  SipSettings sip;
  topo::TopologySpec topology;
  std::vector<DnsServerSpec> dns_servers;
  // One entry for every node that hosts a user device or a proxy, plus every
  // node named under `resolvers:`; nodes without an entry need no resolver.
  std::vector<ResolverSpec> resolvers;
  std::vector<ProxySpec> proxies;
  std::vector<UserSpec> users;
  std::vector<Event> events;  // sorted by `at`; file order among equal times
  std::vector<Expectation> expectations;  // file order

  const topo::NodeSpec* find_node(std::string_view name) const;
  const UserSpec* find_user(std::string_view aor) const;
  const ResolverSpec* resolver_for(std::string_view node) const;
  const CallAction* find_call(int id) const;
};

}  // namespace siplab::scenario
