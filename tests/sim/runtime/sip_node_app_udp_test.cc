// A non-INVITE transaction between two SipNodeApps over one point-to-point
// link: clean, with 100% loss (RFC 3261 §17.1.2.2 Timer E/F instants), and
// with 30% loss (completes thanks to retransmissions).
#include <gtest/gtest.h>

#include "ns3/simulator.h"
#include "tests/sim/runtime/runtime_fixture.h"

namespace siplab::runtime::testing {
namespace {

topo::LossSpec random_loss(double rate) {
  topo::LossSpec loss;
  loss.model = topo::LossSpec::Model::Random;
  loss.rate = rate;
  return loss;
}

// client --10ms-- server, the given loss on both directions.
struct Pair {
  explicit Pair(double loss = 0.0, uint64_t seed = 1) {
    auto l = link("client", "server", 10ms);
    if (loss > 0) l.loss_a_to_b = l.loss_b_to_a = random_loss(loss);
    topology = build_topology(spec_of({"client", "server"}, {l}), seed);
    trace_link_drops(*topology, capture.collector);
    client_address = *topology->address_of("client");
    server_address = *topology->address_of("server");
    client = capture.install(*topology, node_config("client", client_address), client_random, uac);
    server = capture.install(*topology, node_config("server", server_address), server_random, uas);
  }
  // OPTIONS to the server's address (numeric: no DNS) at `at`.
  void options_at(ns3::Time at) {
    const std::string uri = "sip:ivan@" + server_address.to_string();
    client->command_at(at, [uri](sip::TuContext& ctx) {
      ctx.send_request(Instant{ns3::Simulator::Now().GetNanoSeconds()}, options_to(uri), *sip::parse_uri(uri));
    });
  }
  void run(ns3::Time stop) {
    ns3::Simulator::Stop(stop);
    ns3::Simulator::Run();
  }

  Capture capture;
  std::unique_ptr<topo::Topology> topology;
  IpAddress client_address;
  IpAddress server_address;
  SeededRandom client_random{11};
  SeededRandom server_random{22};
  UacTu uac;
  UasTu uas;
  ns3::Ptr<SipNodeApp> client;
  ns3::Ptr<SipNodeApp> server;
};

class SipNodeAppUdp : public RuntimeTest {};

TEST_F(SipNodeAppUdp, NonInviteTransactionCompletesOverThePointToPointLink) {
  Pair p;
  p.options_at(ns3::Seconds(0));
  p.run(ns3::Seconds(40));

  const auto sends = p.capture.of("sip.send");
  const auto recvs = p.capture.of("sip.recv");
  ASSERT_EQ(sends.size(), 2u);
  ASSERT_EQ(recvs.size(), 2u);
  // OPTIONS leaves the client at 0 and reaches the server after 10 ms plus
  // its serialization: IP (20) + UDP (8) + PPP (2) + SIP bytes, 1 ns each.
  EXPECT_EQ(sends[0]["node"], "client");
  EXPECT_EQ(sends[0]["transport"], "UDP");
  EXPECT_EQ(sends[0]["src"], p.client_address.to_string() + ":5060");
  EXPECT_EQ(sends[0]["dst"], p.server_address.to_string() + ":5060");
  EXPECT_EQ(sends[0]["first_line"], "OPTIONS sip:ivan@" + p.server_address.to_string() + " SIP/2.0");
  EXPECT_EQ(sends[0]["cseq"], "1 OPTIONS");
  EXPECT_EQ(sends[0]["call_id"], "call-1@example.org");
  EXPECT_EQ(sends[0]["from_tag"], "ftag");
  EXPECT_EQ(sends[0]["to_tag"], "");
  EXPECT_EQ(sends[0]["retransmit"], false);
  EXPECT_EQ(ns_of(sends[0]), 0);
  const int64_t options_bytes = sends[0]["bytes"].get<int64_t>();
  EXPECT_EQ(recvs[0]["node"], "server");
  EXPECT_EQ(recvs[0]["branch"], sends[0]["branch"]);
  EXPECT_EQ(ns_of(recvs[0]), 10'000'000 + options_bytes + 30);
  // The 200 leaves at the same instant and takes the same path back.
  EXPECT_EQ(sends[1]["node"], "server");
  EXPECT_EQ(sends[1]["first_line"], "SIP/2.0 200 OK");
  EXPECT_EQ(sends[1]["to_tag"], "uastag");
  EXPECT_EQ(ns_of(sends[1]), ns_of(recvs[0]));
  const int64_t ok_bytes = sends[1]["bytes"].get<int64_t>();
  EXPECT_EQ(ns_of(recvs[1]), ns_of(sends[1]) + 10'000'000 + ok_bytes + 30);

  ASSERT_EQ(p.uac.responses.size(), 1u);
  EXPECT_EQ(p.uac.responses[0].code, 200);
  EXPECT_EQ(p.uac.responses[0].origin, sip::ResponseOrigin::Network);
  EXPECT_EQ(p.uac.responses[0].at.count(), ns_of(recvs[1]));
  EXPECT_EQ(p.uas.requests, 1);
  // Client: Trying → Completed on the 200; Timer K (T4 = 5 s) ends it.
  std::vector<std::string> client_states;
  for (const auto& s : p.capture.of("txn.state", "client")) client_states.push_back(s["to"]);
  EXPECT_EQ(client_states, (std::vector<std::string>{"Trying", "Completed", "Terminated"}));
  const auto k = p.capture.of("timer.fire", "client");
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0]["timer"], "K");
  EXPECT_EQ(ns_of(k[0]), ns_of(recvs[1]) + 5'000'000'000);
  EXPECT_EQ(p.capture.of("sip.drop").size(), 0u);
  EXPECT_EQ(p.client->counters().datagrams_out, 1u);
  EXPECT_EQ(p.server->counters().datagrams_in, 1u);
}

// A response stops Timer E, so the node's earliest deadline moves later
// every time; the app keeps its pending ns-3 event, which fires early, finds
// nothing due and re-arms — the core sees only deadlines that are due, each
// at its exact instant.
TEST_F(SipNodeAppUdp, DeadlinesThatMoveLaterStillFireExactlyAndOnlyWhenDue) {
  Pair p;
  p.options_at(ns3::Seconds(0));
  p.options_at(ns3::MilliSeconds(1));
  p.options_at(ns3::MilliSeconds(2));
  p.run(ns3::Seconds(40));

  const auto client_recvs = p.capture.of("sip.recv", "client");
  const auto server_recvs = p.capture.of("sip.recv", "server");
  ASSERT_EQ(client_recvs.size(), 3u);
  ASSERT_EQ(server_recvs.size(), 3u);
  std::vector<std::string> fired;
  std::vector<int64_t> expected_ns, fired_ns;
  for (const auto& t : p.capture.of("timer.fire", "client")) {
    fired.push_back(t["timer"]);
    fired_ns.push_back(ns_of(t));
  }
  for (const auto& t : p.capture.of("timer.fire", "server")) {
    fired.push_back(t["timer"]);
    fired_ns.push_back(ns_of(t));
  }
  for (const auto& r : client_recvs) expected_ns.push_back(ns_of(r) + 5'000'000'000);   // K = T4
  for (const auto& r : server_recvs) expected_ns.push_back(ns_of(r) + 32'000'000'000);  // J = 64*T1
  EXPECT_EQ(fired, (std::vector<std::string>{"K", "K", "K", "J", "J", "J"}));
  EXPECT_EQ(fired_ns, expected_ns);
  EXPECT_EQ(p.client->counters().timer_events, 3u);
  EXPECT_EQ(p.server->counters().timer_events, 3u);
  EXPECT_EQ(p.client->node().stack().transaction_count(), 0u);
  EXPECT_EQ(p.server->node().stack().transaction_count(), 0u);
}

TEST_F(SipNodeAppUdp, FullLossShowsEveryTimerERetransmissionAndTheTimerF408) {
  Pair p(1.0);
  p.options_at(ns3::Seconds(0));
  p.run(ns3::Seconds(40));

  // RFC 3261 §17.1.2.2: Timer E doubles from T1 = 500 ms up to T2 = 4 s;
  // Timer F (64·T1 = 32 s) ends the transaction with a 408 to the TU.
  std::vector<int64_t> sent_ms;
  std::vector<bool> retransmit;
  for (const auto& s : p.capture.of("sip.send", "client")) {
    sent_ms.push_back(ns_of(s) / 1'000'000);
    retransmit.push_back(s["retransmit"]);
  }
  EXPECT_EQ(sent_ms, (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
  EXPECT_EQ(retransmit, (std::vector<bool>{false, true, true, true, true, true, true, true, true, true, true}));
  for (const auto& s : p.capture.of("sip.send", "client")) EXPECT_EQ(ns_of(s) % 1'000'000, 0);

  // Every copy is lost at the server's device, 10 ms + serialization later.
  const auto drops = p.capture.of("sip.drop");
  ASSERT_EQ(drops.size(), 11u);
  const auto sends = p.capture.of("sip.send", "client");
  for (size_t i = 0; i < drops.size(); ++i) {
    EXPECT_EQ(drops[i]["node"], "server");
    EXPECT_EQ(drops[i]["cause"], "link-loss");
    EXPECT_EQ(drops[i]["link"], "client--server");
    EXPECT_EQ(drops[i]["first_line"], sends[i]["first_line"]);
    EXPECT_EQ(drops[i]["call_id"], "call-1@example.org");
    EXPECT_EQ(drops[i]["branch"], sends[i]["branch"]);
    EXPECT_EQ(ns_of(drops[i]), ns_of(sends[i]) + 10'000'000 + sends[i]["bytes"].get<int64_t>() + 30);
  }
  std::vector<std::string> timers;
  std::vector<int> counts;
  for (const auto& t : p.capture.of("timer.fire", "client")) {
    timers.push_back(t["timer"]);
    if (t["timer"] == "E") counts.push_back(t["retransmit"]);
  }
  EXPECT_EQ(timers, (std::vector<std::string>{"E", "E", "E", "E", "E", "E", "E", "E", "E", "E", "F"}));
  EXPECT_EQ(counts, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));

  ASSERT_EQ(p.uac.responses.size(), 1u);
  EXPECT_EQ(p.uac.responses[0].code, 408);
  EXPECT_EQ(p.uac.responses[0].origin, sip::ResponseOrigin::Timeout);
  EXPECT_EQ(p.uac.responses[0].at, Instant{32s});
  EXPECT_EQ(p.uas.requests, 0);
  EXPECT_EQ(p.topology->counters(0, topo::Direction::AtoB).lost_link, 11u);

  // link.stats at the end: 11 datagrams sent and lost one way, none back;
  // bytes are IP datagram sizes (SIP + 20 IP + 8 UDP).
  write_link_stats(*p.topology, p.capture.collector, Instant{40s});
  int64_t ip_bytes = 0;
  for (const auto& s : sends) ip_bytes += s["bytes"].get<int64_t>() + 28;
  const auto stats = p.capture.of("link.stats");
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].dump(), nlohmann::json::parse(R"({"t":40,"node":"client","kind":"link.stats","link":"client--server",)"
                                                   R"("from":"client","to":"server","sent":11,"lost":11,"queue_drops":0,"bytes":)" +
                                                   std::to_string(ip_bytes) + "}")
                                 .dump());
  EXPECT_EQ(stats[1]["from"], "server");
  EXPECT_EQ(stats[1]["sent"], 0);
  EXPECT_EQ(stats[1]["bytes"], 0);
}

// With seed 3 the loss model drops the first two OPTIONS copies (0 s and
// 0.5 s); the Timer E retransmission at 1.5 s gets through and the 200 comes
// back (each seed is one fixed loss pattern).
TEST_F(SipNodeAppUdp, ThirtyPercentLossStillCompletesThroughRetransmissions) {
  Pair p(0.3, 3);
  p.options_at(ns3::Seconds(0));
  p.run(ns3::Seconds(40));

  ASSERT_EQ(p.uac.responses.size(), 1u);
  EXPECT_EQ(p.uac.responses[0].code, 200);
  EXPECT_EQ(p.uac.responses[0].origin, sip::ResponseOrigin::Network);
  size_t retransmissions = 0;
  for (const auto& s : p.capture.of("sip.send", "client")) retransmissions += s["retransmit"].get<bool>();
  EXPECT_GT(retransmissions, 0u);
  std::vector<int64_t> sent_ms;
  for (const auto& s : p.capture.of("sip.send", "client")) sent_ms.push_back(ns_of(s) / 1'000'000);
  EXPECT_EQ(sent_ms, (std::vector<int64_t>{0, 500, 1500}));
  EXPECT_EQ(retransmissions, 2u);
  const auto ok = p.capture.of("sip.recv", "client");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0]["first_line"], "SIP/2.0 200 OK");
  EXPECT_EQ(p.uac.responses[0].at.count(), ns_of(ok[0]));
  EXPECT_EQ(ns_of(ok[0]) / 1'000'000, 1520);
  const auto& ab = p.topology->counters(0, topo::Direction::AtoB);
  const auto& ba = p.topology->counters(0, topo::Direction::BtoA);
  EXPECT_GT(ab.lost_link + ba.lost_link, 0u);
  // Every link loss is in the trace, named at the receiving device.
  EXPECT_EQ(p.capture.of("sip.drop", "server").size(), ab.lost_link);
  EXPECT_EQ(p.capture.of("sip.drop", "client").size(), ba.lost_link);
  // The server saw the request at least once; its transaction absorbed copies.
  EXPECT_EQ(p.uas.requests, 1);
}

TEST_F(SipNodeAppUdp, SameSeedGivesAByteIdenticalTrace) {
  std::string first;
  {
    Pair p(0.3, 3);
    p.options_at(ns3::Seconds(0));
    p.run(ns3::Seconds(40));
    first = p.capture.out.str();
  }
  ns3::Simulator::Destroy();
  Pair p(0.3, 3);
  p.options_at(ns3::Seconds(0));
  p.run(ns3::Seconds(40));
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(p.capture.out.str(), first);
}

}  // namespace
}  // namespace siplab::runtime::testing
