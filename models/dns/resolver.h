// Stub resolver core (sans-IO, DESIGN.md): sends queries through whatever
// transport its driver provides, retransmits on a per-attempt timeout, walks
// the configured servers, and caches positive and negative answers against
// the `now` its driver passes in.  No clock, no socket, no entropy of its own:
// query ids come from the injected Random.
//
// Retransmission schedule (RFC 1035 §7.2, resolv.conf style): `attempts`
// rounds; each round sends once to every configured server in order, waiting
// `timeout` for an answer before the next send.  Total sends per lookup are
// servers × attempts; after the last one times out the lookup reports Timeout.
// A SERVFAIL / REFUSED / NOTIMP / FORMERR answer drops that server for the
// rest of the lookup and the next send goes out at once (RFC 1035 §7.3); if
// no usable server remains the lookup reports that rcode.
//
// Cache (RFC 1035 §7.4, RFC 2181 §5.4.1, RFC 2308): records from the answer
// section, and from the additional section (that is what turns NAPTR → SRV →
// A into one round trip), are cached per (owner name, type), owner names
// compared case-insensitively, for the smallest TTL of the set.  An entry
// stored at t with TTL T answers lookups for t <= now < t + T.  Additional-
// section data never replaces unexpired answer-section data (RFC 2181 §5.4.1
// ranking).  NXDOMAIN is cached for the name (every type), NODATA for (name,
// type), both for min(SOA TTL, SOA MINIMUM) of the authority-section SOA
// (RFC 2308 §5); negative answers without an SOA are not cached.  TTL 0 data
// is used for the answer at hand only; TTLs with the top bit set are read as
// 0 (RFC 2181 §8).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/common/address.h"
#include "models/common/random.h"
#include "models/common/time.h"
#include "models/dns/message.h"
#include "models/dns/records.h"

namespace siplab::dns {

enum class LookupStatus : uint8_t {
  Ok,           // NOERROR with at least one answer record
  NxDomain,     // the name does not exist (RFC 1035 rcode 3)
  NoData,       // NOERROR, no record of that type (RFC 2308 §2.2)
  ServFail,     // every server that answered said SERVFAIL
  Refused,      // every server that answered said REFUSED
  NotImp,       // every server that answered said NOTIMP
  FormErr,      // every server that answered said FORMERR
  Timeout,      // no server answered within servers × attempts sends
  Truncated,    // TC=1 over UDP: `answers` holds what came (no TCP fallback)
  InvalidName,  // the name cannot be sent (empty label, label > 63, name > 255)
};

// "ok", "nxdomain", "nodata", "servfail", "refused", "notimp", "formerr",
// "timeout", "truncated", "invalid-name".
std::string_view status_name(LookupStatus status);

struct ResolverConfig {
  std::vector<Endpoint> servers;  // tried in this order
  Duration timeout = std::chrono::seconds(2);  // per send
  int attempts = 2;                           // rounds over all servers
  bool recursion_desired = true;              // RD bit in queries
  size_t max_udp_payload = kUdpPayloadLimit;  // larger responses are dropped
};

using LookupId = uint64_t;

// One datagram to send over UDP.
struct Transmit {
  std::vector<uint8_t> bytes;
  Endpoint destination;
};

struct LookupResult {
  LookupId id = 0;
  std::string name;  // as asked, made absolute
  RrType type = RrType::A;
  LookupStatus status = LookupStatus::Timeout;
  std::vector<ResourceRecord> answers;     // incl. any CNAME chain
  std::vector<ResourceRecord> additional;  // empty when served from cache
  bool from_cache = false;
  std::optional<Endpoint> server;  // who answered; nullopt for cache / timeout
};

enum class ResolverEventKind : uint8_t {
  QuerySent,   // `attempt` (1-based, per lookup) went to `server`
  Answer,      // a matching response arrived (status, answers)
  Timeout,     // one attempt's timer expired without an answer
  CacheHit,    // the lookup was answered from the cache
  Unmatched,   // a datagram matched no outstanding query and was ignored
};

struct ResolverEvent {
  ResolverEventKind kind = ResolverEventKind::QuerySent;
  Instant at{};
  LookupId id = 0;
  std::string name;
  RrType type = RrType::A;
  int attempt = 0;
  std::optional<Endpoint> server;
  LookupStatus status = LookupStatus::Ok;  // Answer, CacheHit
  std::vector<ResourceRecord> answers;     // Answer, CacheHit
  std::string detail;                      // Unmatched: why it was ignored
  uint16_t message_id = 0;                 // QuerySent, Answer: the DNS message id on the wire
};

struct ResolverCounters {
  uint64_t queries_sent = 0;
  uint64_t retransmissions = 0;
  uint64_t cache_hits = 0;
  uint64_t unmatched_responses = 0;  // wrong id, question or source
  uint64_t malformed_responses = 0;  // failed to decode
};

class Resolver {
 public:
  Resolver(ResolverConfig config, Random& random);

  // Starts a lookup.  A cache hit (or an invalid name) queues its result at
  // once; otherwise the first query is queued for poll_transmit().  Names
  // without a trailing dot are taken as absolute.
  LookupId lookup(Instant now, std::string_view name, RrType type);

  // A UDP datagram from `from` (any source; mismatches are counted).
  void handle_datagram(Instant now, const Endpoint& from, std::span<const uint8_t> bytes);
  // Call when poll_timeout()'s deadline has passed (earlier calls are harmless).
  void handle_timeout(Instant now);

  std::optional<Transmit> poll_transmit();
  std::optional<Instant> poll_timeout() const;
  std::optional<LookupResult> poll_result();
  bool has_results() const { return !results_.empty(); }  // poll_result() would give one
  std::optional<ResolverEvent> poll_event();

  const ResolverCounters& counters() const { return counters_; }
  size_t outstanding() const { return pending_.size(); }
  // Number of live (name, type) entries, positive and negative, at `now`.
  size_t cache_size(Instant now) const;
  void clear_cache() { cache_.clear(); }

 private:
  struct Pending {
    LookupId id = 0;
    std::string name;
    RrType type = RrType::A;
    int sends = 0;                  // attempts made so far
    size_t slot = 0;                // next position in the send schedule
    std::vector<bool> server_dead;  // answered with a server-failure rcode
    std::vector<bool> server_used;  // a query went there (valid reply source)
    Instant deadline{};
    std::optional<LookupStatus> last_failure;  // rcode of the last dead server
    std::optional<Endpoint> last_failure_server;
  };

  enum class Rank : uint8_t { Additional = 1, Answer = 2 };
  struct CacheEntry {
    Instant expires{};
    Instant stored_at{};
    LookupStatus status = LookupStatus::Ok;  // Ok, NoData or NxDomain
    Rank rank = Rank::Answer;
    std::vector<ResourceRecord> records;  // Ok: the answer (incl. CNAMEs)
  };

  static std::string cache_key(std::string_view name, RrType type);
  const CacheEntry* find_cached(Instant now, std::string_view name, RrType type) const;
  void send_next(Instant now, Pending& p, uint16_t dns_id);
  void finish(uint16_t dns_id, LookupResult result);
  void store_response(Instant now, const Pending& p, const Message& response, LookupStatus status);
  // `asked`: the RRset answering the question itself is stored whole by
  // store_response, so it is skipped here.
  void store_rrsets(Instant now, std::span<const ResourceRecord> records, Rank rank,
                    const Pending* asked);
  uint16_t fresh_dns_id();

  ResolverConfig config_;
  Random& random_;
  LookupId next_lookup_id_ = 1;
  std::unordered_map<uint16_t, Pending> pending_;  // by DNS message id
  std::unordered_map<std::string, CacheEntry> cache_;
  size_t purge_threshold_ = 1024;  // drop expired entries when this many are stored
  std::deque<Transmit> transmits_;
  std::deque<LookupResult> results_;
  std::deque<ResolverEvent> events_;
  ResolverCounters counters_;
};

}  // namespace siplab::dns
