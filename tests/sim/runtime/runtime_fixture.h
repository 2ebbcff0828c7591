// Shared pieces of the ns-3 runtime tests: a tiny UAC and UAS transaction
// user, OPTIONS requests, topologies built through sim/topology, and a
// trace captured in memory (collector → TraceWriter → string) that tests
// read back line by line as JSON.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "models/sip/message/parser.h"
#include "models/sip/node/sip_node.h"
#include "ns3/simulator.h"
#include "sim/runtime/sip_node_app.h"
#include "sim/runtime/topology_trace.h"
#include "sim/topology/topology.h"
#include "sim/trace/collector.h"
#include "sim/trace/trace_writer.h"

namespace siplab::runtime::testing {

using namespace std::chrono_literals;

// Sends what the test commands; records every response with its instant.
class UacTu : public sip::TransactionUser {
 public:
  struct Seen {
    Instant at;
    int code;
    sip::ResponseOrigin origin;
  };
  void attach(sip::TuContext& context) override { ctx = &context; }
  void on_request(Instant, sip::RequestReceived&&) override {}
  void on_response(Instant now, sip::RequestHandle, const sip::Message& response,
                   sip::ResponseOrigin origin) override {
    responses.push_back({now, response.status_code(), origin});
  }
  void on_stray_response(Instant, const sip::Message&) override {}
  void on_server_failure(Instant, sip::TxnId, sip::ServerFailure) override {}
  void on_timer(Instant, sip::TimerCookie) override {}

  sip::TuContext* ctx = nullptr;
  std::vector<Seen> responses;
};

// Answers every request with 200 at once and counts them.
class UasTu : public sip::TransactionUser {
 public:
  void attach(sip::TuContext& context) override { ctx_ = &context; }
  void on_request(Instant now, sip::RequestReceived&& r) override {
    ++requests;
    last_request_uri = r.request.request_uri().to_string();
    if (r.txn != sip::kNoTxn) ctx_->send_response(now, r.txn, sip::make_response(r.request, 200, {}, "uastag"));
  }
  void on_response(Instant, sip::RequestHandle, const sip::Message&, sip::ResponseOrigin) override {}
  void on_stray_response(Instant, const sip::Message&) override {}
  void on_server_failure(Instant, sip::TxnId, sip::ServerFailure) override {}
  void on_timer(Instant, sip::TimerCookie) override {}

  int requests = 0;
  std::string last_request_uri;

 private:
  sip::TuContext* ctx_ = nullptr;
};

inline sip::Message options_to(const std::string& uri, const std::string& call_id = "call-1@example.org") {
  auto parsed = sip::parse_message("OPTIONS " + uri +
                                   " SIP/2.0\r\n"
                                   "Max-Forwards: 70\r\n"
                                   "From: <sip:peter@example.org>;tag=ftag\r\n"
                                   "To: <" + uri + ">\r\n"
                                   "Call-ID: " + call_id + "\r\n"
                                   "CSeq: 1 OPTIONS\r\n"
                                   "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(parsed.ok()) << parsed.error().reason;
  return std::move(parsed.value());
}

inline std::unique_ptr<topo::Topology> build_topology(const topo::TopologySpec& spec, uint64_t seed) {
  auto result = topo::Topology::build(spec, seed);
  if (auto* errors = std::get_if<topo::TopologyErrors>(&result)) {
    for (const auto& e : *errors) ADD_FAILURE() << e.source_line << ": " << e.message;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<topo::Topology>>(result));
}

// 8 Gbit/s: one byte takes exactly one nanosecond on the wire, so arrival
// instants are exact integers: delay + (IP datagram + 2-byte PPP) ns.
inline constexpr uint64_t kByteIsOneNs = 8'000'000'000;

inline topo::LinkSpec link(const std::string& a, const std::string& b, Duration delay) {
  topo::LinkSpec l;
  l.a = a;
  l.b = b;
  l.delay = delay;
  l.rate_bps = kByteIsOneNs;
  return l;
}

inline topo::TopologySpec spec_of(std::vector<std::string> nodes, std::vector<topo::LinkSpec> links) {
  topo::TopologySpec spec;
  int line = 1;
  for (auto& n : nodes) spec.nodes.push_back({n, std::nullopt, std::nullopt, line++});
  for (auto& l : links) {
    l.source_line = line++;
    spec.links.push_back(l);
  }
  return spec;
}

inline sip::SipNodeConfig node_config(const std::string& name, const IpAddress& address) {
  sip::SipNodeConfig c;
  c.identity.name = name;
  c.identity.address = address;
  return c;
}

// The whole trace of one run, in memory.
struct Capture {
  std::ostringstream out;
  trace::TraceWriter writer{out};
  trace::Collector collector{writer};

  // Creates a SipNodeApp on `node`, wires its traces to the collector.
  ns3::Ptr<SipNodeApp> install(topo::Topology& topology, const sip::SipNodeConfig& config, Random& random,
                               sip::TransactionUser& tu) {
    auto app = ns3::CreateObject<SipNodeApp>(config, random, tu);
    const std::string name = config.identity.name;
    app->set_trace_sink([this, name](const sip::NodeTrace& t) { collector.node_trace(name, t); });
    topology.node(name)->AddApplication(app);
    app->SetStartTime(ns3::Seconds(0));
    return app;
  }

  std::vector<nlohmann::json> lines() const {
    std::vector<nlohmann::json> out_lines;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) out_lines.push_back(nlohmann::json::parse(line));
    return out_lines;
  }
  // Lines of one kind (and node, when given).
  std::vector<nlohmann::json> of(const std::string& kind, const std::string& node = {}) const {
    std::vector<nlohmann::json> selected;
    for (auto& j : lines())
      if (j["kind"] == kind && (node.empty() || j["node"] == node)) selected.push_back(j);
    return selected;
  }
};

// Simulated seconds of a trace line as exact nanoseconds.
inline int64_t ns_of(const nlohmann::json& line) {
  return static_cast<int64_t>(std::llround(line["t"].get<double>() * 1e9));
}

class RuntimeTest : public ::testing::Test {
 protected:
  void TearDown() override { ns3::Simulator::Destroy(); }
};

}  // namespace siplab::runtime::testing
