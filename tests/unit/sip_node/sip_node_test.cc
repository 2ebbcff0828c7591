// SipNode: RFC 3263 location through the node's own resolver, RFC 3263 §4.3
// failover, CANCEL gating (§9.1) and TU timers, over the in-memory network.
#include <gtest/gtest.h>

#include "models/dns/zone.h"
#include "models/sip/message/parser.h"
#include "tests/support/node/node_network.h"

namespace siplab::sip {
namespace {

using namespace std::chrono_literals;
using testing::NodeNetwork;

const IpAddress kDns = *IpAddress::parse("192.0.2.53");
const IpAddress kClient = *IpAddress::parse("198.51.100.10");
const IpAddress kServer1 = *IpAddress::parse("192.0.2.10");
const IpAddress kServer2 = *IpAddress::parse("192.0.2.20");

constexpr const char* kZone = R"(
$ORIGIN domain.ru.
$TTL 3600
@       IN SOA dns.domain.ru. hostmaster.domain.ru. 1 3600 600 604800 300
        IN NS  dns.domain.ru.
@       IN NAPTR 10 50 "S" "SIP+D2U" "" _sip._udp.domain.ru.
_sip._udp IN SRV 10 60 5060 proxy.domain.ru.
_sip._udp IN SRV 20 60 5060 proxy2.domain.ru.
dns     IN A 192.0.2.53
proxy   IN A 192.0.2.10
proxy2  IN A 192.0.2.20
)";

// Records what reaches it; answers requests with `answer_code` (0: silent).
class RecordingTu : public TransactionUser {
 public:
  explicit RecordingTu(int answer_code = 0) : answer_code_(answer_code) {}
  void attach(TuContext& context) override { ctx = &context; }
  void on_request(Instant now, RequestReceived&& r) override {
    requests.push_back(r.request);
    if (answer_code_ && r.txn != kNoTxn) ctx->send_response(now, r.txn, make_response(r.request, answer_code_, {}, "totag"));
  }
  void on_response(Instant now, RequestHandle h, const Message& response, ResponseOrigin origin) override {
    responses.push_back({now, h, response.status_code(), origin, std::string(response.call_id().value_or(""))});
  }
  void on_stray_response(Instant, const Message&) override {}
  void on_server_failure(Instant, TxnId, ServerFailure) override {}
  void on_timer(Instant now, TimerCookie cookie) override { timers.emplace_back(now, cookie); }

  struct Seen {
    Instant at;
    RequestHandle handle;
    int code;
    ResponseOrigin origin;
    std::string call_id;
  };
  TuContext* ctx = nullptr;
  std::vector<Message> requests;
  std::vector<Seen> responses;
  std::vector<std::pair<Instant, TimerCookie>> timers;

 private:
  int answer_code_;
};

Message options_to(std::string_view uri) {
  auto parsed = parse_message(std::string("OPTIONS ") + std::string(uri) +
                              " SIP/2.0\r\n"
                              "Max-Forwards: 70\r\n"
                              "From: <sip:peter@example.org>;tag=ftag\r\n"
                              "To: <" + std::string(uri) + ">\r\n"
                              "Call-ID: call-1@example.org\r\n"
                              "CSeq: 1 OPTIONS\r\n"
                              "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(parsed.ok()) << parsed.error().reason;
  return std::move(parsed.value());
}

SipNodeConfig config_for(std::string name, IpAddress address) {
  SipNodeConfig c;
  c.identity.name = std::move(name);
  c.identity.address = address;
  c.resolver.servers = {Endpoint{kDns, 53}};
  return c;
}

struct World {
  World() {
    auto zone = dns::parse_zone(kZone, "test.zone", "domain.ru.");
    EXPECT_TRUE(zone.zone) << (zone.errors.empty() ? "" : dns::format_error(zone.errors[0]));
    authority.add_zone(std::move(*zone.zone));
    net.add_dns_server("dns", kDns, authority);
    net.add_sip_node(client);
    net.set_default_latency(10ms);
  }
  dns::Authority authority;
  NodeNetwork net;
  SeededRandom random{1};
  RecordingTu client_tu;
  SipNode client{config_for("client", kClient), random, client_tu};
};

TEST(SipNode, LocatesThroughNaptrSrvAThenSendsAndGetsTheResponse) {
  World w;
  RecordingTu server_tu(200);
  SipNode server(config_for("proxy", kServer1), w.random, server_tu);
  w.net.add_sip_node(server);

  RequestHandle handle = kNoRequest;
  w.net.command("client", [&](TuContext& ctx) {
    handle = ctx.send_request(w.net.now(), options_to("sip:ivan@domain.ru"), *parse_uri("sip:ivan@domain.ru"));
  });
  w.net.run_for(5s);

  // NAPTR query + answer (the SRV and A records come in the additional
  // section, so one round trip), then OPTIONS and 200: 20 ms + 20 ms.
  std::vector<std::string> dns;
  for (const auto& p : w.net.packets())
    if (p.dns) dns.push_back(p.from_node);
  EXPECT_EQ(dns, (std::vector<std::string>{"client", "dns"}));
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"OPTIONS", "200"}));
  ASSERT_EQ(w.client_tu.responses.size(), 1u);
  EXPECT_EQ(w.client_tu.responses[0].handle, handle);
  EXPECT_EQ(w.client_tu.responses[0].code, 200);
  EXPECT_EQ(w.client_tu.responses[0].at, 40ms);
  ASSERT_EQ(server_tu.requests.size(), 1u);
  EXPECT_EQ(server_tu.requests[0].request_uri().to_string(), "sip:ivan@domain.ru");
}

TEST(SipNode, FailsOverToTheNextSrvTargetWhenTimerFFires) {
  World w;  // proxy (priority 10) does not exist: everything sent there is lost
  RecordingTu backup_tu(200);
  SipNode backup(config_for("proxy2", kServer2), w.random, backup_tu);
  w.net.add_sip_node(backup);

  w.net.command("client", [&](TuContext& ctx) {
    ctx.send_request(w.net.now(), options_to("sip:ivan@domain.ru"), *parse_uri("sip:ivan@domain.ru"));
  });
  w.net.run_for(40s);

  // DNS done at 20 ms; OPTIONS to 192.0.2.10 and its Timer E
  // retransmissions until Timer F (64*T1 = 32 s) at 32.02 s; then a new
  // transaction to 192.0.2.20, answered after 20 ms.
  ASSERT_EQ(w.client_tu.responses.size(), 1u);
  EXPECT_EQ(w.client_tu.responses[0].code, 200);
  EXPECT_EQ(w.client_tu.responses[0].at, 32s + 20ms + 20ms);
  EXPECT_EQ(w.client.counters().failovers, 1u);
  size_t to_primary = 0;
  for (const auto& p : w.net.packets())
    if (!p.dns && p.dst.address == kServer1) ++to_primary;
  EXPECT_EQ(to_primary, 11u);  // 0, .5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5
}

TEST(SipNode, LaterRequestsTryARecentlyFailedTargetLast) {
  World w;  // proxy (priority 10) does not exist
  RecordingTu backup_tu(200);
  SipNode backup(config_for("proxy2", kServer2), w.random, backup_tu);
  w.net.add_sip_node(backup);
  auto send = [&] {
    w.net.command("client", [&](TuContext& ctx) {
      ctx.send_request(w.net.now(), options_to("sip:ivan@domain.ru"), *parse_uri("sip:ivan@domain.ru"));
    });
  };
  send();
  w.net.run_for(40s);
  send();  // at 40 s: the primary failed at 32.02 s, so the secondary goes first
  w.net.run_for(10s);
  ASSERT_EQ(w.client_tu.responses.size(), 2u);
  EXPECT_EQ(w.client_tu.responses[1].code, 200);
  EXPECT_EQ(w.client_tu.responses[1].at, 40s + 20ms);  // cached DNS, one round trip
  EXPECT_EQ(w.client.counters().failovers, 1u);
}

TEST(SipNode, WithoutFailureMemoryEveryRequestStartsAtTheTopTarget) {
  World w;
  SipNodeConfig forgetful = config_for("forgetful", *IpAddress::parse("198.51.100.11"));
  forgetful.failed_target_memory = Duration::zero();
  RecordingTu tu;
  SipNode client(forgetful, w.random, tu);
  w.net.add_sip_node(client);
  RecordingTu backup_tu(200);
  SipNode backup(config_for("proxy2", kServer2), w.random, backup_tu);
  w.net.add_sip_node(backup);
  for (int i = 0; i < 2; ++i) {
    w.net.command("forgetful", [&](TuContext& ctx) {
      ctx.send_request(w.net.now(), options_to("sip:ivan@domain.ru"), *parse_uri("sip:ivan@domain.ru"));
    });
    w.net.run_for(40s);
  }
  ASSERT_EQ(tu.responses.size(), 2u);
  EXPECT_EQ(tu.responses[1].at, 40s + 32s + 20ms);  // Timer F again, then the secondary
  EXPECT_EQ(client.counters().failovers, 2u);
}

TEST(SipNode, UnknownDomainEndsInALocal503) {
  World w;
  w.net.command("client", [&](TuContext& ctx) {
    ctx.send_request(w.net.now(), options_to("sip:bob@nowhere.test"), *parse_uri("sip:bob@nowhere.test"));
  });
  w.net.run_for(10s);
  ASSERT_EQ(w.client_tu.responses.size(), 1u);
  EXPECT_EQ(w.client_tu.responses[0].code, 503);
  EXPECT_EQ(w.client_tu.responses[0].origin, ResponseOrigin::TransportError);
  EXPECT_EQ(w.client.counters().location_failures, 1u);
  EXPECT_TRUE(w.net.sip_labels().empty());
}

TEST(SipNode, NumericTargetNeedsNoDns) {
  World w;
  RecordingTu server_tu(486);
  SipNode server(config_for("proxy", kServer1), w.random, server_tu);
  w.net.add_sip_node(server);
  w.net.command("client", [&](TuContext& ctx) {
    ctx.send_request(w.net.now(), options_to("sip:ivan@192.0.2.10"), *parse_uri("sip:ivan@192.0.2.10"));
  });
  w.net.run_for(1s);
  for (const auto& p : w.net.packets()) EXPECT_FALSE(p.dns);
  ASSERT_EQ(w.client_tu.responses.size(), 1u);
  EXPECT_EQ(w.client_tu.responses[0].code, 486);
  EXPECT_EQ(w.client_tu.responses[0].at, 20ms);
}

// A numeric TARGET's request goes straight to its transaction; when that
// cannot even start (here the stack refuses a CSeq naming another method),
// the local 503 is built from the request all the same.
TEST(SipNode, NumericTargetThatCannotBeSentEndsInALocal503) {
  World w;
  Message request = options_to("sip:ivan@192.0.2.10");
  request.set_header("CSeq", "1 INFO");
  w.net.command("client", [&](TuContext& ctx) {
    ctx.send_request(w.net.now(), request, *parse_uri("sip:ivan@192.0.2.10"));
  });
  w.net.run_for(1s);
  ASSERT_EQ(w.client_tu.responses.size(), 1u);
  EXPECT_EQ(w.client_tu.responses[0].code, 503);
  EXPECT_EQ(w.client_tu.responses[0].origin, ResponseOrigin::TransportError);
  EXPECT_EQ(w.client_tu.responses[0].call_id, "call-1@example.org");
  EXPECT_EQ(w.client.counters().requests_located, 1u);
  EXPECT_EQ(w.client.counters().failovers, 1u);
  EXPECT_TRUE(w.net.sip_labels().empty());
}

// A request still waiting for DNS is kept by the node: cancelled then, it
// ends in the 487 the UAS would have sent, built from it (§9.1).
TEST(SipNode, CancelledWhileLocatingEndsInALocal487) {
  World w;
  RequestHandle handle = kNoRequest;
  w.net.command("client", [&](TuContext& ctx) {
    handle = ctx.send_request(w.net.now(), options_to("sip:bob@domain.ru"), *parse_uri("sip:bob@domain.ru"));
    ctx.cancel_request(w.net.now(), handle);
  });
  w.net.run_for(10s);
  ASSERT_EQ(w.client_tu.responses.size(), 1u);
  EXPECT_EQ(w.client_tu.responses[0].handle, handle);
  EXPECT_EQ(w.client_tu.responses[0].code, 487);
  EXPECT_EQ(w.client_tu.responses[0].call_id, "call-1@example.org");
  EXPECT_TRUE(w.net.sip_labels().empty());
}

// With tracing off (a driver without a trace sink) the node and its stack
// and resolver build no trace at all, and the exchange is unchanged: the
// same DNS round trip, the same messages at the same instants.
TEST(SipNode, TracingOffRecordsNothingAndChangesNoTiming) {
  World w;
  RecordingTu server_tu(200);
  SipNode server(config_for("proxy", kServer1), w.random, server_tu);
  w.net.add_sip_node(server);
  w.client.set_tracing(false);
  server.set_tracing(false);
  EXPECT_FALSE(w.client.tracing());
  w.net.command("client", [&](TuContext& ctx) {
    ctx.send_request(w.net.now(), options_to("sip:ivan@domain.ru"), *parse_uri("sip:ivan@domain.ru"));
  });
  w.net.run_for(40s);
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"OPTIONS", "200"}));
  ASSERT_EQ(w.client_tu.responses.size(), 1u);
  EXPECT_EQ(w.client_tu.responses[0].code, 200);
  EXPECT_EQ(w.client_tu.responses[0].at, 40ms);
  EXPECT_TRUE(w.net.traces("client").empty());
  EXPECT_TRUE(w.net.traces("proxy").empty());
  // Timers K and J still ended both transactions.
  EXPECT_EQ(w.client.stack().transaction_count(), 0u);
  EXPECT_EQ(server.stack().transaction_count(), 0u);
}

TEST(SipNode, TuTimersFireAtTheirInstantAndCanBeCancelled) {
  World w;
  w.net.command("client", [&](TuContext& ctx) {
    ctx.set_timer(w.net.now() + 3s, 7);
    ctx.set_timer(w.net.now() + 1s, 5);
    ctx.set_timer(w.net.now() + 2s, 6);
    ctx.cancel_timer(6);
  });
  w.net.run_for(5s);
  ASSERT_EQ(w.client_tu.timers.size(), 2u);
  EXPECT_EQ(w.client_tu.timers[0], std::make_pair(Instant{1s}, TimerCookie{5}));
  EXPECT_EQ(w.client_tu.timers[1], std::make_pair(Instant{3s}, TimerCookie{7}));
}

}  // namespace
}  // namespace siplab::sip
