// The stateful forking proxy (RFC 3261 §16) end to end on the in-memory
// network: scripted UAs register (open registrar), Peter calls
// sip:ivan@domain.ru through the proxy, the test plays Ivan's devices.
#include <gtest/gtest.h>

#include "tests/unit/sip_proxy/scripted_ua.h"

namespace siplab::sip::proxytest {
namespace {

constexpr const char* kPeter = "peter-pc";
constexpr const char* kMobile = "ivan-mobile";
constexpr const char* kLaptop = "ivan-laptop";

ProxyConfig proxy_config(bool record_route = false, bool sequential = false) {
  ProxyConfig c;
  c.domain = "domain.ru";
  c.record_route = record_route;
  c.sequential_forking = sequential;
  c.timer_c = 200s;
  c.registrar = RegistrarConfig{};  // open: no authentication
  return c;
}

Message invite(std::string_view extra_headers = {}, uint32_t max_forwards = 70) {
  return parse_or_die(std::string("INVITE sip:ivan@domain.ru SIP/2.0\n") +
                      "Max-Forwards: " + std::to_string(max_forwards) + "\n"
                      "From: \"Peter\" <sip:peter@example.org>;tag=ptag\n"
                      "To: <sip:ivan@domain.ru>\n"
                      "Call-ID: call-1@198.51.100.10\n"
                      "CSeq: 1 INVITE\n"
                      "Contact: <sip:peter@198.51.100.10>\n" +
                      std::string(extra_headers) + "Content-Length: 0\n\n");
}

class ProxyTest : public ::testing::Test {
 protected:
  explicit ProxyTest(ProxyConfig config = proxy_config(), std::string_view zone = {},
                     bool stack_validation = true)
      : world(std::move(config), zone, stack_validation),
        peter(world.add_ua(kPeter, "198.51.100.10")),
        mobile(world.add_ua(kMobile, "198.51.100.21")),
        laptop(world.add_ua(kLaptop, "198.51.100.22")) {}

  void register_device(const std::string& node, std::string_view contact, uint32_t cseq) {
    Message reg = parse_or_die("REGISTER sip:domain.ru SIP/2.0\nMax-Forwards: 70\n"
                               "From: <sip:ivan@domain.ru>;tag=r" + node + "\nTo: <sip:ivan@domain.ru>\n"
                               "Call-ID: reg-" + node + "\nCSeq: " + std::to_string(cseq) + " REGISTER\n"
                               "Contact: " + std::string(contact) + "\nContent-Length: 0\n\n");
    world.send(node, reg);
    world.net.run_for(1s);
  }
  // Both devices registered (mobile first); returns the packet index after.
  std::size_t register_both(std::string_view mobile_q = {}, std::string_view laptop_q = {}) {
    register_device(kMobile, "<sip:ivan@198.51.100.21>" + std::string(mobile_q), 1);
    register_device(kLaptop, "<sip:ivan@198.51.100.22>" + std::string(laptop_q), 1);
    EXPECT_EQ(world.core.bindings("sip:ivan@domain.ru", world.net.now()).size(), 2u);
    return world.net.packets().size();
  }
  TxnId invite_txn(ScriptedUa& ua, std::size_t nth = 0) {
    auto* in = ua.request("INVITE", nth);
    EXPECT_NE(in, nullptr);
    return in ? in->request.txn : kNoTxn;
  }
  const Message& invite_at(ScriptedUa& ua) { return ua.request("INVITE")->request.request; }
  void answer(const std::string& node, ScriptedUa& ua, int code, std::string_view tag) {
    world.respond(node, invite_txn(ua), make_response(invite_at(ua), code, {}, tag));
  }

  World world;
  ScriptedUa& peter;
  ScriptedUa& mobile;
  ScriptedUa& laptop;
};

TEST_F(ProxyTest, ForksInParallelAndTheFirst2xxCancelsTheOtherBranch) {
  const std::size_t mark = register_both();
  world.send(kPeter, invite());
  world.net.run_for(1s);
  answer(kMobile, mobile, 180, "mobile-tag");
  world.net.run_for(1s);
  answer(kLaptop, laptop, 200, "laptop-tag");
  world.net.run_for(1s);

  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{
                                  "peter-pc>proxy INVITE",
                                  "proxy>peter-pc 100",
                                  "proxy>ivan-mobile INVITE",
                                  "proxy>ivan-laptop INVITE",
                                  "ivan-laptop>proxy 100",
                                  "ivan-mobile>proxy 100",
                                  "ivan-mobile>proxy 180",
                                  "proxy>peter-pc 180",
                                  "ivan-laptop>proxy 200",
                                  "proxy>peter-pc 200",
                                  "proxy>ivan-mobile CANCEL",
                                  "ivan-mobile>proxy 200",
                                  "ivan-mobile>proxy 487",
                                  "proxy>ivan-mobile ACK",
                              }));
  // §16.6: Request-URI = the binding, Max-Forwards - 1, our Via on top, no
  // Record-Route (record_route off).
  const Message to_mobile = world.packet("proxy", kMobile, "INVITE");
  EXPECT_EQ(to_mobile.request_uri().to_string(), "sip:ivan@198.51.100.21");
  EXPECT_EQ(to_mobile.max_forwards(), 69u);
  ASSERT_EQ(to_mobile.vias().size(), 2u);
  EXPECT_EQ(to_mobile.vias()[0].sent_by(), "192.0.2.10:5060");
  EXPECT_EQ(to_mobile.vias()[1].sent_by(), "198.51.100.10:5060");
  EXPECT_TRUE(to_mobile.record_routes().empty());
  EXPECT_EQ(world.packet("proxy", kLaptop, "INVITE").request_uri().to_string(), "sip:ivan@198.51.100.22");
  // The caller sees 180 then the 2xx with the answering device's tag and
  // Contact, and only its own Via.
  EXPECT_EQ(peter.codes(), (std::vector<int>{100, 180, 200}));
  const Message& ok = peter.responses.back().message;
  EXPECT_EQ(ok.to_tag(), "laptop-tag");
  EXPECT_EQ(ok.vias().size(), 1u);
  EXPECT_EQ(world.core.counters().forwarded, 2u);

  // Without Record-Route the ACK and BYE go straight to the device.
  const std::size_t after_call = world.net.packets().size();
  Message ack = parse_or_die("ACK sip:ivan@198.51.100.22 SIP/2.0\nMax-Forwards: 70\n"
                             "From: \"Peter\" <sip:peter@example.org>;tag=ptag\n"
                             "To: <sip:ivan@domain.ru>;tag=laptop-tag\nCall-ID: call-1@198.51.100.10\n"
                             "CSeq: 1 ACK\nContent-Length: 0\n\n");
  world.send_stateless(kPeter, ack, "sip:ivan@198.51.100.22");
  Message bye = parse_or_die("BYE sip:ivan@198.51.100.22 SIP/2.0\nMax-Forwards: 70\n"
                             "From: \"Peter\" <sip:peter@example.org>;tag=ptag\n"
                             "To: <sip:ivan@domain.ru>;tag=laptop-tag\nCall-ID: call-1@198.51.100.10\n"
                             "CSeq: 2 BYE\nContent-Length: 0\n\n");
  world.send(kPeter, bye, "sip:ivan@198.51.100.22");
  world.net.run_for(100ms);
  world.respond(kLaptop, laptop.request("BYE")->request.txn, make_response(laptop.request("BYE")->request.request, 200));
  world.net.run_for(1s);
  EXPECT_EQ(world.flow(after_call),
            (std::vector<std::string>{"peter-pc>ivan-laptop ACK", "peter-pc>ivan-laptop BYE", "ivan-laptop>peter-pc 200"}));
  EXPECT_EQ(world.core.counters().stateless_forwarded, 0u);
  EXPECT_EQ(world.core.counters().forwarded, 2u);
}

TEST_F(ProxyTest, Busy486FromBothBranchesForwardsOne486) {
  const std::size_t mark = register_both();
  world.send(kPeter, invite());
  world.net.run_for(1s);
  answer(kMobile, mobile, 486, "mobile-tag");
  world.net.run_for(1s);
  EXPECT_EQ(peter.codes(), (std::vector<int>{100}));  // waits for the other branch
  answer(kLaptop, laptop, 486, "laptop-tag");
  world.net.run_for(1s);
  EXPECT_EQ(peter.codes(), (std::vector<int>{100, 486}));
  EXPECT_EQ(peter.responses.back().message.to_tag(), "mobile-tag");  // first of the class
  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{
                                  "peter-pc>proxy INVITE", "proxy>peter-pc 100", "proxy>ivan-mobile INVITE",
                                  "proxy>ivan-laptop INVITE", "ivan-laptop>proxy 100", "ivan-mobile>proxy 100",
                                  "ivan-mobile>proxy 486", "proxy>ivan-mobile ACK", "ivan-laptop>proxy 486",
                                  "proxy>ivan-laptop ACK", "proxy>peter-pc 486", "peter-pc>proxy ACK"}));
}

TEST_F(ProxyTest, SixHundredEndsTheSearchAndCancelsTheOthers) {
  register_both();
  world.send(kPeter, invite());
  world.net.run_for(1s);
  answer(kMobile, mobile, 180, "mobile-tag");
  world.net.run_for(1s);
  const std::size_t mark = world.net.packets().size();
  answer(kLaptop, laptop, 603, "laptop-tag");
  world.net.run_for(1s);
  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{
                                  "ivan-laptop>proxy 603", "proxy>ivan-laptop ACK", "proxy>ivan-mobile CANCEL",
                                  "ivan-mobile>proxy 200", "ivan-mobile>proxy 487", "proxy>ivan-mobile ACK",
                                  "proxy>peter-pc 603", "peter-pc>proxy ACK"}));
  EXPECT_EQ(peter.codes(), (std::vector<int>{100, 180, 603}));
}

TEST_F(ProxyTest, TimerCCancelsTheRingingBranchAndAnswers408) {
  register_device(kMobile, "<sip:ivan@198.51.100.21>", 1);
  world.send(kPeter, invite());  // at 1 s
  world.net.run_for(1s);
  const std::size_t mark = world.net.packets().size();
  answer(kMobile, mobile, 180, "mobile-tag");  // at 2 s, reaches the proxy at 2.010 s
  world.net.run_until(Instant{202009ms});
  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{"ivan-mobile>proxy 180", "proxy>peter-pc 180"}));
  world.net.run_until(Instant{203s});
  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{
                                  "ivan-mobile>proxy 180", "proxy>peter-pc 180", "proxy>ivan-mobile CANCEL",
                                  "proxy>peter-pc 408", "ivan-mobile>proxy 200", "ivan-mobile>proxy 487",
                                  "peter-pc>proxy ACK", "proxy>ivan-mobile ACK"}));
  // Timer C = 200 s after the 180 arrived: 202.010 s; the 408 reaches Peter 10 ms later.
  EXPECT_EQ(world.net.packets()[mark + 2].sent_at, Instant{202010ms});
  ASSERT_EQ(peter.codes(), (std::vector<int>{100, 180, 408}));
  EXPECT_EQ(peter.responses.back().at, Instant{202020ms});
}

TEST_F(ProxyTest, CancelFromUpstreamCancelsEveryBranch) {
  register_both();
  const RequestHandle call = world.send(kPeter, invite());
  world.net.run_for(1s);
  answer(kMobile, mobile, 180, "mobile-tag");
  world.net.run_for(1s);
  const std::size_t mark = world.net.packets().size();
  world.cancel(kPeter, call);
  world.net.run_for(1s);
  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{
                                  "peter-pc>proxy CANCEL", "proxy>peter-pc 200", "proxy>ivan-mobile CANCEL",
                                  "proxy>ivan-laptop CANCEL", "ivan-mobile>proxy 200", "ivan-mobile>proxy 487",
                                  "ivan-laptop>proxy 200", "ivan-laptop>proxy 487", "proxy>ivan-mobile ACK",
                                  "proxy>ivan-laptop ACK", "proxy>peter-pc 487", "peter-pc>proxy ACK"}));
  EXPECT_EQ(peter.codes(), (std::vector<int>{100, 180, 487}));
}

TEST_F(ProxyTest, MaxForwardsZeroIs483AndNothingIsForwarded) {
  const std::size_t mark = register_both();
  world.send(kPeter, invite({}, 0));
  world.net.run_for(1s);
  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{"peter-pc>proxy INVITE", "proxy>peter-pc 483", "peter-pc>proxy ACK"}));
  EXPECT_EQ(peter.responses.back().message.start_line(), "SIP/2.0 483 Too Many Hops");
}

TEST_F(ProxyTest, UnsupportedProxyRequireIs420WithUnsupported) {
  const std::size_t mark = register_both();
  world.send(kPeter, invite("Proxy-Require: foo, bar\n"));
  world.net.run_for(1s);
  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{"peter-pc>proxy INVITE", "proxy>peter-pc 420", "peter-pc>proxy ACK"}));
  const Message& reject = peter.responses.back().message;
  EXPECT_EQ(reject.start_line(), "SIP/2.0 420 Bad Extension");
  EXPECT_EQ(reject.header("Unsupported"), "foo, bar");
}

TEST_F(ProxyTest, NoBindingIs404ForAnOpenRegistrar) {
  world.send(kPeter, invite());
  world.net.run_for(1s);
  EXPECT_EQ(peter.codes(), (std::vector<int>{404}));
  EXPECT_EQ(peter.responses[0].message.start_line(), "SIP/2.0 404 Not Found");
}

TEST_F(ProxyTest, EveryForkThatAnswers2xxIsForwarded) {
  register_both();
  world.send(kPeter, invite());
  world.net.run_for(1s);
  const std::size_t mark = world.net.packets().size();
  // Both devices answer in the same instant: the first 2xx ends the server
  // transaction, the second still reaches Peter (§16.7 step 5), outside it.
  answer(kMobile, mobile, 200, "mobile-tag");
  answer(kLaptop, laptop, 200, "laptop-tag");
  world.net.run_for(1s);
  // The CANCEL for the laptop branch (sent on the mobile's 2xx, §16.7 step
  // 10) crosses the laptop's 2xx; the laptop answers it 200 (CANCEL).  The
  // second 2xx is another message (its To tag), not a retransmission.
  EXPECT_EQ(world.flow(mark, true), (std::vector<std::string>{"ivan-mobile>proxy 200", "ivan-laptop>proxy 200",
                                                        "proxy>peter-pc 200", "proxy>ivan-laptop CANCEL",
                                                        "proxy>peter-pc 200", "ivan-laptop>proxy 200"}));
  std::vector<std::string> tags;
  for (const auto& seen : peter.responses) {
    if (seen.message.status_code() == 200) tags.push_back(*seen.message.to_tag());
  }
  for (const auto& seen : peter.strays) tags.push_back(*seen.message.to_tag());
  EXPECT_EQ(tags, (std::vector<std::string>{"mobile-tag", "laptop-tag"}));
  EXPECT_EQ(world.core.counters().stateless_forwarded, 1u);
}

TEST_F(ProxyTest, RetransmittedTwoHundredIsForwardedStatelessly) {
  register_device(kLaptop, "<sip:ivan@198.51.100.22>", 1);
  world.send(kPeter, invite());
  world.net.run_for(1s);
  const Message ok = make_response(invite_at(laptop), 200, {}, "laptop-tag");
  world.respond(kLaptop, invite_txn(laptop), ok);
  world.net.run_for(500ms);
  // The UAS core retransmits its 2xx (§13.3.1.4); the proxy's client
  // transaction ended with the first one, so it arrives as a stray and is
  // forwarded statelessly along the next Via (§16.7 step 2).
  const std::size_t mark = world.net.packets().size();
  world.net.command(kLaptop, [&](TuContext& ctx) { ctx.send_stateless_response(world.net.now(), ok, std::nullopt); });
  world.net.run_for(500ms);
  // Both sends are the same bytes again, and the trace says so: the
  // laptop's (its first 2xx left through its transaction) and the proxy's
  // stateless forward (its first went through its server transaction).
  EXPECT_EQ(world.flow(mark, true),
            (std::vector<std::string>{"ivan-laptop>proxy 200 (re)", "proxy>peter-pc 200 (re)"}));
  ASSERT_EQ(peter.strays.size(), 1u);
  EXPECT_EQ(peter.strays[0].message.vias().size(), 1u);
  EXPECT_EQ(peter.strays[0].message.to_tag(), "laptop-tag");
  EXPECT_EQ(world.core.counters().stateless_forwarded, 1u);
}

TEST_F(ProxyTest, A503BranchBecomes500AndChallengesAreAggregated) {
  register_both();
  world.send(kPeter, invite());
  world.net.run_for(1s);
  answer(kMobile, mobile, 503, "mobile-tag");
  world.net.run_for(1s);
  answer(kLaptop, laptop, 500, "laptop-tag");
  world.net.run_for(1s);
  // §16.7 step 6: both 5xx; the first (503) is chosen and sent as 500.
  ASSERT_EQ(peter.codes(), (std::vector<int>{100, 500}));
  EXPECT_EQ(peter.responses.back().message.start_line(), "SIP/2.0 500 Server Internal Error");
  EXPECT_EQ(peter.responses.back().message.to_tag(), "mobile-tag");
}

TEST_F(ProxyTest, ChallengesFromEveryBranchAreCollected) {
  register_both();
  world.send(kPeter, invite());
  world.net.run_for(1s);
  Message mobile_401 = make_response(invite_at(mobile), 401, {}, "mobile-tag");
  mobile_401.add_header("WWW-Authenticate", "Digest realm=\"mobile\", nonce=\"n1\"");
  world.respond(kMobile, invite_txn(mobile), mobile_401);
  Message laptop_407 = make_response(invite_at(laptop), 407, {}, "laptop-tag");
  laptop_407.add_header("Proxy-Authenticate", "Digest realm=\"laptop\", nonce=\"n2\"");
  world.respond(kLaptop, invite_txn(laptop), laptop_407);
  world.net.run_for(1s);
  ASSERT_EQ(peter.codes(), (std::vector<int>{100, 401}));
  // §16.7 step 7: the 401 carries the 407's challenge too.
  const Message& challenge = peter.responses.back().message;
  ASSERT_EQ(challenge.www_authenticate().size(), 1u);
  EXPECT_EQ(challenge.www_authenticate()[0], "Digest realm=\"mobile\", nonce=\"n1\"");
  ASSERT_EQ(challenge.proxy_authenticate().size(), 1u);
  EXPECT_EQ(challenge.proxy_authenticate()[0], "Digest realm=\"laptop\", nonce=\"n2\"");
}

TEST_F(ProxyTest, CancelForNoPendingInviteIs481) {
  Message cancel = parse_or_die("CANCEL sip:ivan@domain.ru SIP/2.0\nMax-Forwards: 70\n"
                                "From: <sip:peter@example.org>;tag=ptag\nTo: <sip:ivan@domain.ru>\n"
                                "Call-ID: nothing@198.51.100.10\nCSeq: 1 CANCEL\nContent-Length: 0\n\n");
  world.send(kPeter, cancel);
  world.net.run_for(1s);
  ASSERT_EQ(peter.codes(), (std::vector<int>{481}));
}

class NoRegistrarTest : public ProxyTest {
 protected:
  static ProxyConfig without_registrar() {
    ProxyConfig c = proxy_config();
    c.registrar.reset();
    return c;
  }
  NoRegistrarTest() : ProxyTest(without_registrar()) {}
};

TEST_F(NoRegistrarTest, RegisterForOurDomainIs403) {
  Message reg = parse_or_die("REGISTER sip:domain.ru SIP/2.0\nMax-Forwards: 70\n"
                             "From: <sip:ivan@domain.ru>;tag=r\nTo: <sip:ivan@domain.ru>\n"
                             "Call-ID: reg-1\nCSeq: 1 REGISTER\nContact: <sip:ivan@198.51.100.22>\n"
                             "Content-Length: 0\n\n");
  world.send(kLaptop, reg);
  world.net.run_for(1s);
  ASSERT_EQ(laptop.codes(), (std::vector<int>{403}));
}

// The same §16.3 rules enforced by the ProxyCore itself, with the node's
// stack validation switched off (a driver that configures the stack
// differently must not open a hole).
class CoreValidationTest : public ProxyTest {
 protected:
  static ProxyConfig with_extension() {
    ProxyConfig c = proxy_config();
    c.supported_extensions = {"foo"};
    return c;
  }
  CoreValidationTest() : ProxyTest(with_extension(), {}, /*stack_validation=*/false) {}
};

TEST_F(CoreValidationTest, MaxForwardsZeroProxyRequireAndOptionsToTheProxy) {
  register_both();
  world.send(kPeter, invite({}, 0));
  Message bext = invite("Proxy-Require: foo, bar\n");
  bext.set_call_id("call-2@198.51.100.10");
  world.send(kPeter, bext);
  Message options = parse_or_die("OPTIONS sip:ivan@domain.ru SIP/2.0\nMax-Forwards: 0\n"
                                 "From: <sip:peter@example.org>;tag=o\nTo: <sip:ivan@domain.ru>\n"
                                 "Call-ID: call-3@198.51.100.10\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n");
  world.send(kPeter, options);
  world.net.run_for(1s);
  ASSERT_EQ(peter.codes(), (std::vector<int>{483, 420, 200}));
  EXPECT_EQ(peter.responses[0].message.start_line(), "SIP/2.0 483 Too Many Hops");
  EXPECT_EQ(peter.responses[1].message.header("Unsupported"), "bar");  // foo is supported
  EXPECT_EQ(peter.responses[2].message.header("Allow"), "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER");
  EXPECT_EQ(world.core.counters().forwarded, 0u);
}

class ProxyWithUsersTest : public ProxyTest {
 protected:
  static ProxyConfig with_users() {
    ProxyConfig c = proxy_config();
    c.registrar->users = {{"ivan", "secret"}};
    return c;
  }
  ProxyWithUsersTest() : ProxyTest(with_users()) {}
};

TEST_F(ProxyWithUsersTest, KnownUserWithoutBindingIs480UnknownIs404) {
  world.send(kPeter, invite());
  Message to_nobody = invite();
  to_nobody.set_request_uri(uri("sip:nobody@domain.ru"));
  to_nobody.set_call_id("call-2@198.51.100.10");
  world.send(kPeter, to_nobody);
  world.net.run_for(1s);
  ASSERT_EQ(peter.codes(), (std::vector<int>{480, 404}));
  EXPECT_EQ(peter.responses[0].message.start_line(), "SIP/2.0 480 Temporarily Unavailable");
}

class RecordRouteTest : public ProxyTest {
 protected:
  RecordRouteTest() : ProxyTest(proxy_config(/*record_route=*/true)) {}
};

TEST_F(RecordRouteTest, RecordRoutesAndCarriesAckAndByeThroughTheProxy) {
  register_device(kLaptop, "<sip:ivan@198.51.100.22>", 1);
  world.send(kPeter, invite());
  world.net.run_for(1s);
  const Message forwarded = world.packet("proxy", kLaptop, "INVITE");
  EXPECT_EQ(std::string(*forwarded.header("Record-Route")), "<sip:192.0.2.10:5060;lr>");
  answer(kLaptop, laptop, 200, "laptop-tag");
  world.net.run_for(1s);
  ASSERT_EQ(peter.codes(), (std::vector<int>{100, 200}));

  const std::size_t mark = world.net.packets().size();
  const std::string dialog = "From: \"Peter\" <sip:peter@example.org>;tag=ptag\n"
                             "To: <sip:ivan@domain.ru>;tag=laptop-tag\nCall-ID: call-1@198.51.100.10\n"
                             "Route: <sip:192.0.2.10:5060;lr>\n";
  world.send_stateless(kPeter, parse_or_die("ACK sip:ivan@198.51.100.22 SIP/2.0\nMax-Forwards: 70\n" + dialog +
                                            "CSeq: 1 ACK\nContent-Length: 0\n\n"),
                       "sip:192.0.2.10:5060;lr");
  world.send(kPeter, parse_or_die("BYE sip:ivan@198.51.100.22 SIP/2.0\nMax-Forwards: 70\n" + dialog +
                                  "CSeq: 2 BYE\nContent-Length: 0\n\n"),
             "sip:192.0.2.10:5060;lr");
  world.net.run_for(100ms);
  ASSERT_NE(laptop.request("BYE"), nullptr);
  world.respond(kLaptop, laptop.request("BYE")->request.txn, make_response(laptop.request("BYE")->request.request, 200));
  world.net.run_for(1s);
  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{
                                  "peter-pc>proxy ACK", "peter-pc>proxy BYE", "proxy>ivan-laptop ACK",
                                  "proxy>ivan-laptop BYE", "ivan-laptop>proxy 200", "proxy>peter-pc 200"}));
  // Our Route entry is consumed (§16.4); in-dialog requests get no Record-Route.
  const Message bye = world.packet("proxy", kLaptop, "BYE");
  EXPECT_TRUE(bye.routes().empty());
  EXPECT_TRUE(bye.record_routes().empty());
  EXPECT_EQ(bye.max_forwards(), 69u);
  EXPECT_EQ(world.packet("proxy", kLaptop, "ACK").routes().size(), 0u);
  EXPECT_EQ(world.core.counters().stateless_forwarded, 1u);
}

TEST_F(ProxyTest, StrictRoutingOnBothSides) {
  // §16.4: the previous hop was a strict router, so the Request-URI is our
  // Record-Route URI and the real target is the last Route entry.
  Message from_strict = parse_or_die("BYE sip:192.0.2.10:5060 SIP/2.0\nMax-Forwards: 70\n"
                                     "From: <sip:peter@example.org>;tag=ptag\nTo: <sip:ivan@domain.ru>;tag=t\n"
                                     "Call-ID: strict-1\nCSeq: 2 BYE\nRoute: <sip:ivan@198.51.100.22>\n"
                                     "Content-Length: 0\n\n");
  world.send(kPeter, from_strict);
  // §16.6 step 6: the next hop is a strict router (no lr): it becomes the
  // Request-URI and the real Request-URI goes to the end of the Route set.
  Message to_strict = parse_or_die("BYE sip:bob@example.net SIP/2.0\nMax-Forwards: 70\n"
                                   "From: <sip:peter@example.org>;tag=ptag\nTo: <sip:bob@example.net>;tag=t\n"
                                   "Call-ID: strict-2\nCSeq: 2 BYE\nRoute: <sip:198.51.100.21>\n"
                                   "Content-Length: 0\n\n");
  world.send(kPeter, to_strict);
  world.net.run_for(100ms);
  const Message at_laptop = world.packet("proxy", kLaptop, "BYE");
  EXPECT_EQ(at_laptop.request_uri().to_string(), "sip:ivan@198.51.100.22");
  EXPECT_TRUE(at_laptop.routes().empty());
  const Message at_mobile = world.packet("proxy", kMobile, "BYE");
  EXPECT_EQ(at_mobile.request_uri().to_string(), "sip:198.51.100.21");
  ASSERT_EQ(at_mobile.routes().size(), 1u);
  EXPECT_EQ(at_mobile.routes()[0].uri.to_string(), "sip:bob@example.net");
}

class SequentialTest : public ProxyTest {
 protected:
  SequentialTest() : ProxyTest(proxy_config(false, /*sequential=*/true)) {}
};

TEST_F(SequentialTest, TriesTheHighestQFirstThenTheNext) {
  const std::size_t mark = register_both(";q=0.5", ";q=1.0");
  world.send(kPeter, invite());
  world.net.run_for(1s);
  EXPECT_EQ(mobile.request("INVITE"), nullptr);  // q=0.5 waits
  answer(kLaptop, laptop, 486, "laptop-tag");
  world.net.run_for(1s);
  ASSERT_NE(mobile.request("INVITE"), nullptr);
  answer(kMobile, mobile, 200, "mobile-tag");
  world.net.run_for(1s);
  EXPECT_EQ(world.flow(mark), (std::vector<std::string>{
                                  "peter-pc>proxy INVITE", "proxy>peter-pc 100", "proxy>ivan-laptop INVITE",
                                  "ivan-laptop>proxy 100", "ivan-laptop>proxy 486", "proxy>ivan-laptop ACK",
                                  "proxy>ivan-mobile INVITE", "ivan-mobile>proxy 100", "ivan-mobile>proxy 200",
                                  "proxy>peter-pc 200"}));
  EXPECT_EQ(peter.codes(), (std::vector<int>{100, 200}));
}

constexpr const char* kLoopZone = R"(
$ORIGIN example.
$TTL 3600
@        IN SOA dns.example. hostmaster.example. 1 3600 600 604800 300
         IN NS  dns.example.
dns      IN A 192.0.2.53
loop     IN A 192.0.2.10
)";

class LoopTest : public ProxyTest {
 protected:
  LoopTest() : ProxyTest(proxy_config(), kLoopZone) {}
};

TEST_F(LoopTest, ARequestThatComesBackUnchangedIs482) {
  Message to_loop = invite();
  to_loop.set_request_uri(uri("sip:bob@loop.example"));
  world.send(kPeter, to_loop);
  world.net.run_for(2s);
  // loop.example resolves to the proxy itself: the forwarded INVITE comes
  // back with our Via and the same loop key → 482 at once (before any 100),
  // which travels back through our own client branch to Peter.
  EXPECT_EQ(world.flow(), (std::vector<std::string>{"peter-pc>proxy INVITE", "proxy>peter-pc 100",
                                                    "proxy>proxy INVITE", "proxy>proxy 482", "proxy>proxy ACK",
                                                    "proxy>peter-pc 482", "peter-pc>proxy ACK"}));
  EXPECT_EQ(world.core.counters().loops, 1u);
  EXPECT_EQ(peter.codes(), (std::vector<int>{100, 482}));
}

}  // namespace
}  // namespace siplab::sip::proxytest
