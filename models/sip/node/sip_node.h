// One simulated SIP host as a single sans-IO core: the SIP stack (transport
// + transaction layers), a stub resolver, RFC 3263 location with failover,
// and the transaction user on top (UA core or proxy core, via tu.h).
//
// Driver contract (DESIGN.md): feed handle_* inputs with `now`; after each,
// drain poll_transmit(), poll_close() and poll_trace(), then re-arm one timer
// at poll_timeout().  DNS datagrams use the resolver's own UDP port
// (`dns_port`), SIP uses the stack's ports; Transmit::source tells the
// driver which socket to send from.
#pragma once

#include <map>
#include <tuple>
#include <memory>
#include <optional>
#include <unordered_map>
#include <variant>
#include <vector>

#include "models/dns/resolver.h"
#include "models/sip/locate/failover.h"
#include "models/sip/locate/locator.h"
#include "models/sip/node/tu.h"
#include "models/sip/transport/fifo.h"
#include "models/sip/txn/id_table.h"
#include "models/sip/txn/sip_stack.h"

namespace siplab::sip {

struct SipNodeConfig {
  NodeIdentity identity;
  SipStackConfig stack;  // stack.transport.address/ports are set from identity
  dns::ResolverConfig resolver;
  uint16_t dns_port = 5353;  // our resolver's local UDP port
  locate::LocatorConfig locator;
  // How long a target that timed out or failed at the transport is tried
  // last by later requests (RFC 3263 §4.3 leaves remembering to the client;
  // without it every new request, even the REGISTER answering a 401, would
  // wait out Timer F on a dead server again).  Zero: no memory.
  Duration failed_target_memory = std::chrono::minutes(5);
};

// Everything a trace collector can record about a node.
struct ResolverTrace {
  dns::ResolverEvent event;
  Endpoint local;  // the resolver's own endpoint (src of queries)
};
using NodeTrace = std::variant<sip::TraceEvent, ResolverTrace, TuTrace>;

struct NodeCounters {
  uint64_t requests_located = 0;
  uint64_t location_failures = 0;  // no target found (→ local 503)
  uint64_t failovers = 0;          // RFC 3263 §4.3 moves to a next target
};

class SipNode final : private TuContext {
 public:
  SipNode(SipNodeConfig config, Random& random, TransactionUser& tu);
  SipNode(const SipNode&) = delete;
  SipNode& operator=(const SipNode&) = delete;

  // ---- driver inputs ----
  void handle_datagram(Instant now, const Endpoint& from, const Endpoint& to, std::string_view bytes);
  ConnectionId handle_connection_accepted(Instant now, Transport transport, const Endpoint& remote,
                                          const Endpoint& local);
  void handle_stream(Instant now, ConnectionId connection, std::string_view bytes);
  void handle_connection_closed(Instant now, ConnectionId connection, bool failed);
  void handle_timeout(Instant now);

  // ---- outputs ----
  std::optional<Transmit> poll_transmit();
  std::optional<ConnectionId> poll_close() { return stack_.poll_close(); }
  std::optional<Instant> poll_timeout() const;
  std::optional<NodeTrace> poll_trace();
  // Every queued trace to `sink` (oldest first, as poll_trace() would give
  // them), read in place rather than moved out one by one.  `sink` must
  // not call into the node.
  template <typename F>
  void drain_traces(F&& sink) {
    trace_.drain([&sink](const NodeTrace& t) { sink(t); });
  }
  // Off: the node builds no traces at all (a driver without a trace sink
  // would only throw them away).  On by default.
  void set_tracing(bool on);
  bool tracing() const { return tracing_; }

  // ---- for the driver and tests ----
  // Runs `command` against the TU's context at `now` (scenario commands:
  // register, call, hang up …) and processes what it caused.
  template <typename F>
  void command(Instant now, F&& command) {
    command(static_cast<TuContext&>(*this));
    pump(now);
  }
  const NodeIdentity& identity() const override { return config_.identity; }
  Endpoint dns_endpoint() const { return {config_.identity.address, config_.dns_port}; }
  const SipStack& stack() const { return stack_; }
  const dns::Resolver& resolver() const { return resolver_; }
  const NodeCounters& counters() const { return counters_; }

 private:
  struct Outgoing {
    RequestHandle handle = kNoRequest;
    TxnId txn = kNoTxn;
    std::optional<dns::LookupId> lookup;
    bool stateless = false;
    bool provisional_seen = false;
    bool cancel_wanted = false;
    // As the TU gave it (no Via of ours), while it waits for DNS or another
    // target may still need it (§4.3 failover); the transaction to the
    // last target takes it.  A request to a numeric TARGET (one target, no
    // DNS) goes straight to its transaction and is never kept here: an
    // Outgoing stays two cache lines, read again cold at the final response.
    std::unique_ptr<Message> request;
    std::unique_ptr<locate::Locator> locator;  // only while DNS is needed (TARGET is a name)
    std::optional<locate::Failover> failover;  // set once located
  };

  // TuContext
  RequestHandle send_request(Instant now, Message request, const Uri& next_hop) override;
  void cancel_request(Instant now, RequestHandle handle) override;
  void send_response(Instant now, TxnId txn, Message response) override;
  void send_stateless(Instant now, Message request, const Uri& next_hop) override;
  void send_stateless_response(Instant now, Message response,
                               const std::optional<InboundContext>& path) override;
  void set_timer(Instant at, TimerCookie cookie) override;
  void cancel_timer(TimerCookie cookie) override;
  void trace(TuTrace event) override;
  Random& random() override { return random_; }

  RequestHandle start(Instant now, Message request, const Uri& next_hop, bool stateless);
  // Drives a request's locator until it needs DNS or is done; sends when done.
  void advance_location(Instant now, Outgoing& out);
  // The request is located: fail over along `targets`, starting now.
  void located(Instant now, Outgoing& out, std::vector<locate::Target> targets, Message& request);
  // Sends to the failover's current target; on an immediate send error moves on.
  // `request` is out.request or, for a numeric TARGET, the caller's.
  void send_to_current(Instant now, Outgoing& out, Message& request);
  // Delivers a locally made final response (408/487/503) and forgets `out`.
  void fail_locally(Instant now, Outgoing& out, const Message& request, int code, std::string_view reason);
  void on_stack_response(Instant now, ResponseReceived&& response);
  void pump(Instant now);
  void drain_resolver(Instant now);
  void collect_resolver_events();
  void drain_stack(Instant now);
  void fire_tu_timers(Instant now);
  void forget(RequestHandle handle);
  // Targets that failed within failed_target_memory go last, order kept.
  std::vector<locate::Target> order_by_recent_failures(Instant now, std::vector<locate::Target> targets) const;
  void remember_failure(Instant now, const locate::Target& target);

  SipNodeConfig config_;
  Random& random_;
  TransactionUser& tu_;
  SipStack stack_;
  dns::Resolver resolver_;
  NodeCounters counters_;

  RequestHandle next_handle_ = 1;
  IdTable<Outgoing> outgoing_;  // handles are issued in order; an Outgoing& stays valid
  // The request each of our client transactions carries.  A window by id,
  // not a hash map: the stack numbers transactions in the order it makes
  // them, and each is entered here as soon as it is made.
  IdTable<RequestHandle> by_txn_;
  std::unordered_map<dns::LookupId, RequestHandle> by_lookup_;
  std::multimap<Instant, TimerCookie> tu_timers_;
  // (transport, address, port) of targets that failed → when.
  std::map<std::tuple<Transport, IpAddress, uint16_t>, Instant> failed_targets_;
  Fifo<NodeTrace> trace_;
  bool tracing_ = true;
};

}  // namespace siplab::sip
