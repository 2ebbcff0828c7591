// RFC 3263 §4 server location as a sans-IO core: the locator never talks to
// the network.  It asks for DNS lookups (poll_lookup), is fed the resolver's
// results (handle_lookup_result), and ends with the ordered list of
// (transport, host, port, address) targets a client fails over along
// (§4.3, see failover.h).
//
// The walk, for TARGET = maddr if present, else the URI host:
//  §4.1  transport= parameter → that transport;
//        else numeric TARGET or explicit port → UDP (sip:) / TLS (sips:);
//        else NAPTR on TARGET, keeping the services the client supports
//        (naptr_filter.h), ordered by order then preference; when none is
//        usable (none there, or none for our transports), SRV queries for
//        each supported transport in the order _sips._tcp, _sip._tcp,
//        _sip._udp, _sip._sctp (a SIPS URI asks _sips._tcp only).
//  §4.2  numeric TARGET → that address (URI port or the default);
//        explicit port → A/AAAA of TARGET at that port;
//        else SRV (from NAPTR, or the transport= parameter, or the
//        per-transport queries), ordered per RFC 2782 (srv_order.h), each
//        target's addresses from the additional records already received
//        when present (RFC 2782 "Usage rules"), otherwise looked up;
//        no SRV at all → A/AAAA of TARGET at the transport's default port.
// Every kept NAPTR route contributes its SRV targets, in NAPTR order, so the
// list also fails over across transports.  A/AAAA: AAAA (first, RFC 6724
// prefers IPv6) and A when `ipv6` is configured, A only otherwise.  CNAMEs
// are followed (at most 8) even where RFC 2782 forbids aliases, since real
// zones have them.  NXDOMAIN on TARGET's NAPTR query ends the walk: nothing
// exists at or below that name (RFC 8020 §2).  Other failed lookups (NODATA,
// SERVFAIL, timeout) count as "no records" for that step and are noted.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/common/random.h"
#include "models/dns/resolver.h"
#include "models/sip/locate/locate_types.h"

namespace siplab::sip::locate {

struct LocatorConfig {
  TransportSet transports{Transport::Udp};
  bool ipv6 = false;       // also query AAAA
  size_t max_lookups = 64;  // guards against CNAME/NAPTR loops in bad zones
};

struct DnsQuestion {
  std::string name;  // absolute
  dns::RrType type = dns::RrType::A;
  friend bool operator==(const DnsQuestion&, const DnsQuestion&) = default;
};

enum class LocateState : uint8_t { Running, Done, Failed };

class Locator {
 public:
  Locator(LocateRequest request, LocatorConfig config, Random& random);

  // The next lookup to make, once; nullopt while one is outstanding or when
  // the walk is over.
  std::optional<DnsQuestion> poll_lookup();
  // The result of the outstanding lookup (status, answers, additional).  A
  // result for a question that is not outstanding is ignored (returns false).
  bool handle_lookup_result(const dns::LookupResult& result);

  // The whole walk for a numeric TARGET (§4.1, §4.2: no DNS, one target),
  // without building a Locator: what targets() holds once a Locator for
  // `request` is Done at once.  nullopt when TARGET is a name or the
  // request cannot be located (a Locator then says why).
  static std::optional<Target> numeric_target(const LocateRequest& request, const LocatorConfig& config);

  LocateState state() const { return state_; }
  // Ordered targets; complete once state() is Done.
  const std::vector<Target>& targets() const { return targets_; }
  // Why the walk failed ("NXDOMAIN for nope.test. (NAPTR): ..."), empty otherwise.
  const std::string& failure_reason() const { return failure_; }
  // One line per step taken, for traces and `siplab locate --verbose`.
  const std::vector<std::string>& steps() const { return steps_; }
  size_t lookups_made() const { return lookups_; }

 private:
  enum class Stage : uint8_t { Naptr, Srv, Addresses, Finished };
  struct HostPlan {
    Transport transport;
    std::string host;  // absolute name
    uint16_t port;
  };
  struct SrvPlan {
    Transport transport;
    std::string name;  // absolute SRV owner name
  };
  struct Knowledge {
    enum Kind { Have, Empty, Need } kind = Need;
    std::vector<const dns::ResourceRecord*> records;
    std::string name;  // the name at the end of the CNAME chain
    dns::LookupStatus status = dns::LookupStatus::Ok;
  };

  void advance();
  void step_naptr();
  void step_srv();
  void step_addresses();
  void fail(std::string reason);
  void ask(const std::string& name, dns::RrType type);
  Knowledge know(const std::string& name, dns::RrType type) const;
  void learn(std::span<const dns::ResourceRecord> records);
  void add_target(Transport transport, const std::string& host, uint16_t port, const IpAddress& address);
  // What §4.1 decides before any lookup: TARGET, whether it is numeric,
  // and the transport when the URI fixes it (transport= parameter, or a
  // numeric TARGET / explicit port).  `error` set: the walk fails at once.
  struct Start {
    std::string_view target;  // into the request (maddr or host), brackets stripped
    std::optional<IpAddress> numeric;
    std::optional<Transport> transport;
    std::string error;
  };
  static Start decide_start(const LocateRequest& request, const LocatorConfig& config);
  static std::optional<Transport> default_transport(const LocateRequest& request, const LocatorConfig& config);
  std::string srv_name(Transport transport) const;
  static std::string key(std::string_view name, dns::RrType type);

  LocateRequest request_;
  LocatorConfig config_;
  Random& random_;
  LocateState state_ = LocateState::Running;
  Stage stage_ = Stage::Finished;
  std::string target_;  // TARGET, absolute
  std::optional<Transport> fallback_transport_;  // for A/AAAA when no SRV

  std::vector<SrvPlan> srv_plans_;
  size_t srv_index_ = 0;
  bool srv_found_ = false;
  bool srv_unavailable_ = false;  // a lone "." target (RFC 2782)
  std::vector<HostPlan> hosts_;
  size_t host_index_ = 0;
  size_t type_index_ = 0;

  std::optional<DnsQuestion> to_ask_;
  std::optional<DnsQuestion> waiting_;
  size_t lookups_ = 0;
  // Everything learnt from answers and additional sections, by lowercase name.
  std::unordered_map<std::string, std::vector<dns::ResourceRecord>> known_;
  // (name, type) pairs a lookup found nothing for, and why.
  std::unordered_map<std::string, dns::LookupStatus> negative_;

  std::vector<Target> targets_;
  std::string failure_;
  std::vector<std::string> steps_;
};

}  // namespace siplab::sip::locate
