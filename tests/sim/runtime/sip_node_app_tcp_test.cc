// The same non-INVITE transaction over TCP: the client's stack asks for a
// new connection (open_connection), the app connects, buffers the request
// until the handshake completes, and the server answers on the connection
// it accepted (RFC 3261 §18.2.2).
#include <gtest/gtest.h>

#include "ns3/config.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"
#include "tests/sim/runtime/runtime_fixture.h"

namespace siplab::runtime::testing {
namespace {

class SipNodeAppTcp : public RuntimeTest {};

TEST_F(SipNodeAppTcp, NonInviteTransactionCompletesOverTcp) {
  Capture capture;
  auto topology = build_topology(spec_of({"client", "server"}, {link("client", "server", 10ms)}), 1);
  ASSERT_TRUE(topology);
  const IpAddress client_address = *topology->address_of("client");
  const IpAddress server_address = *topology->address_of("server");
  SeededRandom client_random{11}, server_random{22};
  UacTu uac;
  UasTu uas;
  auto client_config = node_config("client", client_address);
  client_config.locator.transports = {Transport::Udp, Transport::Tcp};  // RFC 3263 §4.1: ;transport=tcp needs TCP support
  auto client = capture.install(*topology, client_config, client_random, uac);
  auto server = capture.install(*topology, node_config("server", server_address), server_random, uas);

  const std::string uri = "sip:ivan@" + server_address.to_string() + ";transport=tcp";
  client->command_at(ns3::Seconds(0), [uri](sip::TuContext& ctx) {
    ctx.send_request(Instant{0}, options_to(uri), *sip::parse_uri(uri));
  });
  ns3::Simulator::Stop(ns3::Seconds(40));
  ns3::Simulator::Run();

  const auto sends = capture.of("sip.send");
  const auto recvs = capture.of("sip.recv");
  ASSERT_EQ(sends.size(), 2u);
  ASSERT_EQ(recvs.size(), 2u);
  for (const auto& line : sends) EXPECT_EQ(line["transport"], "TCP");
  for (const auto& line : recvs) EXPECT_EQ(line["transport"], "TCP");
  EXPECT_EQ(sends[0]["node"], "client");
  EXPECT_EQ(sends[0]["dst"], server_address.to_string() + ":5060");
  EXPECT_EQ(ns_of(sends[0]), 0);  // handed to the network at once; the app holds it until connected
  EXPECT_EQ(recvs[0]["node"], "server");
  // The connection leaves from the client's node address (not its link's),
  // as its datagrams do: the Via's sent-by and the source agree.
  // The trace names the connection's real ends on both sides: the
  // client's send and the server's receive agree (ephemeral port 49152,
  // which the core picked and the runtime bound).
  EXPECT_EQ(recvs[0]["src"], client_address.to_string() + ":49152");
  EXPECT_EQ(sends[0]["src"], recvs[0]["src"]);
  EXPECT_EQ(recvs[1]["dst"], recvs[0]["src"]);
  // SYN (10 ms), SYN-ACK (10 ms), then the request (10 ms) and the 200 back
  // (10 ms): 40 ms of propagation plus the serialization of every segment
  // ahead of it at 1 ns per byte (handshake, ACKs, the messages with their
  // TCP timestamp options).  Exact: any change in framing shows here.
  EXPECT_EQ(ns_of(recvs[0]), 30'000'504);
  EXPECT_EQ(sends[1]["first_line"], "SIP/2.0 200 OK");
  EXPECT_EQ(sends[1]["node"], "server");
  // The server answers on the accepted connection: to the client's
  // ephemeral port, not 5060.
  EXPECT_EQ(sends[1]["dst"], recvs[0]["src"]);
  ASSERT_EQ(uac.responses.size(), 1u);
  EXPECT_EQ(uac.responses[0].code, 200);
  EXPECT_EQ(uac.responses[0].origin, sip::ResponseOrigin::Network);
  EXPECT_EQ(uac.responses[0].at, Instant{40'000'876});
  EXPECT_EQ(ns_of(recvs[1]), 40'000'876);
  EXPECT_EQ(uas.requests, 1);
  // Reliable transport: no retransmission timers (§17.1.2.2: Timer E only
  // for unreliable transports), Timer K is zero.
  for (const auto& t : capture.of("timer.fire", "client")) EXPECT_NE(t["timer"], "E");
  EXPECT_EQ(client->counters().connections_opened, 1u);
  EXPECT_EQ(server->counters().connections_accepted, 1u);
  EXPECT_EQ(client->counters().connections_failed, 0u);
  EXPECT_EQ(client->counters().datagrams_out, 0u);
}

// A connect that fails is a transport error: the transaction ends with a
// local 503 (RFC 3261 §17.1.4, §8.1.3.1) as soon as ns-3 gives up, not at
// Timer F.  (ns-3 3.37 ignores an RST|ACK in SYN_SENT, so a refused port
// looks like silence; the test uses an address nobody answers and a short
// SYN budget: SYN at 1 s, the retry 1 s later, ns-3 gives up after the
// doubled 2 s timeout, at 4 s.)
TEST_F(SipNodeAppTcp, ConnectThatTimesOutFailsTheTransactionWith503) {
  ns3::Config::SetDefault("ns3::TcpSocket::ConnTimeout", ns3::TimeValue(ns3::Seconds(1)));
  ns3::Config::SetDefault("ns3::TcpSocket::ConnCount", ns3::UintegerValue(2));
  Capture capture;
  auto topology = build_topology(spec_of({"client", "server"}, {link("client", "server", 10ms)}), 1);
  ASSERT_TRUE(topology);
  const IpAddress client_address = *topology->address_of("client");
  SeededRandom client_random{11};
  UacTu uac;
  auto client_config = node_config("client", client_address);
  client_config.locator.transports = {Transport::Udp, Transport::Tcp};
  auto client = capture.install(*topology, client_config, client_random, uac);

  // 192.0.2.99 is no node: the default route takes the SYNs to the server,
  // which has no route onwards and drops them.
  const std::string uri = "sip:ivan@192.0.2.99;transport=tcp";
  client->command_at(ns3::Seconds(1), [uri](sip::TuContext& ctx) {
    ctx.send_request(Instant{1s}, options_to(uri), *sip::parse_uri(uri));
  });
  ns3::Simulator::Stop(ns3::Seconds(40));
  ns3::Simulator::Run();

  ASSERT_EQ(uac.responses.size(), 1u);
  EXPECT_EQ(uac.responses[0].code, 503);
  EXPECT_EQ(uac.responses[0].origin, sip::ResponseOrigin::TransportError);
  EXPECT_EQ(uac.responses[0].at, Instant{4s});
  EXPECT_EQ(client->counters().connections_opened, 1u);
  EXPECT_EQ(client->counters().connections_failed, 1u);
}

}  // namespace
}  // namespace siplab::runtime::testing
