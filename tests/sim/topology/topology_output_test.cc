// Files the topology leaves in the output folder: one pcap per interface that
// tshark decodes (SIP and DNS, nothing malformed), and topology.dot.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "ns3/simulator.h"
#include "sim/topology/dot_writer.h"
#include "sim/topology/topology.h"
#include "tests/sim/topology/spec_builders.h"
#include "tests/sim/topology/udp_probe.h"

namespace siplab::topo {
namespace {

using namespace std::chrono_literals;
using testing::add_link;
using testing::nodes_only;
using testing::UdpProbe;

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(::testing::TempDir()) /
                 ("siplab-topology-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

// Everything a popen'ed command prints, and its exit status.
std::pair<std::string, int> finish(FILE* pipe) {
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  return {out, ::pclose(pipe)};
}

std::pair<std::string, int> run(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {"", -1};
  return finish(pipe);
}

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

// A DNS query (RFC 1035 §4.1): id 0x1234, RD, one question example.org A IN.
std::string dns_query() {
  const unsigned char bytes[] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 7,    'e',  'x',  'a',  'm',  'p',
                                 'l',  'e',  3,    'o',  'r',  'g',  0,    0x00, 0x01,
                                 0x00, 0x01};
  return std::string(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

std::string sip_options(const std::string& from, const std::string& to) {
  return "OPTIONS sip:carol@" + to + " SIP/2.0\r\n"
         "Via: SIP/2.0/UDP " + from + ":5060;branch=z9hG4bK776asdhds\r\n"
         "Max-Forwards: 70\r\n"
         "To: <sip:carol@" + to + ">\r\n"
         "From: <sip:alice@" + from + ">;tag=1928301774\r\n"
         "Call-ID: a84b4c76e66710@" + from + "\r\n"
         "CSeq: 63104 OPTIONS\r\n"
         "Accept: application/sdp\r\n"
         "Content-Length: 0\r\n"
         "\r\n";
}

class TopologyOutput : public ::testing::Test {
 protected:
  void TearDown() override { ns3::Simulator::Destroy(); }
};

// alice --10ms-- router --20ms-- carol: alice sends carol a SIP OPTIONS and
// a DNS query, then tshark must decode both from every interface's pcap.
void check_pcaps(bool ipv6) {
  TopologySpec spec = nodes_only({"alice", "router", "carol"});
  spec.ipv6 = ipv6;
  add_link(spec, "alice", "router", 10ms, 10'000'000);
  add_link(spec, "router", "carol", 20ms, 10'000'000);
  auto built = Topology::build(spec, 1);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<Topology>>(built));
  auto topo = std::move(std::get<std::unique_ptr<Topology>>(built));
  const fs::path dir = fresh_dir(ipv6 ? "pcap6" : "pcap");
  ASSERT_EQ(topo->enable_pcap(dir), std::nullopt);
  const IpAddress alice = ipv6 ? *topo->address6_of("alice") : *topo->address_of("alice");
  const IpAddress carol = ipv6 ? *topo->address6_of("carol") : *topo->address_of("carol");
  // SIP URIs put IPv6 references in brackets (RFC 3261 §25.1).
  const std::string alice_host = ipv6 ? "[" + alice.to_string() + "]" : alice.to_string();
  const std::string carol_host = ipv6 ? "[" + carol.to_string() + "]" : carol.to_string();
  {
    UdpProbe sip(topo->node("alice"), alice, 5060);
    UdpProbe dns(topo->node("alice"), alice, 40000);
    UdpProbe sip_server(topo->node("carol"), carol, 5060);
    UdpProbe dns_server(topo->node("carol"), carol, 53);
    sip.send_at(ns3::Seconds(1), carol, 5060, sip_options(alice_host, carol_host));
    dns.send_at(ns3::Seconds(2), carol, 53, dns_query());
    ns3::Simulator::Run();
    EXPECT_EQ(sip_server.arrivals().size(), 1u);
    EXPECT_EQ(dns_server.arrivals().size(), 1u);
  }
  ns3::Simulator::Destroy();
  topo.reset();  // closes the pcap files

  const std::string ip_layer =
      ipv6 ? "Internet Protocol Version 6, Src: fd00::1, Dst: fd00::3"
           : "Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.3";
  // One verbose decode per file, all four started at once (tshark starts
  // slowly); each shows every layer of both packets.
  const char* names[] = {"alice-router.pcap", "router-alice.pcap", "router-carol.pcap",
                         "carol-router.pcap"};
  std::vector<FILE*> pipes;
  for (const char* name : names) {
    ASSERT_TRUE(fs::exists(dir / name)) << name;
    pipes.push_back(::popen(("tshark -V -r '" + (dir / name).string() + "' 2>/dev/null").c_str(),
                            "r"));
    ASSERT_NE(pipes.back(), nullptr);
  }
  for (size_t i = 0; i < pipes.size(); ++i) {
    const auto [detail, status] = finish(pipes[i]);
    EXPECT_EQ(status, 0) << names[i];
    EXPECT_EQ(count_of(detail, "Point-to-Point Protocol"), 2) << names[i] << "\n" << detail;
    EXPECT_EQ(count_of(detail, ip_layer), 2) << detail;
    EXPECT_EQ(count_of(detail, "Session Initiation Protocol (OPTIONS)"), 1) << detail;
    EXPECT_EQ(count_of(detail, "Request-Line: OPTIONS sip:carol@" + carol_host + " SIP/2.0"), 1)
        << detail;
    EXPECT_EQ(count_of(detail, "Domain Name System (query)"), 1) << detail;
    EXPECT_EQ(count_of(detail, "example.org: type A, class IN"), 1) << detail;
    EXPECT_EQ(count_of(detail, "Malformed"), 0) << detail;
  }
  fs::remove_all(dir);
}

bool have_tshark() { return run("command -v tshark >/dev/null 2>&1").second == 0; }

TEST_F(TopologyOutput, EveryInterfaceWritesAPcapThatTsharkDecodes) {
  if (!have_tshark()) GTEST_SKIP() << "tshark missing";
  check_pcaps(/*ipv6=*/false);
}

TEST_F(TopologyOutput, Ipv6PcapsDecodeToo) {
  if (!have_tshark()) GTEST_SKIP() << "tshark missing";
  check_pcaps(/*ipv6=*/true);
}

TEST_F(TopologyOutput, WriteDotWritesThePlanAsGraphviz) {
  TopologySpec spec = nodes_only({"a", "b"});
  add_link(spec, "a", "b", 2ms, 1'000'000);
  auto built = Topology::build(spec, 1);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<Topology>>(built));
  const auto& topo = std::get<std::unique_ptr<Topology>>(built);
  const fs::path dir = fresh_dir("dot");
  fs::create_directories(dir);
  ASSERT_EQ(topo->write_dot(dir / "topology.dot"), std::nullopt);
  std::ifstream in(dir / "topology.dot");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "graph topology {\n"
            "  node [shape=box];\n"
            "  \"a\" [label=\"a\\n10.0.0.1\"];\n"
            "  \"b\" [label=\"b\\n10.0.0.2\"];\n"
            "  \"a\" -- \"b\" [label=\"2ms 1Mbps 100p\"];\n"
            "}\n");
  EXPECT_EQ(topo->write_dot(dir / "missing" / "topology.dot"),
            "cannot open " + (dir / "missing" / "topology.dot").string() + " for writing");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace siplab::topo
