// sip:, dns:, proxies: and resolvers:.
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "sim/scenario/sections.h"

namespace siplab::scenario {
namespace {

// RFC 3261 §16.6 step 11: "The timer MUST be larger than 3 minutes."
constexpr Duration kMinTimerC = std::chrono::minutes(3);

void check_timer_c(LoadContext& c, const YAML::Node& v, Duration value) {
  if (value <= kMinTimerC)
    c.reader.error(v, fmt::format("timer_c: expected more than 3min (RFC 3261 §16.6 step 11); got {}",
                                  format_duration(value)));
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.front() == '.' || d.back() == '.') return false;
  for (char ch : d)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') return false;
  return true;
}

}  // namespace

void read_sip(LoadContext& c, const YAML::Node& sip) {
  YamlReader& r = c.reader;
  if (!r.expect_map(sip, "sip settings {t1, t2, t4, timer_c, transport, 100rel}")) return;
  r.check_keys(sip, "sip", {"t1", "t2", "t4", "timer_c", "transport", "100rel"});
  SipSettings& s = c.spec.sip;
  if (sip["t1"])
    if (auto d = r.duration(sip["t1"], "t1")) {
      if (d->count() == 0) r.error(sip["t1"], "t1: expected more than 0s");
      s.t1 = *d;
    }
  if (sip["t2"])
    if (auto d = r.duration(sip["t2"], "t2")) s.t2 = *d;
  if (s.t2 < s.t1)  // §17.1.2.2: retransmit intervals double from T1 up to T2
    r.error(sip["t2"] ? sip["t2"] : sip,
            fmt::format("t2 ({}) must not be shorter than t1 ({})", format_duration(s.t2), format_duration(s.t1)));
  if (sip["t4"])
    if (auto d = r.duration(sip["t4"], "t4")) {
      if (d->count() == 0) r.error(sip["t4"], "t4: expected more than 0s");
      s.t4 = *d;
    }
  if (sip["timer_c"])
    if (auto d = r.duration(sip["timer_c"], "timer_c")) {
      check_timer_c(c, sip["timer_c"], *d);
      s.timer_c = *d;
    }
  if (sip["transport"])
    if (auto t = r.choice(sip["transport"], "transport", {"udp", "tcp"})) s.transport = *parse_transport(*t);
  if (sip["100rel"])
    if (auto b = r.boolean(sip["100rel"], "100rel")) {
      if (*b) r.error(sip["100rel"], "100rel: expected false (RFC 3262 reliable provisional responses are not modelled)");
      s.reliable_provisional = *b;
    }
}

void read_dns(LoadContext& c, const YAML::Node& dns) {
  YamlReader& r = c.reader;
  if (!r.expect_list(dns, "dns servers (a list of {node, zones})")) return;
  for (const auto& d : dns) {
    if (!r.expect_map(d, "a dns server {node, zones}")) continue;
    r.check_keys(d, "dns server", {"node", "zones"});
    DnsServerSpec server;
    server.source_line = r.line_of(d);
    if (r.require(d, "node", "dns server", "the node that serves the zones")) {
      if (auto node = c.node_ref(d["node"], "node of dns server")) {
        if (c.is_dns_node(*node))
          r.error(d["node"], fmt::format("node '{}' is already a dns server; list all its zones in one entry", *node));
        server.node = *node;
      }
    }
    if (r.require(d, "zones", "dns server", "a list of zone files") &&
        r.expect_list(d["zones"], "zones of dns server (zone file paths, relative to the scenario file)")) {
      if (d["zones"].size() == 0) r.error(d["zones"], "zones of dns server: expected at least one zone file");
      for (const auto& z : d["zones"]) {
        auto name = r.text(z, "zone file");
        if (!name) continue;
        std::filesystem::path path = std::filesystem::path(*name).is_absolute() ? std::filesystem::path(*name)
                                                                                : c.base_dir / *name;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) {
          r.error(z, fmt::format("zone file '{}' not found (looked for {})", *name, path.string()));
          continue;
        }
        auto problems = c.zone_checker(path);
        if (!problems.empty()) {
          r.error(z, fmt::format("zone file '{}' does not parse ({} error{}, listed next)", *name, problems.size(),
                                 problems.size() == 1 ? "" : "s"));
          for (auto& p : problems) r.add(std::move(p));
        }
        server.zone_files.push_back(std::move(path));
      }
    }
    if (!server.node.empty()) c.spec.dns_servers.push_back(std::move(server));
  }
}

}  // namespace siplab::scenario

namespace siplab::scenario {
namespace {

std::optional<RegistrarSpec> read_registrar(LoadContext& c, const YAML::Node& v, const std::string& domain) {
  YamlReader& r = c.reader;
  if (!r.expect_map(v, "registrar {realm, expires, max_expires, min_expires, users, algorithm}")) return std::nullopt;
  r.check_keys(v, "registrar", {"realm", "expires", "max_expires", "min_expires", "users", "algorithm"});
  RegistrarSpec reg;
  reg.realm = domain;
  const size_t errors_before = r.error_count();
  if (v["realm"])
    if (auto realm = r.text(v["realm"], "realm of registrar")) reg.realm = *realm;
  // Expiry values are SIP delta-seconds (RFC 3261 §20.19), so plain integers.
  constexpr uint64_t kMaxDelta = 4294967295u;  // 2^32-1 (§20.19)
  if (v["expires"])
    if (auto e = r.integer(v["expires"], "expires of registrar (seconds)", 1, kMaxDelta)) reg.default_expires = *e;
  if (v["max_expires"])
    if (auto e = r.integer(v["max_expires"], "max_expires of registrar (seconds)", 1, kMaxDelta)) reg.max_expires = *e;
  if (v["min_expires"])
    if (auto e = r.integer(v["min_expires"], "min_expires of registrar (seconds)", 1, kMaxDelta)) reg.min_expires = *e;
  // An explicit expires above the default max raises the max with it.
  if (v["expires"] && !v["max_expires"] && reg.default_expires > reg.max_expires) reg.max_expires = reg.default_expires;
  if (reg.min_expires > reg.default_expires || reg.default_expires > reg.max_expires)
    r.error(v, fmt::format("registrar: expected min_expires <= expires <= max_expires; got {} <= {} <= {}",
                           reg.min_expires, reg.default_expires, reg.max_expires));
  if (v["users"] && r.expect_map(v["users"], "users of registrar {name: password}")) {
    for (const auto& kv : v["users"]) {
      auto name = r.text(kv.first, "user name in registrar");
      auto password = r.text(kv.second, "password in registrar");
      if (!name || !password) continue;
      if (!reg.users.emplace(*name, *password).second)
        r.error(kv.first, fmt::format("user '{}' is listed twice in registrar", *name));
    }
  }
  if (v["algorithm"])
    if (auto a = r.choice(v["algorithm"], "algorithm of registrar", {"MD5", "SHA-256"}))
      reg.algorithm = *a == "MD5" ? DigestAlgorithm::Md5 : DigestAlgorithm::Sha256;
  if (r.error_count() != errors_before) return std::nullopt;
  return reg;
}

}  // namespace

void read_proxies(LoadContext& c, const YAML::Node& proxies) {
  YamlReader& r = c.reader;
  if (!r.expect_list(proxies, "proxies (a list of {node, domain, ...})")) return;
  for (const auto& p : proxies) {
    if (!r.expect_map(p, "a proxy {node, domain, port, record_route, forking, timer_c, registrar}")) continue;
    r.check_keys(p, "proxy", {"node", "domain", "port", "record_route", "forking", "timer_c", "registrar"});
    ProxySpec proxy;
    proxy.source_line = r.line_of(p);
    proxy.timer_c = c.spec.sip.timer_c;
    if (r.require(p, "node", "proxy", "the node the proxy runs on"))
      if (auto node = c.node_ref(p["node"], "node of proxy")) {
        if (c.is_proxy_node(*node))
          r.error(p["node"], fmt::format("node '{}' already runs a proxy (one proxy per node)", *node));
        else
          proxy.node = *node;
      }
    if (r.require(p, "domain", "proxy", "the domain it serves, e.g. domain.ru"))
      if (auto domain = r.text(p["domain"], "domain of proxy")) {
        if (!valid_domain(*domain))
          r.error(p["domain"], fmt::format("domain of proxy: expected a host name such as domain.ru; got '{}'", *domain));
        proxy.domain = *domain;
      }
    if (p["port"])
      if (auto port = r.integer(p["port"], "port of proxy", 1, 65535)) proxy.port = static_cast<uint16_t>(*port);
    if (p["record_route"])
      if (auto b = r.boolean(p["record_route"], "record_route of proxy")) proxy.record_route = *b;
    if (p["forking"])
      if (auto f = r.choice(p["forking"], "forking of proxy", {"parallel", "sequential"}))
        proxy.forking = *f == "parallel" ? Forking::Parallel : Forking::Sequential;
    if (p["timer_c"])
      if (auto d = r.duration(p["timer_c"], "timer_c of proxy")) {
        check_timer_c(c, p["timer_c"], *d);
        proxy.timer_c = *d;
      }
    if (p["registrar"]) proxy.registrar = read_registrar(c, p["registrar"], proxy.domain);
    if (!proxy.node.empty()) c.spec.proxies.push_back(std::move(proxy));
  }
}

void read_resolvers(LoadContext& c, const YAML::Node& resolvers) {
  YamlReader& r = c.reader;
  if (!r.expect_list(resolvers, "resolvers (a list of {node, servers, timeout, attempts})")) return;
  for (const auto& v : resolvers) {
    if (!r.expect_map(v, "a resolver {node, servers, timeout, attempts}")) continue;
    r.check_keys(v, "resolver", {"node", "servers", "timeout", "attempts"});
    ResolverSpec res;
    for (const auto& d : c.spec.dns_servers) res.servers.push_back(d.node);
    if (!r.require(v, "node", "resolver", "the node whose stub resolver this configures")) continue;
    auto node = c.node_ref(v["node"], "node of resolver");
    if (!node) continue;
    if (c.spec.resolver_for(*node)) {
      r.error(v["node"], fmt::format("node '{}' has a second resolver entry", *node));
      continue;
    }
    res.node = *node;
    if (v["servers"] && r.expect_list(v["servers"], "servers of resolver (dns server node names)")) {
      res.servers.clear();
      for (const auto& s : v["servers"]) {
        auto name = c.node_ref(s, "server of resolver");
        if (!name) continue;
        if (!c.is_dns_node(*name)) {
          std::string dns_nodes;
          for (const auto& d : c.spec.dns_servers) dns_nodes += (dns_nodes.empty() ? "" : ", ") + d.node;
          r.error(s, fmt::format("server of resolver: node '{}' is not a dns server (dns servers: {})", *name,
                                 dns_nodes.empty() ? "none" : dns_nodes));
          continue;
        }
        res.servers.push_back(*name);
      }
      if (v["servers"].size() == 0) r.error(v["servers"], "servers of resolver: expected at least one dns server");
    }
    if (v["timeout"])
      if (auto d = r.duration(v["timeout"], "timeout of resolver")) {
        if (d->count() == 0) r.error(v["timeout"], "timeout of resolver: expected more than 0s");
        res.timeout = *d;
      }
    if (v["attempts"])
      if (auto a = r.integer(v["attempts"], "attempts of resolver", 1, 100)) res.attempts = static_cast<uint32_t>(*a);
    c.spec.resolvers.push_back(std::move(res));
  }
}

}  // namespace siplab::scenario
