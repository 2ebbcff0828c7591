#include "models/dns/authority.h"

#include <algorithm>
#include <deque>

#include "models/dns/name.h"

namespace siplab::dns {

namespace {

// Longest CNAME chain followed inside one answer; BIND uses 16.
constexpr int kMaxCnameChain = 16;

bool is_transfer_or_mail_type(RrType t) {
  uint16_t v = static_cast<uint16_t>(t);
  return v >= 251 && v <= 254;  // IXFR, AXFR, MAILB, MAILA (RFC 1035 §3.2.3, RFC 1995)
}

bool has_flag(std::string_view flags, char flag) {
  for (char c : flags)
    if (ascii_lower(c) == ascii_lower(flag)) return true;
  return false;
}

// The records chosen for a response, as pointers into the zones, so
// duplicate checks are cheap and nothing is copied until the end.
struct Sections {
  std::vector<const ResourceRecord*> answers;
  std::vector<const ResourceRecord*> authority;
  std::vector<const ResourceRecord*> additional;

  // By value: a record synthesized from a wildcard is a fresh copy each
  // time it is matched.
  bool contains(const ResourceRecord* rr) const {
    auto same = [rr](const ResourceRecord* other) { return other == rr || *other == *rr; };
    return std::any_of(answers.begin(), answers.end(), same) || std::any_of(additional.begin(), additional.end(), same);
  }
};

Message response_header(const Message& query, Rcode rcode) {
  Message r;
  r.id = query.id;
  r.qr = true;
  r.opcode = query.opcode;
  r.rd = query.rd;
  r.rcode = rcode;
  return r;
}

}  // namespace

size_t Authority::NameHash::operator()(std::string_view name) const {
  // FNV-1a over the lower-cased name, matching NameEqual (RFC 4343).
  uint64_t h = 1469598103934665603ull;
  for (char c : name) {
    h ^= static_cast<uint8_t>(ascii_lower(c));
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h);
}

void Authority::add_zone(Zone zone) {
  zones_.erase(std::remove_if(zones_.begin(), zones_.end(),
                              [&](const IndexedZone& z) { return names_equal(z.zone.origin, zone.origin); }),
               zones_.end());
  IndexedZone indexed;
  indexed.zone = std::move(zone);
  const auto& records = indexed.zone.records;
  for (uint32_t i = 0; i < records.size(); ++i) {
    const ResourceRecord& rr = records[i];
    indexed.nodes[rr.name].push_back(i);
    if (rr.type == RrType::SOA && names_equal(rr.name, indexed.zone.origin)) indexed.soa = &rr;
    // Ancestors up to the apex exist too, as empty non-terminals.
    for (std::string_view up = parent_name(rr.name);
         is_at_or_below(up, indexed.zone.origin) && !names_equal(up, rr.name); up = parent_name(up)) {
      indexed.nodes.try_emplace(std::string(up));
      if (names_equal(up, indexed.zone.origin) || up == ".") break;
    }
  }
  zones_.push_back(std::move(indexed));
}

const Authority::IndexedZone* Authority::find_zone(std::string_view name) const {
  const IndexedZone* best = nullptr;
  for (const auto& z : zones_)
    if (is_at_or_below(name, z.zone.origin) && (!best || z.zone.origin.size() > best->zone.origin.size())) best = &z;
  return best;
}

const std::vector<uint32_t>* Authority::find_node(const IndexedZone& zone, std::string_view name) {
  auto it = zone.nodes.find(name);
  return it == zone.nodes.end() ? nullptr : &it->second;
}

const std::vector<uint32_t>* Authority::find_cut(const IndexedZone& zone, std::string_view name) {
  // The cut nearest the apex wins: everything below it belongs to the child.
  const std::vector<uint32_t>* cut = nullptr;
  for (std::string_view up = name; !names_equal(up, zone.zone.origin) && up != "."; up = parent_name(up)) {
    const std::vector<uint32_t>* node = find_node(zone, up);
    if (node && std::any_of(node->begin(), node->end(),
                            [&](uint32_t i) { return zone.zone.records[i].type == RrType::NS; }))
      cut = node;
  }
  return cut;
}

Authority::Match Authority::match(const IndexedZone& zone, std::string_view name) {
  if (const auto* node = find_node(zone, name)) return {node, false};
  // RFC 1034 §4.3.3 as clarified by RFC 4592 §3.3.1: no node of that name,
  // so find the closest encloser, the nearest ancestor that exists (an
  // empty non-terminal counts, RFC 4592 §2.2.2), and the name matches the
  // wildcard "*.<closest encloser>" only; no wildcard there is NXDOMAIN.
  for (std::string_view up = parent_name(name); is_at_or_below(up, zone.zone.origin); up = parent_name(up)) {
    if (!find_node(zone, up)) {
      if (up == ".") break;
      continue;
    }
    const std::string source = up == "." ? std::string("*.") : "*." + std::string(up);
    if (const auto* wildcard = find_node(zone, source)) return {wildcard, true};
    break;
  }
  return {};
}

Message Authority::answer(const Message& query) const {
  if (query.opcode != 0) {
    Message r = response_header(query, Rcode::NotImp);
    r.questions = query.questions;
    return r;
  }
  if (query.qr || query.questions.size() != 1 || !query.answers.empty() || !query.authority.empty())
    return response_header(query, Rcode::FormErr);
  const Question& question = query.questions.front();
  Message r = response_header(query, Rcode::NoError);
  r.questions = query.questions;
  if (is_transfer_or_mail_type(question.type)) {
    r.rcode = Rcode::NotImp;
    return r;
  }
  const IndexedZone* zone = question.qclass == kClassIn ? find_zone(question.name) : nullptr;
  if (!zone) {
    r.rcode = Rcode::Refused;
    return r;
  }
  r.aa = true;

  Sections s;
  // Records synthesized from a wildcard (RFC 4592 §3.3.1: the owner is the
  // name asked for); a deque, so the pointers in `s` stay valid.
  std::deque<ResourceRecord> synthesized;
  auto record_at = [&](const IndexedZone& z, uint32_t i, const Match& m, std::string_view owner) -> const ResourceRecord* {
    const ResourceRecord& rr = z.zone.records[i];
    if (!m.wildcard) return &rr;
    ResourceRecord copy = rr;
    copy.name = std::string(owner);
    return &synthesized.emplace_back(std::move(copy));
  };
  std::string_view name = question.name;
  bool any = question.type == RrType::ANY;
  for (int chain = 0;; ++chain) {
    if (const auto* cut = find_cut(*zone, name)) {
      // RFC 1034 §4.3.2 step 3b: the name is at or below a delegation, so
      // the data there is not ours: a referral (AA clear) to the child's
      // NS set, with its glue.  Met along a CNAME chain, the chain stops.
      if (chain == 0) {
        r.aa = false;
        for (uint32_t i : *cut)
          if (zone->zone.records[i].type == RrType::NS) s.authority.push_back(&zone->zone.records[i]);
      }
      break;
    }
    const Match m = match(*zone, name);
    const std::vector<uint32_t>* node = m.node;
    if (!node) {
      r.rcode = Rcode::NxDomain;  // RFC 6604: the rcode describes the last name
      if (zone->soa) s.authority.push_back(zone->soa);
      break;
    }
    const ResourceRecord* cname = nullptr;
    size_t before = s.answers.size();
    for (uint32_t i : *node) {
      const RrType type = zone->zone.records[i].type;
      if (type != RrType::CNAME && !any && type != question.type) continue;
      const ResourceRecord* rr = record_at(*zone, i, m, name);
      if (type == RrType::CNAME) cname = rr;
      if (any || type == question.type) s.answers.push_back(rr);
    }
    if (cname && !any && question.type != RrType::CNAME) {
      // RFC 1034 §4.3.2 step 3a: answer with the CNAME and go on with its
      // target, while it stays inside this zone and does not loop.
      if (s.contains(cname)) break;
      s.answers.push_back(cname);
      const std::string& target = std::get<CnameData>(cname->data).target;
      if (chain + 1 >= kMaxCnameChain || !is_at_or_below(target, zone->zone.origin)) break;
      name = target;
      continue;
    }
    if (s.answers.size() == before && zone->soa) s.authority.push_back(zone->soa);  // NODATA (RFC 2308 §2.2)
    break;
  }

  // Additional section processing.
  auto add_addresses = [&](std::string_view host) {
    const IndexedZone* z = find_zone(host);
    if (!z) return;
    const Match m = match(*z, host);
    if (!m.node) return;
    for (uint32_t i : *m.node) {
      const RrType type = z->zone.records[i].type;
      if (type != RrType::A && type != RrType::AAAA) continue;
      const ResourceRecord* rr = record_at(*z, i, m, host);
      if (!s.contains(rr)) s.additional.push_back(rr);
    }
  };
  auto add_srv_set = [&](std::string_view owner) {
    const IndexedZone* z = find_zone(owner);
    if (!z) return;
    const Match m = match(*z, owner);
    if (!m.node) return;
    for (uint32_t i : *m.node) {
      if (z->zone.records[i].type != RrType::SRV) continue;
      const ResourceRecord* rr = record_at(*z, i, m, owner);
      if (!s.contains(rr)) s.additional.push_back(rr);
    }
  };
  for (const ResourceRecord* rr : s.authority)
    if (rr->type == RrType::NS) add_addresses(std::get<NsData>(rr->data).host);  // the referral's glue
  for (size_t a = 0; a < s.answers.size(); ++a) {
    const ResourceRecord& rr = *s.answers[a];
    if (rr.type == RrType::NS) {
      add_addresses(std::get<NsData>(rr.data).host);
    } else if (rr.type == RrType::SRV) {
      add_addresses(std::get<SrvData>(rr.data).target);
    } else if (rr.type == RrType::NAPTR) {
      const NaptrData& n = std::get<NaptrData>(rr.data);
      if (has_flag(n.flags, 'S')) {
        size_t first = s.additional.size();
        add_srv_set(n.replacement);
        size_t last = s.additional.size();
        for (size_t k = first; k < last; ++k) add_addresses(std::get<SrvData>(s.additional[k]->data).target);
      } else if (has_flag(n.flags, 'A')) {
        add_addresses(n.replacement);
      }
    }
  }

  r.answers.reserve(s.answers.size());
  for (const auto* rr : s.answers) r.answers.push_back(*rr);
  for (const auto* rr : s.authority) {
    if (rr->type != RrType::SOA) {
      r.authority.push_back(*rr);
      continue;
    }
    ResourceRecord soa = *rr;
    // RFC 2308 §3: the negative answer's SOA TTL is min(TTL, MINIMUM).
    soa.ttl = std::min(soa.ttl, std::get<SoaData>(soa.data).minimum);
    r.authority.push_back(std::move(soa));
  }
  r.additional.reserve(s.additional.size());
  for (const auto* rr : s.additional) r.additional.push_back(*rr);
  return r;
}

std::vector<uint8_t> Authority::handle_query(std::span<const uint8_t> bytes, size_t max_size) const {
  if (bytes.size() < 12) return {};
  if (bytes[2] & 0x80) return {};  // QR set: a response, not a query
  DecodeResult decoded = decode(bytes);
  if (!decoded.message) {
    Message formerr;
    formerr.id = static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
    formerr.qr = true;
    formerr.opcode = static_cast<uint8_t>(bytes[2] >> 3 & 0xF);
    formerr.rd = bytes[2] & 0x01;
    formerr.rcode = Rcode::FormErr;
    return encode(formerr, max_size);
  }
  return encode(answer(*decoded.message), max_size);
}

}  // namespace siplab::dns
