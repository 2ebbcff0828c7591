#include "sim/runner/run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <set>

#include "ns3/nstime.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"

#include "models/common/random.h"
#include "models/dns/authority.h"
#include "models/dns/zone.h"
#include "models/sip/core/proxy/proxy.h"
#include "models/sip/core/ua/user_agent.h"
#include "sim/report/ladder.h"
#include "sim/report/report.h"
#include "sim/report/trace.h"
#include "sim/runner/expectations.h"
#include "sim/runtime/dns_server_app.h"
#include "sim/runtime/sip_node_app.h"
#include "sim/runtime/topology_trace.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/topology/loss_models.h"
#include "sim/topology/topology.h"
#include "sim/trace/collector.h"
#include "sim/trace/trace_writer.h"

namespace siplab::runner {
namespace {

namespace fs = std::filesystem;
using scenario::ScenarioSpec;

ns3::Time to_ns3(Duration d) { return ns3::NanoSeconds(d.count()); }
Instant sim_now() { return Instant{ns3::Simulator::Now().GetNanoSeconds()}; }

// Every SIP node draws from its own generator, seeded from the scenario seed
// and the node's position, so adding a node does not shift the others' draws.
uint64_t node_seed(uint64_t seed, size_t index) {
  SeededRandom mix(seed ^ (0x9e3779b97f4a7c15ULL * (index + 1)));
  return mix.next_u64();
}

sip::TimerConfig timers_of(const ScenarioSpec& spec) {
  sip::TimerConfig t;
  t.t1 = spec.sip.t1;
  t.t2 = spec.sip.t2;
  t.t4 = spec.sip.t4;
  return t;
}

// Everything one run builds; torn down after Simulator::Destroy().
struct World {
  std::unique_ptr<topo::Topology> topology;
  std::ofstream trace_file;
  std::unique_ptr<trace::TraceWriter> writer;
  std::unique_ptr<trace::Collector> collector;
  std::vector<std::unique_ptr<SeededRandom>> randoms;
  std::map<std::string, std::unique_ptr<sip::ProxyCore>> proxies;    // by node
  std::map<std::string, std::unique_ptr<sip::UserAgent>> agents;     // by device node
  std::map<std::string, ns3::Ptr<runtime::SipNodeApp>> apps;        // by node
  // Saved receive error models of links taken down (restored by link_up).
  std::map<std::pair<size_t, bool>, ns3::Ptr<ns3::ErrorModel>> saved_error_models;
};

struct Problem {
  std::string message;
};

sip::SipNodeConfig node_config(const ScenarioSpec& spec, const topo::Topology& topology, const std::string& node) {
  sip::SipNodeConfig c;
  c.identity.name = node;
  c.identity.address = *topology.address_of(node);
  c.identity.address6 = topology.address6_of(node);
  c.identity.port = 5060;
  c.identity.default_transport = spec.sip.transport;
  c.stack.timers = timers_of(spec);
  if (const auto* resolver = spec.resolver_for(node)) {
    for (const auto& server : resolver->servers) c.resolver.servers.push_back({*topology.address_of(server), 53});
    c.resolver.timeout = resolver->timeout;
    c.resolver.attempts = static_cast<int>(resolver->attempts);
  }
  c.locator.transports = {Transport::Udp, Transport::Tcp};
  // A dual-stack node (the scenario has ipv6) listens on both addresses and
  // sends to an IPv6 target from its IPv6 one, so RFC 3263 location looks
  // up AAAA too (first: RFC 6724 prefers IPv6); an IPv4-only node, A only.
  c.locator.ipv6 = c.identity.address6.has_value();
  return c;
}

void add_sip_app(const ScenarioSpec& spec, World& world, const std::string& node, sip::TransactionUser& tu,
                 sip::SipNodeConfig config, size_t index) {
  world.randoms.push_back(std::make_unique<SeededRandom>(node_seed(spec.seed, index)));
  auto app = ns3::Create<runtime::SipNodeApp>(std::move(config), *world.randoms.back(), tu);
  trace::Collector* collector = world.collector.get();
  std::string name = node;
  app->set_trace_sink([collector, name](const sip::NodeTrace& event) { collector->node_trace(name, event); });
  world.topology->node(node)->AddApplication(app);
  app->SetStartTime(ns3::Seconds(0));
  world.apps[node] = app;
}

std::optional<Problem> build_dns(const ScenarioSpec& spec, World& world) {
  for (const auto& server : spec.dns_servers) {
    auto authority = std::make_shared<dns::Authority>();
    for (const auto& file : server.zone_files) {
      auto zone = dns::load_zone_file(file.string());
      if (!zone.zone) return Problem{zone.errors.empty() ? file.string() + ": unreadable zone" : dns::format_error(zone.errors[0])};
      authority->add_zone(std::move(*zone.zone));
    }
    auto app = ns3::Create<runtime::DnsServerApp>(authority, *world.topology->address_of(server.node), 53);
    trace::Collector* collector = world.collector.get();
    std::string name = server.node;
    app->set_observer([collector, name](Instant now, const Endpoint& client, const Endpoint& local,
                                        const std::optional<dns::Message>& query,
                                        const std::optional<dns::Message>& answer) {
      collector->dns_serve(now, name, client, local, query, answer);
    });
    world.topology->node(server.node)->AddApplication(app);
    app->SetStartTime(ns3::Seconds(0));
  }
  return std::nullopt;
}

sip::ProxyConfig proxy_config(const ScenarioSpec& spec, const scenario::ProxySpec& p) {
  sip::ProxyConfig c;
  c.domain = p.domain;
  c.record_route = p.record_route;
  c.sequential_forking = p.forking == scenario::Forking::Sequential;
  c.timer_c = p.timer_c;
  if (p.registrar) {
    sip::RegistrarConfig r;
    r.realm = p.registrar->realm;
    r.default_expires = p.registrar->default_expires;
    r.max_expires = p.registrar->max_expires;
    r.min_expires = p.registrar->min_expires;
    r.users = p.registrar->users;
    r.algorithm = p.registrar->algorithm == scenario::DigestAlgorithm::Sha256 ? sip::DigestAlgorithmChoice::Sha256
                                                                               : sip::DigestAlgorithmChoice::Md5;
    c.registrar = r;
  }
  (void)spec;
  return c;
}

sip::UaConfig ua_config(const ScenarioSpec& spec, const scenario::UserSpec& user, const scenario::DeviceSpec& device) {
  sip::UaConfig c;
  c.aor = user.aor;
  c.username = user.user;
  c.password = user.password;
  c.outbound_proxy = user.outbound_proxy;
  c.registrar = "sip:" + user.domain;
  c.expires = device.expires;
  c.refresh_fraction = device.refresh_fraction;
  c.transport = device.transport;
  c.timers = timers_of(spec);
  return c;
}

std::optional<Problem> build_sip(const ScenarioSpec& spec, World& world) {
  size_t index = 0;
  for (const auto& p : spec.proxies) {
    auto core = std::make_unique<sip::ProxyCore>(proxy_config(spec, p));
    auto config = node_config(spec, *world.topology, p.node);
    config.identity.port = p.port;
    // Proxy validation rules (§16.3) and its own 100 Trying handling.
    sip::configure_proxy_node(config, core->config());
    add_sip_app(spec, world, p.node, *core, std::move(config), index++);
    world.proxies[p.node] = std::move(core);
  }
  for (const auto& user : spec.users) {
    for (const auto& device : user.devices) {
      if (world.agents.count(device.node) || world.proxies.count(device.node))
        return Problem{fmt::format("{}:{}: node '{}' would host a second SIP element; one user agent or proxy per node",
                                   spec.source_file.string(), user.source_line, device.node)};
      auto agent = std::make_unique<sip::UserAgent>(ua_config(spec, user, device));
      auto config = node_config(spec, *world.topology, device.node);
      // RFC 3263 §4.1: the client keeps only the NAPTR services / SRV
      // transports it supports.  Every UA implements UDP and TCP (RFC 3261
      // §18); a device set to TCP uses only TCP.
      config.locator.transports = device.transport == Transport::Tcp ? sip::locate::TransportSet{Transport::Tcp}
                                                                     : sip::locate::TransportSet{Transport::Udp, Transport::Tcp};
      config.identity.default_transport = device.transport;
      add_sip_app(spec, world, device.node, *agent, std::move(config), index++);
      world.agents[device.node] = std::move(agent);
    }
  }
  return std::nullopt;
}

std::vector<std::string> devices_of(const ScenarioSpec& spec, const std::string& aor,
                                    const std::optional<std::string>& only) {
  std::vector<std::string> out;
  if (const auto* user = spec.find_user(aor))
    for (const auto& d : user->devices)
      if (!only || *only == d.node) out.push_back(d.node);
  return out;
}

// Runs `f(agent)` on a device's user agent at simulated time `at`.
void at_device(World& world, Duration at, const std::string& node, std::function<void(sip::UserAgent&)> f) {
  sip::UserAgent* agent = world.agents.at(node).get();
  world.apps.at(node)->command_at(to_ns3(at), [agent, f](sip::TuContext&) { f(*agent); });
}

void set_link_state(World& world, const scenario::LinkStateAction& action) {
  auto direction = world.topology->direction(action.a, action.b);
  if (!direction) return;
  const size_t link = direction->link;
  for (bool end_b : {false, true}) {
    auto device = world.topology->device(link, end_b);
    auto key = std::make_pair(link, end_b);
    if (!action.up) {
      ns3::PointerValue current;
      device->GetAttribute("ReceiveErrorModel", current);
      world.saved_error_models[key] = current.Get<ns3::ErrorModel>();
      // Down from now until link_up: every packet arriving is lost on the link.
      auto down = ns3::CreateObject<topo::OutageLossModel>();
      down->Configure(ns3::Simulator::Now(), ns3::Time::Max());
      device->SetReceiveErrorModel(down);
    } else if (auto it = world.saved_error_models.find(key); it != world.saved_error_models.end()) {
      device->SetReceiveErrorModel(it->second);
      world.saved_error_models.erase(it);
    }
  }
}

void schedule_events(const ScenarioSpec& spec, World& world) {
  for (const auto& event : spec.events) {
    const Duration at = event.at;
    std::visit(
        [&](const auto& action) {
          using A = std::decay_t<decltype(action)>;
          if constexpr (std::is_same_v<A, scenario::RegisterAction>) {
            for (const auto& node : devices_of(spec, action.aor, action.device)) {
              auto expires = action.expires;
              at_device(world, at, node, [expires](sip::UserAgent& ua) { ua.register_binding(sim_now(), expires); });
            }
          } else if constexpr (std::is_same_v<A, scenario::UnregisterAction>) {
            for (const auto& node : devices_of(spec, action.aor, action.device))
              at_device(world, at, node, [](sip::UserAgent& ua) { ua.unregister(sim_now()); });
          } else if constexpr (std::is_same_v<A, scenario::CallAction>) {
            // The callee's devices learn how to answer before the INVITE can reach them.
            sip::AnswerPolicy ring;
            ring.kind = sip::AnswerPolicy::Kind::NoAnswer;
            std::optional<Duration> caller_hangup;
            for (const auto& node : devices_of(spec, action.to, std::nullopt)) {
              sip::AnswerPolicy policy = ring;
              if (auto* answer = std::get_if<scenario::AnswerBehaviour>(&action.callee)) {
                if (answer->device == node) {
                  policy.kind = sip::AnswerPolicy::Kind::Answer;
                  policy.code = 200;
                  policy.after = answer->after;
                  if (action.hangup && action.hangup->by == scenario::Party::Callee)
                    policy.hangup_after = action.hangup->after;
                }
              } else if (auto* reject = std::get_if<scenario::RejectBehaviour>(&action.callee)) {
                if (!reject->device || *reject->device == node) {
                  policy.kind = sip::AnswerPolicy::Kind::Reject;
                  policy.code = reject->code;
                  policy.after = reject->after;
                }
              }
              at_device(world, at, node, [policy](sip::UserAgent& ua) { ua.set_answer_policy(policy); });
            }
            if (action.hangup && action.hangup->by == scenario::Party::Caller) caller_hangup = action.hangup->after;
            sip::CallOptions options;
            options.call_number = action.id;
            options.cancel_after = action.cancel_after;
            options.hangup_after = caller_hangup;
            const std::string to = action.to;
            at_device(world, at, action.from_device,
                      [to, options](sip::UserAgent& ua) { ua.call(sim_now(), to, options); });
          } else if constexpr (std::is_same_v<A, scenario::OptionsAction>) {
            const std::string to = action.to;
            at_device(world, at, action.from_device, [to](sip::UserAgent& ua) { ua.options(sim_now(), to); });
          } else if constexpr (std::is_same_v<A, scenario::LinkStateAction>) {
            World* w = &world;
            scenario::LinkStateAction copy = action;
            ns3::Simulator::Schedule(to_ns3(at), [w, copy]() { set_link_state(*w, copy); });
          }
        },
        event.action);
  }
}

void write_node_info(const ScenarioSpec& spec, World& world) {
  std::map<std::string, std::vector<std::string>> roles;
  std::map<std::string, std::string> labels;
  for (const auto& d : spec.dns_servers) roles[d.node].push_back("dns");
  for (const auto& p : spec.proxies) {
    roles[p.node].push_back("proxy");
    if (p.registrar) roles[p.node].push_back("registrar");
    labels[p.node] = fmt::format("{} ({})", p.node, p.domain);
  }
  for (const auto& u : spec.users)
    for (const auto& d : u.devices) roles[d.node].push_back("ua");
  for (const auto& n : spec.topology.nodes) {
    auto& r = roles[n.name];
    if (r.empty()) r.push_back("router");
    std::string label = labels.count(n.name) ? labels[n.name] : n.name;
    // Both addresses of a dual-stack node, so that ladders put the messages
    // it sends over IPv6 in its own column.
    std::vector<IpAddress> addresses{*world.topology->address_of(n.name)};
    if (auto v6 = world.topology->address6_of(n.name)) addresses.push_back(*v6);
    world.collector->node_info(n.name, label, r, addresses);
  }
}

// A progress line on a terminal for runs that take a while of wall time:
// simulated time reached and events per second.  Reads the wall clock only
// to decide when to print; nothing it does reaches an output file.
class Progress {
 public:
  Progress(bool enabled, Duration stop) : enabled_(enabled && isatty(STDERR_FILENO)), stop_(stop) {
    start_ = last_ = std::chrono::steady_clock::now();
  }
  void schedule(std::ostream& err) {
    if (!enabled_) return;
    err_ = &err;
    tick();
  }
  void finish() {
    if (printed_) *err_ << "\r\033[K" << std::flush;
  }

 private:
  void tick() {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ > std::chrono::seconds(1) && now - start_ > std::chrono::seconds(3)) {
      last_ = now;
      const double wall = std::chrono::duration<double>(now - start_).count();
      const double events = static_cast<double>(ns3::Simulator::GetEventCount());
      *err_ << fmt::format("\r\033[Ksimulated {:.1f}s of {:.1f}s, {:.0f} events/s", to_seconds(sim_now()),
                           to_seconds(stop_), events / wall)
            << std::flush;
      printed_ = true;
    }
    if (sim_now() + std::chrono::milliseconds(100) < stop_)
      ns3::Simulator::Schedule(ns3::MilliSeconds(100), [this]() { tick(); });
  }

  bool enabled_;
  Duration stop_;
  std::ostream* err_ = nullptr;
  std::chrono::steady_clock::time_point start_, last_;
  bool printed_ = false;
};

bool write_text(const fs::path& path, const std::string& text, std::ostream& err) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) {
    err << "siplab run: cannot write " << path.string() << "\n";
    return false;
  }
  return true;
}

// The renderings of the trace: ladders in every format, the report.
bool write_renderings(const ScenarioSpec& spec, const report::Trace& trace, const fs::path& dir, std::ostream& err) {
  struct Out {
    report::LadderFormat format;
    const char* file;
  };
  const Out outs[] = {{report::LadderFormat::Ascii, "ladder.txt"},   {report::LadderFormat::Svg, "ladder.svg"},
                      {report::LadderFormat::Mermaid, "ladder.mmd"}, {report::LadderFormat::PlantUml, "ladder.puml"},
                      {report::LadderFormat::Html, "ladder.html"}};
  for (const auto& o : outs) {
    report::LadderOptions options;
    options.format = o.format;
    if (!write_text(dir / o.file, report::render_ladder(trace, options), err)) return false;
  }
  auto json = report::compute_report(trace);
  (void)spec;
  return write_text(dir / "report.json", json.dump(2) + "\n", err) &&
         write_text(dir / "report.md", report::report_markdown(json), err);
}

}  // namespace

int run_scenario(const RunOptions& options, std::ostream& out, std::ostream& err) {
  // ---- load and validate: nothing runs on bad input ----
  scenario::LoadOptions load;
  for (const auto& text : options.overrides) {
    auto parsed = scenario::parse_override(text);
    if (!parsed) {
      err << "--set " << text << ": error: " << parsed.error << "\n";
      return 2;
    }
    load.overrides.push_back(*parsed.value);
  }
  load.seed = options.seed;
  auto loaded = scenario::load_scenario_file(options.scenario_file, load);
  if (!loaded.ok()) {
    err << scenario::format_diagnostics(loaded.diagnostics);
    return 2;
  }
  const ScenarioSpec& spec = *loaded.spec;

  const fs::path dir = options.output_dir ? *options.output_dir : fs::path("results") / spec.name;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    err << "siplab run: cannot create " << dir.string() << ": " << ec.message() << "\n";
    return 2;
  }

  World world;
  auto built = topo::Topology::build(spec.topology, spec.seed);
  if (auto* errors = std::get_if<topo::TopologyErrors>(&built)) {
    for (const auto& e : *errors)
      err << fmt::format("{}:{}: error: {}\n", spec.source_file.string(), e.source_line, e.message);
    return 2;
  }
  world.topology = std::move(std::get<std::unique_ptr<topo::Topology>>(built));

  world.trace_file.open(dir / "trace.jsonl", std::ios::binary | std::ios::trunc);
  if (!world.trace_file) {
    err << "siplab run: cannot write " << (dir / "trace.jsonl").string() << "\n";
    return 2;
  }
  world.writer = std::make_unique<trace::TraceWriter>(world.trace_file);
  world.collector = std::make_unique<trace::Collector>(*world.writer);
  write_node_info(spec, world);
  runtime::trace_link_drops(*world.topology, *world.collector);

  if (auto problem = build_dns(spec, world)) {
    err << problem->message << "\n";
    return 2;
  }
  if (auto problem = build_sip(spec, world)) {
    err << problem->message << "\n";
    return 2;
  }
  if (auto pcap_error = world.topology->enable_pcap(dir)) {
    err << "siplab run: " << *pcap_error << "\n";
    return 2;
  }
  if (auto dot_error = world.topology->write_dot(dir / "topology.dot")) {
    err << "siplab run: " << *dot_error << "\n";
    return 2;
  }
  schedule_events(spec, world);

  Progress progress(!options.quiet, spec.stop);
  progress.schedule(err);
  ns3::Simulator::Stop(to_ns3(spec.stop));
  ns3::Simulator::Run();
  progress.finish();
  runtime::write_link_stats(*world.topology, *world.collector, spec.stop);
  ns3::Simulator::Destroy();
  world.trace_file.close();

  // ---- renderings and expectations, from the trace alone ----
  report::Trace trace;
  try {
    trace = report::load_trace((dir / "trace.jsonl").string());
  } catch (const report::TraceError& e) {
    err << "siplab run: internal error: the trace does not read back: " << e.what() << "\n";
    return 2;
  }
  // Name the trace relative to the output folder: the renderings must not
  // depend on where the folder is (same seed, byte-identical outputs).
  trace.source = "trace.jsonl";
  if (!write_renderings(spec, trace, dir, err)) return 2;

  auto results = check_expectations(spec, trace);
  size_t failed = 0;
  for (const auto& r : results) {
    if (r.passed) continue;
    ++failed;
    out << format_failure(spec, r) << "\n";
  }
  if (!options.quiet)
    out << fmt::format("{}: {} events, {} of {} expectations hold; output in {}\n", spec.name, trace.events.size(),
                       results.size() - failed, results.size(), dir.string());
  return failed ? 1 : 0;
}

}  // namespace siplab::runner
