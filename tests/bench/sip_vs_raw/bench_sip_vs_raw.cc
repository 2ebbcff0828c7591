// What the SIP cores cost on top of ns-3: N independent non-INVITE (OPTIONS)
// transactions between two SipNodeApps over one point-to-point link, then N
// raw ns-3 UDP request/response exchanges of the same sizes on the same
// topology, in one process.  The SIP run is made twice: with a trace sink
// on both nodes (what `siplab run` does: every message, state change and
// timer becomes a trace event carrying the message text) and without one
// (the node then builds no traces).  Prints the wall times and the ratios
// (target: SIP at most 1.5x raw).  Plain program, not run by ctest:
//   bench_sip_vs_raw [N=20000] [spacing_us=50] [only=sip|traced|raw|both] [rounds=5]
//                    [checksums=on|off]
// `checksums` (default on, as `siplab run` builds its topologies): whether
// ns-3 computes IPv4, UDP and TCP checksums.  They are about a quarter of
// ns-3's own work per packet, the same for both parts, so they lower the
// ratio; `off` measures against the lighter ns-3 of earlier rounds.
// `both` (the default) first makes one traced SIP run that is not timed
// (it measures the datagram sizes and grows the heap), then runs the
// traced SIP part, the untraced SIP part and the raw part `rounds` times,
// in turn, and prints each ratio's median over the rounds and the ratio of
// the fastest rounds.
// `only` runs just that part (for a profiler: callgrind on one run), once,
// or `rounds` times when rounds are given; the raw part then takes its
// datagram sizes from a one-transaction traced run.
// The wall clock is read here, around Simulator::Run(), never inside the
// runtime.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "models/sip/message/parser.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"
#include "sim/runtime/ns3_address.h"
#include "sim/runtime/sip_node_app.h"
#include "sim/topology/topology.h"

namespace {

using namespace siplab;
using namespace std::chrono_literals;

bool g_checksums = true;  // the bench's `checksums` argument

std::unique_ptr<topo::Topology> pair_topology() {
  topo::TopologySpec spec;
  spec.checksums = g_checksums;
  spec.nodes.push_back({"client", std::nullopt, std::nullopt, 1});
  spec.nodes.push_back({"server", std::nullopt, std::nullopt, 2});
  topo::LinkSpec link;
  link.a = "client";
  link.b = "server";
  link.delay = 10ms;
  link.rate_bps = 1'000'000'000;
  link.queue_packets = 100000;
  spec.links.push_back(link);
  auto built = topo::Topology::build(spec, 1);
  if (auto* errors = std::get_if<topo::TopologyErrors>(&built)) {
    std::fprintf(stderr, "topology: %s\n", errors->front().message.c_str());
    std::exit(2);
  }
  return std::move(std::get<std::unique_ptr<topo::Topology>>(built));
}

class Uac : public sip::TransactionUser {
 public:
  void attach(sip::TuContext& context) override { ctx = &context; }
  void on_request(Instant, sip::RequestReceived&&) override {}
  void on_response(Instant, sip::RequestHandle, const sip::Message& response, sip::ResponseOrigin) override {
    if (response.status_code() == 200) ++ok;
  }
  void on_stray_response(Instant, const sip::Message&) override {}
  void on_server_failure(Instant, sip::TxnId, sip::ServerFailure) override {}
  void on_timer(Instant, sip::TimerCookie) override {}
  sip::TuContext* ctx = nullptr;
  uint64_t ok = 0;
};

class Uas : public sip::TransactionUser {
 public:
  void attach(sip::TuContext& context) override { ctx_ = &context; }
  void on_request(Instant now, sip::RequestReceived&& r) override {
    if (r.txn != sip::kNoTxn) ctx_->send_response(now, r.txn, sip::make_response(r.request, 200, {}, "uastag"));
  }
  void on_response(Instant, sip::RequestHandle, const sip::Message&, sip::ResponseOrigin) override {}
  void on_stray_response(Instant, const sip::Message&) override {}
  void on_server_failure(Instant, sip::TxnId, sip::ServerFailure) override {}
  void on_timer(Instant, sip::TimerCookie) override {}

 private:
  sip::TuContext* ctx_ = nullptr;
};

// The request a UA core would build: parsed once, then copied with a fresh
// Call-ID per transaction (a TU builds messages, it does not parse them).
sip::Message options_template(const std::string& uri) {
  auto parsed = sip::parse_message("OPTIONS " + uri +
                                   " SIP/2.0\r\n"
                                   "Max-Forwards: 70\r\n"
                                   "From: <sip:peter@example.org>;tag=ftag\r\n"
                                   "To: <" + uri + ">\r\n"
                                   "Call-ID: bench-0@example.org\r\n"
                                   "CSeq: 1 OPTIONS\r\n"
                                   "Content-Length: 0\r\n\r\n");
  if (!parsed.ok()) {
    std::fprintf(stderr, "template: %s\n", parsed.error().reason.c_str());
    std::exit(2);
  }
  return std::move(parsed.value());
}

struct Result {
  double seconds = 0;
  uint64_t completed = 0;
  size_t request_bytes = 0;
  size_t response_bytes = 0;
  uint64_t trace_events = 0;
};

sip::SipNodeConfig config(const std::string& name, const IpAddress& address) {
  sip::SipNodeConfig c;
  c.identity.name = name;
  c.identity.address = address;
  return c;
}

// A stand-in for the trace collector: reads what the collector reads (the
// summary and the message text) without rendering JSON, so the bench
// measures what the stack hands over, not the collector's formatting.
struct TraceSink {
  Result* result;
  bool client;
  void operator()(const sip::NodeTrace& t) const {
    ++result->trace_events;
    const auto* e = std::get_if<sip::TraceEvent>(&t);
    if (!e) return;
    const auto* m = std::get_if<sip::MessageEvent>(e);
    if (!m || m->action != sip::MessageAction::Sent) return;
    if (m->text.size() != m->bytes || m->summary.first_line.empty()) {
      std::fprintf(stderr, "trace: message event without its text or summary\n");
      std::exit(2);
    }
    size_t& slot = client ? result->request_bytes : result->response_bytes;
    if (!slot) slot = m->bytes;
  }
};

Result run_sip(uint64_t n, ns3::Time spacing, bool traced) {
  auto topology = pair_topology();
  const IpAddress client_address = *topology->address_of("client");
  const IpAddress server_address = *topology->address_of("server");
  SeededRandom client_random(1), server_random(2);
  Uac uac;
  Uas uas;
  auto client = ns3::CreateObject<runtime::SipNodeApp>(config("client", client_address), client_random, uac);
  auto server = ns3::CreateObject<runtime::SipNodeApp>(config("server", server_address), server_random, uas);
  topology->node("client")->AddApplication(client);
  topology->node("server")->AddApplication(server);
  Result result;
  // The traced run also records the request's and response's sizes for the raw run.
  if (traced) {
    client->set_trace_sink(TraceSink{&result, true});
    server->set_trace_sink(TraceSink{&result, false});
  }
  const std::string uri = "sip:ivan@" + server_address.to_string();
  const sip::Uri next_hop = *sip::parse_uri(uri);
  const sip::Message request = options_template(uri);
  for (uint64_t i = 0; i < n; ++i) {
    client->command_at(spacing * static_cast<int64_t>(i), [i, &request, &next_hop](sip::TuContext& ctx) {
      sip::Message m = request;
      m.set_header("Call-ID", "bench-" + std::to_string(i) + "@example.org");
      ctx.send_request(Instant{ns3::Simulator::Now().GetNanoSeconds()}, std::move(m), next_hop);
    });
  }
  const auto start = std::chrono::steady_clock::now();
  ns3::Simulator::Run();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.completed = uac.ok;
  ns3::Simulator::Destroy();
  return result;
}

// The raw exchange: a request datagram of the SIP request's size, answered
// at once by one of the SIP response's size.
class RawPeer {
 public:
  RawPeer(ns3::Ptr<ns3::Node> node, const Endpoint& local, size_t reply_bytes)
      : reply_bytes_(reply_bytes), local_(local), node_(node) {}
  void start() {
    socket_ = ns3::Socket::CreateSocket(node_, ns3::UdpSocketFactory::GetTypeId());
    socket_->Bind(runtime::to_ns3_socket_address(local_));
    socket_->SetRecvCallback(ns3::MakeCallback(&RawPeer::on_readable, this));
  }
  void send(const Endpoint& to, size_t bytes) {
    buffer_.assign(bytes, 'x');
    socket_->SendTo(ns3::Create<ns3::Packet>(reinterpret_cast<const uint8_t*>(buffer_.data()), bytes), 0,
                    runtime::to_ns3_socket_address(to));
  }
  uint64_t received = 0;

 private:
  void on_readable(ns3::Ptr<ns3::Socket> socket) {
    ns3::Address from;
    while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from)) {
      buffer_.resize(packet->GetSize());
      packet->CopyData(reinterpret_cast<uint8_t*>(buffer_.data()), packet->GetSize());
      ++received;
      if (reply_bytes_) send(runtime::endpoint_from_ns3(from), reply_bytes_);
    }
  }
  size_t reply_bytes_;
  Endpoint local_;
  ns3::Ptr<ns3::Node> node_;
  ns3::Ptr<ns3::Socket> socket_;
  std::string buffer_;
};

Result run_raw(uint64_t n, ns3::Time spacing, size_t request_bytes, size_t response_bytes) {
  auto topology = pair_topology();
  const Endpoint client_ep{*topology->address_of("client"), 5060};
  const Endpoint server_ep{*topology->address_of("server"), 5060};
  RawPeer client(topology->node("client"), client_ep, 0);
  RawPeer server(topology->node("server"), server_ep, response_bytes);
  ns3::Simulator::Schedule(ns3::Seconds(0), [&] {
    client.start();
    server.start();
  });
  for (uint64_t i = 0; i < n; ++i)
    ns3::Simulator::Schedule(spacing * static_cast<int64_t>(i),
                             [&client, server_ep, request_bytes] { client.send(server_ep, request_bytes); });
  const auto start = std::chrono::steady_clock::now();
  ns3::Simulator::Run();
  Result result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.completed = client.received;
  result.request_bytes = request_bytes;
  result.response_bytes = response_bytes;
  ns3::Simulator::Destroy();
  return result;
}

}  // namespace

// The median of `values` (the mean of the middle two for an even count).
double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int main(int argc, char** argv) {
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  const int64_t spacing_us = argc > 2 ? std::strtoll(argv[2], nullptr, 10) : 50;
  const std::string only = argc > 3 ? argv[3] : "";
  const long rounds = argc > 4 ? std::strtol(argv[4], nullptr, 10) : 5;
  const std::string checksums = argc > 5 ? argv[5] : "on";
  if (n == 0 || spacing_us <= 0 || rounds <= 0 ||
      !(only.empty() || only == "both" || only == "sip" || only == "traced" || only == "raw") ||
      !(checksums == "on" || checksums == "off")) {
    std::fprintf(stderr,
                 "usage: bench_sip_vs_raw [N>0] [spacing_us>0] [only=sip|traced|raw|both] [rounds>0] "
                 "[checksums=on|off]\n");
    return 2;
  }
  g_checksums = checksums == "on";
  const ns3::Time spacing = ns3::MicroSeconds(spacing_us);
  auto line = [n](const char* what, const Result& r, const char* unit) {
    std::printf("%-11s %.3f s wall, %llu/%llu completed (%.1f us per %s)\n", what, r.seconds,
                static_cast<unsigned long long>(r.completed), static_cast<unsigned long long>(n),
                1e6 * r.seconds / static_cast<double>(n), unit);
  };
  if (!only.empty() && only != "both") {
    // One run unless rounds are given; then that many in one process, so a
    // profiler can look past the first run's heap growth.
    const long runs = argc > 4 ? rounds : 1;
    const Result sizes = only == "raw" ? run_sip(1, spacing, true) : Result{};
    bool all_completed = true;
    for (long run = 0; run < runs; ++run) {
      const Result r = only == "raw" ? run_raw(n, spacing, sizes.request_bytes, sizes.response_bytes)
                                     : run_sip(n, spacing, only == "traced");
      std::string label = only;
      label.push_back(':');
      line(label.c_str(), r, only == "raw" ? "exchange" : "transaction");
      all_completed = all_completed && r.completed == n;
    }
    return all_completed ? 0 : 1;
  }
  // A first traced run, not timed: it measures the message sizes for the
  // raw runs and pays for growing the heap, which would otherwise fall on
  // whichever part ran first.  Then the three parts in turn, round by
  // round, so that a load that comes and goes on a shared machine hits
  // them alike; the ratios are the rounds' medians.
  const Result sizes = run_sip(n, spacing, true);
  std::printf("N=%llu spacing=%lldus request=%zuB response=%zuB rounds=%ld checksums=%s\n",
              static_cast<unsigned long long>(n), static_cast<long long>(spacing_us), sizes.request_bytes,
              sizes.response_bytes, rounds, checksums.c_str());
  bool all_completed = sizes.completed == n;
  std::vector<double> plain_ratios, traced_ratios, plain_seconds, traced_seconds, raw_seconds;
  for (long round = 0; round < rounds; ++round) {
    const Result traced = run_sip(n, spacing, true);
    const Result plain = run_sip(n, spacing, false);
    const Result raw = run_raw(n, spacing, sizes.request_bytes, sizes.response_bytes);
    all_completed = all_completed && traced.completed == n && plain.completed == n && raw.completed == n;
    line("sip traced:", traced, "transaction");
    line("sip:", plain, "transaction");
    line("raw:", raw, "exchange");
    plain_ratios.push_back(plain.seconds / raw.seconds);
    traced_ratios.push_back(traced.seconds / raw.seconds);
    plain_seconds.push_back(plain.seconds);
    traced_seconds.push_back(traced.seconds);
    raw_seconds.push_back(raw.seconds);
  }
  auto fastest = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
  std::printf("trace events (per traced run): %llu\n", static_cast<unsigned long long>(sizes.trace_events));
  std::printf("ratio sip/raw: %.2f untraced (median of %ld rounds, from %.2f to %.2f), %.2f traced (from %.2f to %.2f)"
              " (target <= 1.5)\n",
              median(plain_ratios), rounds, fastest(plain_ratios),
              *std::max_element(plain_ratios.begin(), plain_ratios.end()), median(traced_ratios),
              fastest(traced_ratios), *std::max_element(traced_ratios.begin(), traced_ratios.end()));
  // Load on a shared machine only ever slows a round down, so the fastest
  // rounds are the least disturbed ones.
  std::printf("fastest rounds: sip %.3f s, sip traced %.3f s, raw %.3f s: ratio %.2f untraced, %.2f traced\n",
              fastest(plain_seconds), fastest(traced_seconds), fastest(raw_seconds),
              fastest(plain_seconds) / fastest(raw_seconds), fastest(traced_seconds) / fastest(raw_seconds));
  return all_completed ? 0 : 1;
}
