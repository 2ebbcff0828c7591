#include "models/sip/locate/locator.h"

#include <algorithm>
#include <utility>

#include "models/sip/locate/naptr_filter.h"
#include "models/sip/locate/srv_order.h"

namespace siplab::sip::locate {
namespace {

using dns::LookupStatus;
using dns::RrType;

constexpr int kMaxCnameHops = 8;

std::string lower(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (out.empty() || out.back() != '.') out.push_back('.');
  return out;
}

std::string absolute(std::string_view name) {
  std::string out(name);
  if (out.empty() || out.back() != '.') out.push_back('.');
  return out;
}

std::string without_dot(std::string_view name) {
  if (name.size() > 1 && name.back() == '.') name.remove_suffix(1);
  return std::string(name);
}

std::string status_text(LookupStatus status) {
  std::string s(dns::status_name(status));
  for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;  // "NXDOMAIN", "NODATA", "SERVFAIL", "TIMEOUT" ...
}

std::string transport_token(Transport t) {
  std::string s(transport_name(t));
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

std::optional<IpAddress> address_of(const dns::ResourceRecord& rr) {
  if (const auto* a = std::get_if<dns::AData>(&rr.data)) {
    return IpAddress::v4(a->address[0], a->address[1], a->address[2], a->address[3]);
  }
  if (const auto* aaaa = std::get_if<dns::AaaaData>(&rr.data)) {
    IpAddress ip;
    ip.v6 = true;
    ip.bytes = aaaa->address;
    return ip;
  }
  return std::nullopt;
}

}  // namespace

std::string format_target(const Target& target) {
  std::string out = transport_token(target.transport);
  out += ' ';
  out += target.host;
  out += ' ';
  out += std::to_string(target.port);
  out += ' ';
  out += target.address.to_string();
  return out;
}

std::string Locator::key(std::string_view name, RrType type) {
  std::string k = lower(name);
  k.push_back('/');
  k += std::to_string(static_cast<uint16_t>(type));
  return k;
}

Locator::Start Locator::decide_start(const LocateRequest& request, const LocatorConfig& config) {
  Start start;
  std::string_view text = request.maddr ? std::string_view(*request.maddr) : std::string_view(request.host);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  start.target = text;
  if (text.empty()) {
    start.error = "the URI has no host to locate";
    return start;
  }
  start.numeric = IpAddress::parse(text);
  if (request.transport) {
    // §4.1: the transport parameter wins.  In a sips: URI "tcp" means TLS
    // over TCP (RFC 3261 §26.2.2); TLS cannot run over UDP.
    const std::string& param = *request.transport;
    if (dns::names_equal(param, "udp")) {
      if (request.secure) {
        start.error = "transport=udp cannot carry a sips: URI (TLS needs TCP)";
        return start;
      }
      start.transport = Transport::Udp;
    } else if (dns::names_equal(param, "tcp")) {
      start.transport = request.secure ? Transport::Tls : Transport::Tcp;
    } else if (dns::names_equal(param, "tls")) {
      start.transport = Transport::Tls;
    } else if (dns::names_equal(param, "sctp")) {
      if (request.secure) {
        start.error = "transport=sctp with a sips: URI (TLS over SCTP) is not supported";
        return start;
      }
      start.transport = Transport::Sctp;
    } else {
      start.error = "unknown transport=" + param + " in the URI";
      return start;
    }
    if (!config.transports.contains(*start.transport)) {
      start.error = "the URI asks for transport " + transport_token(*start.transport) +
                    ", which this client does not support";
      return start;
    }
  } else if (start.numeric || request.port) {
    // §4.1: numeric TARGET or explicit port → UDP for sip:, TCP (TLS) for sips:.
    start.transport = default_transport(request, config);
    if (!start.transport) {
      start.error = request.secure ? "a sips: URI needs TLS, which this client does not support"
                                   : "this client supports no transport";
      return start;
    }
  }
  return start;
}

std::optional<Target> Locator::numeric_target(const LocateRequest& request, const LocatorConfig& config) {
  const Start start = decide_start(request, config);
  if (!start.error.empty() || !start.numeric) return std::nullopt;
  // §4.2: a numeric TARGET is used as is.
  return Target{*start.transport, std::string(start.target),
                request.port.value_or(default_port(*start.transport)), *start.numeric};
}

Locator::Locator(LocateRequest request, LocatorConfig config, Random& random)
    : request_(std::move(request)), config_(std::move(config)), random_(random) {
  const Start start = decide_start(request_, config_);
  if (!start.error.empty()) {
    fail(start.error);
    return;
  }
  target_ = absolute(start.target);
  const std::optional<Transport> transport = start.transport;

  if (start.numeric) {
    // §4.2: a numeric TARGET is used as is.
    const uint16_t port = request_.port.value_or(default_port(*transport));
    steps_.push_back("numeric target " + start.numeric->to_string() + ": no DNS lookup");
    add_target(*transport, std::string(start.target), port, *start.numeric);
    state_ = LocateState::Done;
    return;
  }
  if (request_.port) {
    // §4.2: explicit port → A/AAAA of the name at that port.
    hosts_.push_back(HostPlan{*transport, target_, *request_.port});
    stage_ = Stage::Addresses;
  } else if (transport) {
    // §4.2: transport given, no port → SRV for that transport.
    srv_plans_.push_back(SrvPlan{*transport, srv_name(*transport)});
    fallback_transport_ = transport;
    stage_ = Stage::Srv;
  } else {
    stage_ = Stage::Naptr;
  }
  advance();
}

std::optional<Transport> Locator::default_transport(const LocateRequest& request, const LocatorConfig& config) {
  if (request.secure) {
    if (config.transports.contains(Transport::Tls)) return Transport::Tls;
    return std::nullopt;
  }
  // UDP first (§4.1); "another transport ... MAY be used" when the client
  // has no UDP.
  for (Transport t : {Transport::Udp, Transport::Tcp, Transport::Tls, Transport::Sctp}) {
    if (config.transports.contains(t)) return t;
  }
  return std::nullopt;
}

std::string Locator::srv_name(Transport transport) const {
  // §4.2: "_sips" for SIPS URIs and for TLS; "_sip" otherwise.
  switch (transport) {
    case Transport::Tls: return "_sips._tcp." + target_;
    case Transport::Tcp: return "_sip._tcp." + target_;
    case Transport::Udp: return "_sip._udp." + target_;
    case Transport::Sctp: return "_sip._sctp." + target_;
  }
  return "_sip._udp." + target_;
}

void Locator::fail(std::string reason) {
  state_ = LocateState::Failed;
  stage_ = Stage::Finished;
  failure_ = std::move(reason);
  to_ask_.reset();
  waiting_.reset();
}

void Locator::ask(const std::string& name, RrType type) {
  if (lookups_ >= config_.max_lookups) {
    fail("gave up after " + std::to_string(lookups_) + " DNS lookups (CNAME or NAPTR loop?)");
    return;
  }
  ++lookups_;
  to_ask_ = DnsQuestion{name, type};
}

std::optional<DnsQuestion> Locator::poll_lookup() {
  if (!to_ask_) return std::nullopt;
  waiting_ = std::move(to_ask_);
  to_ask_.reset();
  return waiting_;
}

void Locator::learn(std::span<const dns::ResourceRecord> records) {
  for (const auto& rr : records) {
    auto& known = known_[lower(rr.name)];
    if (std::find(known.begin(), known.end(), rr) == known.end()) known.push_back(rr);
  }
}

Locator::Knowledge Locator::know(const std::string& name, RrType type) const {
  Knowledge k;
  k.name = name;
  for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
    auto it = known_.find(lower(k.name));
    if (it != known_.end()) {
      for (const auto& rr : it->second) {
        if (rr.type == type) k.records.push_back(&rr);
      }
      if (!k.records.empty()) {
        k.kind = Knowledge::Have;
        return k;
      }
      const dns::ResourceRecord* cname = nullptr;
      for (const auto& rr : it->second) {
        if (rr.type == RrType::CNAME && std::holds_alternative<dns::CnameData>(rr.data)) cname = &rr;
      }
      if (cname && type != RrType::CNAME) {
        k.name = std::get<dns::CnameData>(cname->data).target;
        continue;
      }
    }
    auto neg = negative_.find(key(k.name, type));
    if (neg != negative_.end()) {
      k.kind = Knowledge::Empty;
      k.status = neg->second;
      return k;
    }
    k.kind = Knowledge::Need;
    return k;
  }
  k.kind = Knowledge::Empty;  // CNAME chain too long or looping
  k.status = LookupStatus::ServFail;
  return k;
}

bool Locator::handle_lookup_result(const dns::LookupResult& result) {
  if (!waiting_ || result.type != waiting_->type || !dns::names_equal(absolute(result.name), waiting_->name)) {
    return false;
  }
  const DnsQuestion asked = std::move(*waiting_);
  waiting_.reset();
  learn(result.answers);
  learn(result.additional);
  const Knowledge k = know(asked.name, asked.type);
  if (k.kind == Knowledge::Need) {
    // A CNAME whose target the server did not answer for: ask the target
    // next.  Anything else means this name has no such records.
    const bool followed_alias = result.status == LookupStatus::Ok && !dns::names_equal(k.name, asked.name);
    if (!followed_alias) {
      negative_[key(k.name, asked.type)] =
          result.status == LookupStatus::Ok ? LookupStatus::NoData : result.status;
    }
  }
  advance();
  return true;
}

void Locator::advance() {
  while (state_ == LocateState::Running && !to_ask_ && !waiting_) {
    switch (stage_) {
      case Stage::Naptr: step_naptr(); break;
      case Stage::Srv: step_srv(); break;
      case Stage::Addresses: step_addresses(); break;
      case Stage::Finished: return;
    }
  }
}

void Locator::step_naptr() {
  const Knowledge k = know(target_, RrType::NAPTR);
  if (k.kind == Knowledge::Need) return ask(k.name, RrType::NAPTR);
  if (k.kind == Knowledge::Empty && k.status == LookupStatus::NxDomain) {
    steps_.push_back("NAPTR " + target_ + ": NXDOMAIN");
    return fail("NXDOMAIN for " + k.name + " (NAPTR lookup): the domain does not exist");
  }
  std::vector<NaptrRoute> routes;
  if (k.kind == Knowledge::Have) {
    std::vector<dns::ResourceRecord> records;
    records.reserve(k.records.size());
    for (const auto* rr : k.records) records.push_back(*rr);
    routes = usable_naptr(records, request_.secure, config_.transports);
    std::string line = "NAPTR " + target_ + ": " + std::to_string(records.size()) + " records, " +
                       std::to_string(routes.size()) + " usable";
    for (const auto& r : routes) line += "; " + transport_token(r.transport) + " -> " + r.srv_name;
    steps_.push_back(std::move(line));
  } else {
    steps_.push_back("NAPTR " + target_ + ": " + status_text(k.status));
  }
  if (!routes.empty()) {
    for (const auto& r : routes) srv_plans_.push_back(SrvPlan{r.transport, absolute(r.srv_name)});
    fallback_transport_ = routes.front().transport;
  } else {
    // §4.1: no (usable) NAPTR → SRV for each transport the client supports.
    for (Transport t : {Transport::Tls, Transport::Tcp, Transport::Udp, Transport::Sctp}) {
      if (request_.secure && t != Transport::Tls) continue;
      if (config_.transports.contains(t)) srv_plans_.push_back(SrvPlan{t, srv_name(t)});
    }
    fallback_transport_ = default_transport(request_, config_);
  }
  stage_ = Stage::Srv;
}

void Locator::step_srv() {
  while (srv_index_ < srv_plans_.size()) {
    const SrvPlan& plan = srv_plans_[srv_index_];
    const Knowledge k = know(plan.name, RrType::SRV);
    if (k.kind == Knowledge::Need) return ask(k.name, RrType::SRV);
    if (k.kind == Knowledge::Have) {
      std::vector<dns::SrvData> records;
      for (const auto* rr : k.records) {
        if (const auto* srv = std::get_if<dns::SrvData>(&rr->data)) records.push_back(*srv);
      }
      srv_found_ = true;
      if (records.size() == 1 && records[0].target == ".") {
        // RFC 2782: a lone "." target means the service is not offered.
        srv_unavailable_ = true;
        steps_.push_back("SRV " + plan.name + ": target \".\", service not available");
      } else {
        std::erase_if(records, [](const dns::SrvData& s) { return s.target == "."; });
        std::string line = "SRV " + plan.name + ":";
        for (auto& srv : order_srv(std::move(records), random_)) {
          line += ' ';
          line += without_dot(srv.target);
          line += ':';
          line += std::to_string(srv.port);
          hosts_.push_back(HostPlan{plan.transport, absolute(srv.target), srv.port});
        }
        steps_.push_back(std::move(line));
      }
    } else {
      steps_.push_back("SRV " + plan.name + ": " + status_text(k.status));
    }
    ++srv_index_;
  }
  if (hosts_.empty()) {
    if (srv_unavailable_) return fail("SRV records say the service is not available at " + target_);
    if (srv_found_) return fail("SRV records for " + target_ + " name no usable target");
    if (!fallback_transport_) {
      return fail(request_.secure ? "a sips: URI needs TLS, which this client does not support"
                                  : "this client supports no transport");
    }
    // §4.2: no SRV → A/AAAA of TARGET at the transport's default port.
    const uint16_t port = default_port(*fallback_transport_);
    steps_.push_back("no SRV records: address lookup of " + target_ + " port " + std::to_string(port));
    hosts_.push_back(HostPlan{*fallback_transport_, target_, port});
  }
  stage_ = Stage::Addresses;
}

void Locator::step_addresses() {
  static constexpr RrType kBoth[] = {RrType::AAAA, RrType::A};
  static constexpr RrType kV4[] = {RrType::A};
  const std::span<const RrType> types = config_.ipv6 ? std::span<const RrType>(kBoth) : std::span<const RrType>(kV4);
  while (host_index_ < hosts_.size()) {
    const HostPlan& plan = hosts_[host_index_];
    // Every host here is a domain name, even one that reads like an
    // address ("192.0.2.1." as an SRV target): RFC 2782 defines Target as
    // "the domain name of the target host" with address records, and
    // RFC 3263 §4.2 uses a numeric address as is only for the URI's TARGET
    // (handled before any lookup).  So it is looked up like any other name.
    while (type_index_ < types.size()) {
      const RrType type = types[type_index_];
      const Knowledge k = know(plan.host, type);
      if (k.kind == Knowledge::Need) return ask(k.name, type);
      if (k.kind == Knowledge::Have) {
        std::string line = std::string(dns::type_name(type)) + " " + plan.host + ":";
        for (const auto* rr : k.records) {
          if (const auto ip = address_of(*rr)) {
            add_target(plan.transport, without_dot(plan.host), plan.port, *ip);
            line += ' ';
            line += ip->to_string();
          }
        }
        steps_.push_back(std::move(line));
      } else {
        steps_.push_back(std::string(dns::type_name(type)) + " " + plan.host + ": " + status_text(k.status));
      }
      ++type_index_;
    }
    type_index_ = 0;
    ++host_index_;
  }
  stage_ = Stage::Finished;
  if (targets_.empty()) {
    std::string reason = "no address found for " + target_;
    for (const auto& step : steps_) reason += "; " + step;
    return fail(std::move(reason));
  }
  state_ = LocateState::Done;
}

void Locator::add_target(Transport transport, const std::string& host, uint16_t port, const IpAddress& address) {
  Target t{transport, host, port, address};
  // The same (transport, address, port) reached through two names or two
  // NAPTR routes is one target: trying it twice cannot help (§4.3).
  for (const auto& existing : targets_) {
    if (existing.transport == t.transport && existing.address == t.address && existing.port == t.port) return;
  }
  targets_.push_back(std::move(t));
}

}  // namespace siplab::sip::locate
