#include "models/dns/resolver.h"

#include <algorithm>
#include <utility>

namespace siplab::dns {
namespace {

constexpr size_t kMaxLabel = 63;    // RFC 1035 §2.3.4
constexpr size_t kMaxWireName = 255;

// Makes `name` absolute and checks it fits the wire format; nullopt if not.
std::optional<std::string> absolute_name(std::string_view name) {
  std::string out(name);
  if (out.empty() || out.back() != '.') out.push_back('.');
  if (out == ".") return out;
  size_t wire = 1;  // root label
  size_t start = 0;
  while (start < out.size()) {
    const size_t dot = out.find('.', start);
    const size_t len = dot - start;
    if (len == 0 || len > kMaxLabel) return std::nullopt;
    wire += len + 1;
    start = dot + 1;
  }
  if (wire > kMaxWireName) return std::nullopt;
  return out;
}

void append_lower(std::string& out, std::string_view name) {
  for (char c : name) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (out.empty() || out.back() != '.') out.push_back('.');
}

// RFC 2181 §8: a TTL with the most significant bit set is read as zero.
uint32_t effective_ttl(uint32_t ttl) { return (ttl & 0x80000000u) ? 0 : ttl; }

// Marker type for "the whole name does not exist" cache entries (NXDOMAIN
// covers every type, RFC 2308 §5); 0 is not a valid RR type.
constexpr uint16_t kNxDomainKey = 0;

std::optional<LookupStatus> server_failure(Rcode rcode) {
  switch (rcode) {
    case Rcode::NoError:
    case Rcode::NxDomain:
      return std::nullopt;
    case Rcode::FormErr:
      return LookupStatus::FormErr;
    case Rcode::ServFail:
      return LookupStatus::ServFail;
    case Rcode::NotImp:
      return LookupStatus::NotImp;
    case Rcode::Refused:
      return LookupStatus::Refused;
  }
  return LookupStatus::ServFail;  // rcodes we do not model count as failures
}

}  // namespace

std::string_view status_name(LookupStatus status) {
  switch (status) {
    case LookupStatus::Ok: return "ok";
    case LookupStatus::NxDomain: return "nxdomain";
    case LookupStatus::NoData: return "nodata";
    case LookupStatus::ServFail: return "servfail";
    case LookupStatus::Refused: return "refused";
    case LookupStatus::NotImp: return "notimp";
    case LookupStatus::FormErr: return "formerr";
    case LookupStatus::Timeout: return "timeout";
    case LookupStatus::Truncated: return "truncated";
    case LookupStatus::InvalidName: return "invalid-name";
  }
  return "unknown";
}

Resolver::Resolver(ResolverConfig config, Random& random)
    : config_(std::move(config)), random_(random) {
  if (config_.attempts < 1) config_.attempts = 1;
}

std::string Resolver::cache_key(std::string_view name, RrType type) {
  std::string key;
  key.reserve(name.size() + 8);
  append_lower(key, name);
  key.push_back('/');
  key += std::to_string(static_cast<uint16_t>(type));
  return key;
}

const Resolver::CacheEntry* Resolver::find_cached(Instant now, std::string_view name,
                                                  RrType type) const {
  for (const RrType key_type : {type, static_cast<RrType>(kNxDomainKey)}) {
    auto it = cache_.find(cache_key(name, key_type));
    if (it != cache_.end() && now < it->second.expires) return &it->second;
  }
  return nullptr;
}

size_t Resolver::cache_size(Instant now) const {
  return static_cast<size_t>(std::count_if(cache_.begin(), cache_.end(), [now](const auto& kv) {
    return now < kv.second.expires;
  }));
}

uint16_t Resolver::fresh_dns_id() {
  // 16-bit ids unpredictable to off-path spoofers (RFC 5452 §9.2), distinct
  // among outstanding queries so every response maps to one lookup.
  for (;;) {
    const auto id = static_cast<uint16_t>(random_.below(65536));
    if (!pending_.contains(id)) return id;
  }
}

LookupId Resolver::lookup(Instant now, std::string_view name, RrType type) {
  const LookupId id = next_lookup_id_++;
  auto absolute = absolute_name(name);
  if (!absolute) {
    LookupResult r;
    r.id = id;
    r.name = std::string(name);
    r.type = type;
    r.status = LookupStatus::InvalidName;
    results_.push_back(std::move(r));
    return id;
  }
  if (const CacheEntry* hit = find_cached(now, *absolute, type)) {
    ++counters_.cache_hits;
    LookupResult r;
    r.id = id;
    r.name = std::move(*absolute);
    r.type = type;
    r.status = hit->status;
    r.from_cache = true;
    r.answers = hit->records;
    // Hand out the TTL that is left, not the TTL that was received.
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - hit->stored_at).count();
    for (auto& rr : r.answers) {
      rr.ttl = rr.ttl > static_cast<uint64_t>(elapsed) ? rr.ttl - static_cast<uint32_t>(elapsed) : 0;
    }
    events_.push_back(ResolverEvent{ResolverEventKind::CacheHit, now, id, r.name, type, 0,
                                    std::nullopt, r.status, r.answers, {}});
    results_.push_back(std::move(r));
    return id;
  }
  const uint16_t dns_id = fresh_dns_id();
  Pending& p = pending_[dns_id];
  p.id = id;
  p.name = std::move(*absolute);
  p.type = type;
  p.server_dead.assign(config_.servers.size(), false);
  p.server_used.assign(config_.servers.size(), false);
  send_next(now, p, dns_id);
  return id;
}

void Resolver::send_next(Instant now, Pending& p, uint16_t dns_id) {
  const size_t n = config_.servers.size();
  const size_t slots = n * static_cast<size_t>(config_.attempts);
  while (p.slot < slots && p.server_dead[p.slot % n]) ++p.slot;
  if (p.slot >= slots) {
    LookupResult r;
    r.id = p.id;
    r.name = p.name;
    r.type = p.type;
    // A server that said why it failed is more useful than "timeout".
    r.status = p.last_failure.value_or(LookupStatus::Timeout);
    r.server = p.last_failure_server;
    finish(dns_id, std::move(r));
    return;
  }
  const size_t server = p.slot % n;
  ++p.slot;
  Message query;
  query.id = dns_id;
  query.rd = config_.recursion_desired;
  query.questions.push_back(Question{p.name, p.type, kClassIn});
  transmits_.push_back(Transmit{encode(query), config_.servers[server]});
  p.server_used[server] = true;
  ++p.sends;
  ++counters_.queries_sent;
  if (p.sends > 1) ++counters_.retransmissions;
  p.deadline = now + config_.timeout;
  events_.push_back(ResolverEvent{ResolverEventKind::QuerySent, now, p.id, p.name, p.type, p.sends,
                                  config_.servers[server], LookupStatus::Ok, {}, {}, dns_id});
}

void Resolver::finish(uint16_t dns_id, LookupResult result) {
  pending_.erase(dns_id);
  results_.push_back(std::move(result));
}

void Resolver::handle_datagram(Instant now, const Endpoint& from, std::span<const uint8_t> bytes) {
  auto ignore = [&](std::string why) {
    ++counters_.unmatched_responses;
    ResolverEvent e;
    e.kind = ResolverEventKind::Unmatched;
    e.at = now;
    e.server = from;
    e.detail = std::move(why);
    events_.push_back(std::move(e));
  };
  if (bytes.size() > config_.max_udp_payload) {
    ignore("response larger than " + std::to_string(config_.max_udp_payload) + " octets");
    return;
  }
  DecodeResult decoded = decode(bytes);
  if (!decoded.message) {
    ++counters_.malformed_responses;
    ResolverEvent e;
    e.kind = ResolverEventKind::Unmatched;
    e.at = now;
    e.server = from;
    e.detail = "malformed at octet " + std::to_string(decoded.error ? decoded.error->offset : 0) +
               ": " + (decoded.error ? decoded.error->reason : std::string("unknown"));
    events_.push_back(std::move(e));
    return;
  }
  const Message& response = *decoded.message;
  if (!response.qr) return ignore("not a response (QR=0)");
  auto it = pending_.find(response.id);
  if (it == pending_.end()) return ignore("no outstanding query with id " + std::to_string(response.id));
  Pending& p = it->second;
  // RFC 5452 §9.1: accept only from a server this query was sent to, with
  // the id and the question we asked.
  size_t server = config_.servers.size();
  for (size_t i = 0; i < config_.servers.size(); ++i) {
    if (p.server_used[i] && config_.servers[i] == from) {
      server = i;
      break;
    }
  }
  if (server == config_.servers.size()) return ignore("source " + from.to_string() + " was not queried");
  const auto failure = server_failure(response.rcode);
  // A server that could not parse the query may echo no question (RFC 1035 §4.1.1).
  const bool question_optional = failure.has_value() && response.questions.empty();
  if (!question_optional) {
    if (response.questions.size() != 1 || !names_equal(response.questions[0].name, p.name) ||
        response.questions[0].type != p.type || response.questions[0].qclass != kClassIn) {
      return ignore("question does not match the query");
    }
  }

  const uint16_t dns_id = it->first;
  if (failure && !response.tc) {
    p.server_dead[server] = true;
    p.last_failure = *failure;
    p.last_failure_server = from;
    events_.push_back(ResolverEvent{ResolverEventKind::Answer, now, p.id, p.name, p.type, p.sends, from,
                                    *failure, {}, {}, dns_id});
    send_next(now, p, dns_id);  // RFC 1035 §7.3: try the next server
    return;
  }

  LookupResult r;
  r.id = p.id;
  r.name = p.name;
  r.type = p.type;
  r.server = from;
  if (response.tc) {
    r.status = LookupStatus::Truncated;  // partial data: never cached
  } else if (response.rcode == Rcode::NxDomain) {
    r.status = LookupStatus::NxDomain;
  } else {
    r.status = response.answers.empty() ? LookupStatus::NoData : LookupStatus::Ok;
  }
  if (!response.tc) store_response(now, p, response, r.status);
  r.answers = response.answers;
  r.additional = response.additional;
  events_.push_back(ResolverEvent{ResolverEventKind::Answer, now, p.id, p.name, p.type, p.sends, from,
                                  r.status, r.answers, {}, dns_id});
  finish(dns_id, std::move(r));
}

void Resolver::store_response(Instant now, const Pending& p, const Message& response,
                              LookupStatus status) {
  if (cache_.size() >= purge_threshold_) {
    std::erase_if(cache_, [now](const auto& kv) { return !(now < kv.second.expires); });
    purge_threshold_ = std::max<size_t>(1024, cache_.size() * 2);
  }
  if (status == LookupStatus::Ok) {
    // The whole answer (CNAME chain included) under the question asked...
    uint32_t ttl = UINT32_MAX;
    for (const auto& rr : response.answers) ttl = std::min(ttl, effective_ttl(rr.ttl));
    if (ttl > 0) {
      cache_[cache_key(p.name, p.type)] =
          CacheEntry{now + std::chrono::seconds(ttl), now, LookupStatus::Ok, Rank::Answer, response.answers};
    }
    // ...and every other RRset it carries under its own owner and type.
    store_rrsets(now, response.answers, Rank::Answer, &p);
    store_rrsets(now, response.additional, Rank::Additional, &p);
    return;
  }
  // RFC 2308 §5: negative TTL = min(SOA TTL, SOA MINIMUM); no SOA, no caching.
  const ResourceRecord* soa = nullptr;
  for (const auto& rr : response.authority) {
    if (rr.type == RrType::SOA && std::holds_alternative<SoaData>(rr.data)) {
      soa = &rr;
      break;
    }
  }
  if (!soa) return;
  const uint32_t ttl = std::min(effective_ttl(soa->ttl), std::get<SoaData>(soa->data).minimum);
  if (ttl == 0) return;
  const RrType key_type =
      status == LookupStatus::NxDomain ? static_cast<RrType>(kNxDomainKey) : p.type;
  cache_[cache_key(p.name, key_type)] =
      CacheEntry{now + std::chrono::seconds(ttl), now, status, Rank::Answer, {}};
}

void Resolver::store_rrsets(Instant now, std::span<const ResourceRecord> records, Rank rank,
                            const Pending* asked) {
  // Group by (owner, type); records of one RRset share the smallest TTL
  // (RFC 2181 §5.2).  Sets are small, so a quadratic scan beats hashing.
  std::vector<bool> done(records.size(), false);
  for (size_t i = 0; i < records.size(); ++i) {
    if (done[i]) continue;
    const ResourceRecord& head = records[i];
    if (asked && head.type == asked->type && names_equal(head.name, asked->name)) continue;
    std::vector<ResourceRecord> set;
    uint32_t ttl = UINT32_MAX;
    for (size_t j = i; j < records.size(); ++j) {
      if (done[j] || records[j].type != head.type || !names_equal(records[j].name, head.name)) continue;
      done[j] = true;
      set.push_back(records[j]);
      ttl = std::min(ttl, effective_ttl(records[j].ttl));
    }
    if (ttl == 0) continue;
    std::string key = cache_key(head.name, head.type);
    auto existing = cache_.find(key);
    // RFC 2181 §5.4.1: additional-section data must not displace live data
    // that came as an answer.
    if (existing != cache_.end() && now < existing->second.expires && existing->second.rank > rank) continue;
    cache_[std::move(key)] = CacheEntry{now + std::chrono::seconds(ttl), now, LookupStatus::Ok, rank, std::move(set)};
  }
}

void Resolver::handle_timeout(Instant now) {
  std::vector<std::pair<Instant, uint16_t>> due;
  for (const auto& [dns_id, p] : pending_) {
    if (p.deadline <= now) due.emplace_back(p.deadline, dns_id);
  }
  std::sort(due.begin(), due.end());
  for (const auto& [deadline, dns_id] : due) {
    auto it = pending_.find(dns_id);
    if (it == pending_.end()) continue;
    Pending& p = it->second;
    const size_t n = config_.servers.size();
    const size_t last_server = (p.slot - 1) % n;
    events_.push_back(ResolverEvent{ResolverEventKind::Timeout, now, p.id, p.name, p.type, p.sends,
                                    config_.servers[last_server], LookupStatus::Timeout, {}, {}});
    send_next(now, p, dns_id);
  }
}

std::optional<Transmit> Resolver::poll_transmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<Instant> Resolver::poll_timeout() const {
  std::optional<Instant> earliest;
  for (const auto& [dns_id, p] : pending_) {
    if (!earliest || p.deadline < *earliest) earliest = p.deadline;
  }
  return earliest;
}

std::optional<LookupResult> Resolver::poll_result() {
  if (results_.empty()) return std::nullopt;
  LookupResult r = std::move(results_.front());
  results_.pop_front();
  return r;
}

std::optional<ResolverEvent> Resolver::poll_event() {
  if (events_.empty()) return std::nullopt;
  ResolverEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace siplab::dns
