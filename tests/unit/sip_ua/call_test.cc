// UA calls between UA cores and scripted peers: ringing and answer, BYE in
// both directions, busy, CANCEL before/after the provisional, forking with
// two 2xx (both ACKed, one BYE'd), 2xx retransmission (§13.3.1.4) and its
// give-up BYE, re-INVITE, OPTIONS, digest on INVITE, 481, 482, 405.
#include "models/sip/message/digest.h"
#include "tests/unit/sip_ua/ua_world.h"

namespace siplab::sip::ua_test {
namespace {

struct CallWorld : World {
  Device peter{net, random, "peter-pc", kPeter, peter_config()};
  Device laptop{net, random, "ivan-laptop", kLaptop, ivan_config()};
  CallHandle call(const std::string& to, CallOptions options = {}) {
    CallHandle h = kNoCall;
    if (options.call_number == 0) options.call_number = 1;
    net.command("peter-pc", [&](TuContext&) { h = peter.ua.call(net.now(), to, options); });
    return h;
  }
};

// An INVITE a scripted peer sends by hand.
Message raw_invite(const std::string& from_tag, const std::string& call_id, uint32_t cseq = 1) {
  auto m = parse_message("INVITE sip:ivan@192.0.2.31 SIP/2.0\r\n"
                         "Max-Forwards: 70\r\n"
                         "From: <sip:peter@example.org>;tag=" + from_tag + "\r\n"
                         "To: <sip:ivan@domain.ru>\r\n"
                         "Call-ID: " + call_id + "\r\n"
                         "CSeq: " + std::to_string(cseq) + " INVITE\r\n"
                         "Contact: <sip:peter@198.51.100.10:5060>\r\n"
                         "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(m.ok());
  return std::move(m.value());
}

TEST(UaCall, AnsweredAfterTheDelayAndCallerHangsUp) {
  CallWorld w;
  w.laptop.ua.set_answer_policy({AnswerPolicy::Kind::Answer, 200, 2s, std::nullopt});
  CallOptions options;
  options.hangup_after = 5s;
  const CallHandle h = w.call("sip:ivan@192.0.2.31", options);
  w.net.run_for(10s);

  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"INVITE", "180", "200", "ACK", "BYE", "200"}));
  EXPECT_EQ(send_times(w.net, "ivan-laptop", "180"), (std::vector<Instant>{10ms}));
  EXPECT_EQ(send_times(w.net, "peter-pc", "ACK"), (std::vector<Instant>{2s + 20ms}));
  EXPECT_EQ(send_times(w.net, "peter-pc", "BYE"), (std::vector<Instant>{7s + 20ms}));

  const Call* call = w.peter.ua.find_call(h);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->state, CallState::Ended);
  const std::string id = call->call_id;
  EXPECT_EQ(tu_traces(w.net, "peter-pc", "call.event"),
            (std::vector<std::string>{"call=1 event=started call_id=" + id, "call=1 event=ringing call_id=" + id,
                                      "call=1 event=established call_id=" + id,
                                      "call=1 event=ended call_id=" + id}));
  const std::string dialog = id + ";" + call->local_tag + ";" + *call->answered;
  EXPECT_EQ(tu_traces(w.net, "peter-pc", "dialog.state"),
            (std::vector<std::string>{"dialog=" + dialog + " state=early", "dialog=" + dialog + " state=confirmed",
                                      "dialog=" + dialog + " state=terminated"}));
  EXPECT_EQ(tu_traces(w.net, "ivan-laptop", "call.event"),
            (std::vector<std::string>{"call=0 event=answered call_id=" + id, "call=0 event=ended call_id=" + id}));
  const Call* callee = w.laptop.ua.find_call_by_id(id);
  ASSERT_TRUE(callee);
  EXPECT_EQ(callee->state, CallState::Ended);

  // The 180 and 200 carry the To tag and the device Contact; the 200 an SDP answer.
  Message ok = sent(w.net, "ivan-laptop", "200").front();
  EXPECT_EQ(ok.to_tag(), *call->answered);
  EXPECT_EQ(*ok.header(HeaderId::Contact), "<sip:ivan@192.0.2.31:5060>");
  EXPECT_EQ(ok.content_type()->to_string(), "application/sdp");
  EXPECT_NE(ok.body().find("c=IN IP4 192.0.2.31\r\n"), std::string::npos);
  Message ack = sent(w.net, "peter-pc", "ACK").front();
  EXPECT_EQ(ack.request_uri().to_string(), "sip:ivan@192.0.2.31:5060");
  EXPECT_EQ(ack.cseq()->to_string(), "1 ACK");
  Message bye = sent(w.net, "peter-pc", "BYE").front();
  EXPECT_EQ(bye.cseq()->to_string(), "2 BYE");
}

TEST(UaCall, CalleeHangsUpAfterTheAck) {
  CallWorld w;
  w.laptop.ua.set_answer_policy({AnswerPolicy::Kind::Answer, 200, 1s, 3s});
  const CallHandle h = w.call("sip:ivan@192.0.2.31");
  w.net.run_for(10s);
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"INVITE", "180", "200", "ACK", "BYE", "200"}));
  // ACK reaches the callee at 1.03 s; BYE 3 s later.
  EXPECT_EQ(send_times(w.net, "ivan-laptop", "BYE"), (std::vector<Instant>{4s + 30ms}));
  Message bye = sent(w.net, "ivan-laptop", "BYE").front();
  EXPECT_EQ(bye.request_uri().to_string(), "sip:peter@198.51.100.10:5060");
  EXPECT_EQ(bye.cseq()->to_string(), "1 BYE");
  const Call* call = w.peter.ua.find_call(h);
  EXPECT_EQ(bye.from_tag(), *call->answered);
  EXPECT_EQ(bye.to_tag(), call->local_tag);
  EXPECT_EQ(call->state, CallState::Ended);
  EXPECT_EQ(tu_traces(w.net, "peter-pc", "call.event").back(), "call=1 event=ended call_id=" + call->call_id);
}

TEST(UaCall, BusyCalleeFailsTheCallWith486) {
  CallWorld w;
  w.laptop.ua.set_answer_policy({AnswerPolicy::Kind::Reject, 486, Duration::zero(), std::nullopt});
  const CallHandle h = w.call("sip:ivan@192.0.2.31");
  w.net.run_for(5s);
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"INVITE", "486", "ACK"}));
  EXPECT_EQ(w.peter.ua.find_call(h)->state, CallState::Failed);
  EXPECT_EQ(w.peter.ua.find_call(h)->final_code, 486);
  EXPECT_EQ(tu_traces(w.net, "peter-pc", "call.event").back(),
            "call=1 event=failed call_id=" + w.peter.ua.find_call(h)->call_id + " code=486");
}

TEST(UaCall, CancelBeforeTheProvisionalWaitsForIt) {
  CallWorld w;
  w.laptop.ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  CallHandle h = kNoCall;
  w.net.command("peter-pc", [&](TuContext&) {
    h = w.peter.ua.call(w.net.now(), "sip:ivan@192.0.2.31", CallOptions{2, {}, {}});
    w.peter.ua.cancel(w.net.now(), h);
  });
  w.net.run_for(5s);
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"INVITE", "180", "CANCEL", "200", "487", "ACK"}));
  EXPECT_EQ(send_times(w.net, "peter-pc", "CANCEL"), (std::vector<Instant>{20ms}));
  const Call* call = w.peter.ua.find_call(h);
  EXPECT_EQ(call->state, CallState::Failed);
  EXPECT_EQ(call->final_code, 487);
  const Call* callee = w.laptop.ua.find_call_by_id(call->call_id);
  EXPECT_EQ(callee->state, CallState::Failed);
  EXPECT_EQ(callee->final_code, 487);
  EXPECT_EQ(tu_traces(w.net, "peter-pc", "call.event").back(),
            "call=2 event=failed call_id=" + call->call_id + " code=487");
  // The early dialog of the 180 ends with the 487 on both sides.
  EXPECT_EQ(tu_traces(w.net, "peter-pc", "dialog.state").back().substr(
                tu_traces(w.net, "peter-pc", "dialog.state").back().rfind(' ')),
            " state=terminated");
}

TEST(UaCall, CancelAfterTheProvisionalAtTheScheduledInstant) {
  CallWorld w;
  w.laptop.ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  CallOptions options;
  options.cancel_after = 3s;
  const CallHandle h = w.call("sip:ivan@192.0.2.31", options);
  w.net.run_for(10s);
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"INVITE", "180", "CANCEL", "200", "487", "ACK"}));
  EXPECT_EQ(send_times(w.net, "peter-pc", "CANCEL"), (std::vector<Instant>{3s}));
  EXPECT_EQ(w.peter.ua.find_call(h)->final_code, 487);
}

TEST(UaCall, ForkedInviteAcksBothAnswersAndByesTheSecond) {
  CallWorld w;
  Peer proxy(w.net, w.random, "proxy", kProxy);
  Peer mobile(w.net, w.random, "ivan-mobile", kMobile);
  mobile.tu.on_req = [&](Instant now, RequestReceived& r) {
    if (r.request.method() == "BYE") mobile.tu.ctx->send_response(now, r.txn, make_response(r.request, 200));
  };
  // The "proxy" plays both forks: 180 from each device, then 200 from the
  // laptop in the transaction and 200 from the mobile after it.
  proxy.tu.on_req = [&](Instant now, RequestReceived& r) {
    if (r.request.method() != "INVITE") return;
    auto answer = [&](int code, const char* tag, const char* contact) {
      Message m = make_response(r.request, code, {}, tag);
      m.set_contacts({*parse_name_addr(contact)});
      return m;
    };
    proxy.tu.ctx->send_response(now, r.txn, answer(180, "la", "<sip:ivan@192.0.2.31:5060>"));
    proxy.tu.ctx->send_response(now, r.txn, answer(180, "mo", "<sip:ivan@192.0.2.32:5060>"));
    proxy.tu.ctx->send_response(now, r.txn, answer(200, "la", "<sip:ivan@192.0.2.31:5060>"));
    proxy.tu.ctx->send_stateless_response(now, answer(200, "mo", "<sip:ivan@192.0.2.32:5060>"), r.from);
  };
  const CallHandle h = w.call("sip:ivan@192.0.2.10");
  w.net.run_for(40s);

  EXPECT_EQ(w.net.sip_labels("peter-pc", "proxy"), (std::vector<std::string>{"INVITE", "180", "180", "200", "200"}));
  EXPECT_EQ(w.net.sip_labels("peter-pc", "ivan-laptop"), (std::vector<std::string>{"ACK"}));
  EXPECT_EQ(w.net.sip_labels("peter-pc", "ivan-mobile"), (std::vector<std::string>{"ACK", "BYE", "200"}));
  const Call* call = w.peter.ua.find_call(h);
  EXPECT_EQ(call->state, CallState::Established);
  EXPECT_EQ(call->answered, "la");
  EXPECT_EQ(call->legs.at("la").dialog.state, DialogState::Confirmed);
  EXPECT_EQ(call->legs.at("mo").dialog.state, DialogState::Terminated);
  const std::string prefix = "dialog=" + call->call_id + ";" + call->local_tag + ";";
  EXPECT_EQ(tu_traces(w.net, "peter-pc", "dialog.state"),
            (std::vector<std::string>{prefix + "la state=early", prefix + "mo state=early",
                                      prefix + "la state=confirmed", prefix + "mo state=confirmed",
                                      prefix + "mo state=terminated"}));
  auto events = tu_traces(w.net, "peter-pc", "call.event");
  EXPECT_EQ(std::count(events.begin(), events.end(), "call=1 event=established call_id=" + call->call_id), 1);
  // Both ACKs: CSeq of the INVITE, new branches, to each 2xx's Contact.
  auto acks = sent(w.net, "peter-pc", "ACK");
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[0].request_uri().to_string(), "sip:ivan@192.0.2.31:5060");
  EXPECT_EQ(acks[1].request_uri().to_string(), "sip:ivan@192.0.2.32:5060");
  EXPECT_EQ(acks[0].cseq()->to_string(), "1 ACK");
  EXPECT_EQ(acks[1].cseq()->to_string(), "1 ACK");
  Message invite = sent(w.net, "peter-pc", "INVITE").front();
  EXPECT_NE(acks[0].top_via()->branch(), invite.top_via()->branch());
  EXPECT_NE(acks[0].top_via()->branch(), acks[1].top_via()->branch());
}

TEST(UaCall, LostAckIsRepeatedOnTheRetransmitted2xx) {
  CallWorld w;
  int acks = 0;
  w.net.set_drop_rule([&](const testing::NodePacket& p) { return p.label() == "ACK" && ++acks == 1; });
  w.call("sip:ivan@192.0.2.31");
  w.net.run_for(40s);
  // 200 at 10 ms, its ACK lost; the 2xx again at T1 later; the second ACK stops it.
  EXPECT_EQ(send_times(w.net, "ivan-laptop", "200"), (std::vector<Instant>{10ms, 510ms}));
  EXPECT_EQ(send_times(w.net, "peter-pc", "ACK"), (std::vector<Instant>{20ms, 520ms}));
  EXPECT_TRUE(send_times(w.net, "ivan-laptop", "BYE").empty());
  EXPECT_EQ(w.laptop.ua.calls().begin()->second.state, CallState::Established);
  EXPECT_EQ(w.laptop.ua.calls().begin()->second.retransmissions, 1u);
}

TEST(UaCall, UnacknowledgedTwoHundredRetransmitsThenGivesUpWithBye) {
  World w;
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  Peer caller(w.net, w.random, "peter-pc", kPeter);
  caller.tu.on_req = [&](Instant now, RequestReceived& r) {
    if (r.request.method() == "BYE") caller.tu.ctx->send_response(now, r.txn, make_response(r.request, 200));
  };
  w.net.command("peter-pc", [&](TuContext& ctx) {
    ctx.send_request(w.net.now(), raw_invite("ptag", "noack@198.51.100.10"), *parse_uri("sip:ivan@192.0.2.31"));
  });
  w.net.run_for(40s);
  // §13.3.1.4: T1, doubling to T2 (0.5 s, 4 s): +0.5, +1.5, +3.5, +7.5,
  // then every 4 s until 64*T1 = 32 s, when the UAS gives up and BYEs.
  std::vector<Instant> expected{10ms};
  for (int ms : {500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500})
    expected.push_back(Instant{10ms + std::chrono::milliseconds(ms)});
  EXPECT_EQ(send_times(w.net, "ivan-laptop", "200"), expected);
  EXPECT_EQ(send_times(w.net, "ivan-laptop", "BYE"), (std::vector<Instant>{32s + 10ms}));
  const Call& call = laptop.ua.calls().begin()->second;
  EXPECT_EQ(call.state, CallState::Ended);
  EXPECT_EQ(call.retransmissions, 10u);
}

TEST(UaCall, ReInviteInsideTheDialog) {
  CallWorld w;
  const CallHandle h = w.call("sip:ivan@192.0.2.31");
  w.net.run_for(1s);
  w.net.command("peter-pc", [&](TuContext&) { w.peter.ua.reinvite(w.net.now(), h); });
  w.net.run_for(1s);
  EXPECT_EQ(w.net.sip_labels(),
            (std::vector<std::string>{"INVITE", "180", "200", "ACK", "INVITE", "200", "ACK"}));
  auto invites = sent(w.net, "peter-pc", "INVITE");
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_EQ(invites[1].cseq()->to_string(), "2 INVITE");
  EXPECT_EQ(invites[1].request_uri().to_string(), "sip:ivan@192.0.2.31:5060");
  EXPECT_EQ(invites[1].to_tag(), w.peter.ua.find_call(h)->answered);
  EXPECT_NE(invites[1].body().find(" 1 IN IP4 198.51.100.10\r\n"), std::string::npos);  // o= version 1
  EXPECT_EQ(sent(w.net, "peter-pc", "ACK").back().cseq()->to_string(), "2 ACK");
  const Call* callee = w.laptop.ua.find_call_by_id(w.peter.ua.find_call(h)->call_id);
  EXPECT_EQ(callee->legs.begin()->second.dialog.remote_cseq, 2u);
  EXPECT_FALSE(callee->unacked_2xx);
  EXPECT_EQ(w.peter.ua.find_call(h)->state, CallState::Established);
}

TEST(UaCall, ReInviteFromThePeerRefreshesTheTargetOfLaterRequests) {
  World w;
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  Peer caller(w.net, w.random, "peter-pc", kPeter);
  Peer moved(w.net, w.random, "peter-moved", *IpAddress::parse("198.51.100.20"));
  moved.tu.on_req = [&](Instant now, RequestReceived& r) {
    if (r.request.method() == "BYE") moved.tu.ctx->send_response(now, r.txn, make_response(r.request, 200));
  };
  const Uri device = *parse_uri("sip:ivan@192.0.2.31:5060");
  std::string remote_tag;
  auto ack = [&](TuContext& ctx, uint32_t cseq) {
    Message a = Message::request("ACK", device);
    a.set_max_forwards(70);
    a.set_from(*parse_name_addr("<sip:peter@example.org>;tag=ptag"));
    a.set_to(*parse_name_addr("<sip:ivan@domain.ru>;tag=" + remote_tag));
    a.set_call_id("move@198.51.100.10");
    a.set_cseq(CSeq{cseq, "ACK"});
    ctx.send_stateless(w.net.now(), a, device);
  };
  caller.tu.on_resp = [&](Instant, RequestHandle, const Message& m) {
    if (m.status_code() == 200) {
      remote_tag = *m.to_tag();
      w.net.command("peter-pc", [&](TuContext& ctx) { ack(ctx, m.cseq()->number); });
    }
  };
  w.net.command("peter-pc", [&](TuContext& ctx) {
    ctx.send_request(w.net.now(), raw_invite("ptag", "move@198.51.100.10"), *parse_uri("sip:ivan@192.0.2.31"));
  });
  w.net.run_for(1s);
  w.net.command("peter-pc", [&](TuContext& ctx) {
    Message reinvite = raw_invite("ptag", "move@198.51.100.10", 2);
    reinvite.set_request_uri(device);
    reinvite.set_to_tag(remote_tag);
    reinvite.set_contacts({*parse_name_addr("<sip:peter@198.51.100.20:5060>")});
    ctx.send_request(w.net.now(), reinvite, device);
  });
  w.net.run_for(1s);
  const CallHandle h = laptop.ua.calls().begin()->first;
  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.hangup(w.net.now(), h); });
  w.net.run_for(1s);
  EXPECT_EQ(w.net.sip_labels("peter-pc", "ivan-laptop"),
            (std::vector<std::string>{"INVITE", "180", "200", "ACK", "INVITE", "200", "ACK"}));
  // The BYE goes to the Contact of the re-INVITE (§12.2 target refresh).
  EXPECT_EQ(w.net.sip_labels("ivan-laptop", "peter-moved"), (std::vector<std::string>{"BYE", "200"}));
  Message bye = sent(w.net, "ivan-laptop", "BYE").front();
  EXPECT_EQ(bye.request_uri().to_string(), "sip:peter@198.51.100.20:5060");
  EXPECT_EQ(laptop.ua.find_call(h)->state, CallState::Ended);
  EXPECT_EQ(laptop.ua.find_call(h)->legs.at("ptag").dialog.remote_cseq, 2u);
}

TEST(UaCall, OptionsAnsweredWithCapabilities) {
  CallWorld w;
  w.net.command("peter-pc", [&](TuContext&) { w.peter.ua.options(w.net.now(), "sip:ivan@192.0.2.31"); });
  w.net.run_for(1s);
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"OPTIONS", "200"}));
  Message ok = sent(w.net, "ivan-laptop", "200").front();
  EXPECT_EQ(*ok.header(HeaderId::Allow), "INVITE, ACK, CANCEL, BYE, OPTIONS");
  EXPECT_EQ(*ok.header(HeaderId::Accept), "application/sdp");
  EXPECT_TRUE(ok.header(HeaderId::Supported));
  EXPECT_EQ(w.peter.ua.last_options_code(), 200);
}

TEST(UaCall, InviteChallengedByTheProxyIsRetriedWithCredentials) {
  World w;
  UaConfig config = peter_config();
  config.password = "pw";
  Device peter(w.net, w.random, "peter-pc", kPeter, config);
  Peer proxy(w.net, w.random, "proxy", kProxy);
  Peer laptop(w.net, w.random, "ivan-laptop", kLaptop);
  DigestVerdict verdict = DigestVerdict::WrongResponse;
  proxy.tu.on_req = [&](Instant now, RequestReceived& r) {
    if (r.request.method() != "INVITE") return;
    auto creds = r.request.proxy_authorization();
    if (creds.empty()) {
      Message m = make_response(r.request, 407, {}, "ptag");
      m.add_header("Proxy-Authenticate", "Digest realm=\"example.org\", nonce=\"x1\", qop=\"auth\"");
      proxy.tu.ctx->send_response(now, r.txn, std::move(m));
      return;
    }
    verdict = verify_digest(std::get<DigestCredentials>(*parse_credentials(creds[0])),
                            DigestSecret::password("pw"), "INVITE", r.request.body());
    Message ok = make_response(r.request, 200, {}, "la");
    ok.set_contacts({*parse_name_addr("<sip:ivan@192.0.2.31:5060>")});
    proxy.tu.ctx->send_response(now, r.txn, std::move(ok));
  };
  w.net.command("peter-pc", [&](TuContext&) { peter.ua.call(w.net.now(), "sip:ivan@192.0.2.10", {}); });
  w.net.run_for(5s);
  EXPECT_EQ(w.net.sip_labels("peter-pc", "proxy"), (std::vector<std::string>{"INVITE", "407", "ACK", "INVITE", "200"}));
  EXPECT_EQ(verdict, DigestVerdict::Ok);
  auto invites = sent(w.net, "peter-pc", "INVITE");
  EXPECT_EQ(invites[1].call_id(), invites[0].call_id());
  EXPECT_EQ(invites[1].from_tag(), invites[0].from_tag());
  EXPECT_EQ(invites[1].cseq()->to_string(), "2 INVITE");
  Message ack = sent(w.net, "peter-pc", "ACK").back();
  EXPECT_EQ(ack.cseq()->to_string(), "2 ACK");
  ASSERT_EQ(ack.proxy_authorization().size(), 1u);  // §13.2.2.4: the INVITE's credentials
  EXPECT_EQ(ack.proxy_authorization()[0], invites[1].proxy_authorization()[0]);
  EXPECT_EQ(w.net.sip_labels("peter-pc", "ivan-laptop"), (std::vector<std::string>{"ACK"}));
  EXPECT_EQ(peter.ua.calls().begin()->second.state, CallState::Established);
}

TEST(UaCall, RequestsOutsideAnyDialogGet481AndMergedRequests482) {
  World w;
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  laptop.ua.set_answer_policy({AnswerPolicy::Kind::NoAnswer, 0, Duration::zero(), std::nullopt});
  Peer caller(w.net, w.random, "peter-pc", kPeter);
  const Uri target = *parse_uri("sip:ivan@192.0.2.31");
  w.net.command("peter-pc", [&](TuContext& ctx) {
    Message bye = raw_invite("ptag", "stray@198.51.100.10", 5);
    bye.set_method("BYE");
    bye.set_cseq(CSeq{5, "BYE"});
    bye.set_to_tag("nosuchtag");
    ctx.send_request(w.net.now(), bye, target);
    // The same request twice in two transactions (as if forked back to us
    // through two paths): the second is merged (§8.2.2.2).
    ctx.send_request(w.net.now(), raw_invite("ftag", "merge@198.51.100.10"), target);
    ctx.send_request(w.net.now(), raw_invite("ftag", "merge@198.51.100.10"), target);
  });
  w.net.run_for(1s);
  std::vector<int> codes;
  for (const auto& r : caller.tu.responses) codes.push_back(r.status_code());
  EXPECT_EQ(codes, (std::vector<int>{481, 180, 482}));
  EXPECT_EQ(laptop.ua.calls().size(), 1u);
}

TEST(UaCall, InviteRetransmittedAfterThe2xxGetsThe2xxAgainNot482) {
  World w;
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  Peer caller(w.net, w.random, "peter-pc", kPeter);
  // The first 180 and 200 are lost: the caller, still in Calling,
  // retransmits its INVITE (Timer A, same branch).
  int dropped = 0;
  w.net.set_drop_rule([&](const testing::NodePacket& p) {
    return (p.label() == "180" || p.label() == "200") && dropped++ < 2;
  });
  w.net.command("peter-pc", [&](TuContext& ctx) {
    ctx.send_request(w.net.now(), raw_invite("ptag", "rtx@198.51.100.10"), *parse_uri("sip:ivan@192.0.2.31"));
  });
  w.net.run_until(Instant{600ms});
  // INVITE at 0 and 0.5 s (same branch); 180+200 at 10 ms; at 510 ms the
  // 2xx answers the retransmitted INVITE and the §13.3.1.4 timer resends it.
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"INVITE", "180", "200", "INVITE", "200", "200"}));
  EXPECT_EQ(send_times(w.net, "ivan-laptop", "200"), (std::vector<Instant>{10ms, 510ms, 510ms}));
  auto oks = sent(w.net, "ivan-laptop", "200");
  EXPECT_EQ(oks[1].to_tag(), oks[0].to_tag());
  EXPECT_EQ(oks[1].body(), oks[0].body());
  EXPECT_EQ(laptop.ua.calls().size(), 1u);
}

TEST(UaCall, UnsupportedRequireIs420WithUnsupported) {
  World w;
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  Peer other(w.net, w.random, "peter-pc", kPeter);
  w.net.command("peter-pc", [&](TuContext& ctx) {
    Message invite = raw_invite("qtag", "req@198.51.100.10");
    invite.set_header("Require", "100rel");
    ctx.send_request(w.net.now(), invite, *parse_uri("sip:ivan@192.0.2.31"));
  });
  w.net.run_for(1s);
  ASSERT_EQ(other.tu.responses.size(), 1u);
  EXPECT_EQ(other.tu.responses[0].status_code(), 420);  // §8.2.2.3
  EXPECT_EQ(*other.tu.responses[0].header(HeaderId::Unsupported), "100rel");
  EXPECT_TRUE(laptop.ua.calls().empty());
}

TEST(UaCall, RegisterAtADeviceIs405WithAllow) {
  World w;
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  Peer other(w.net, w.random, "peter-pc", kPeter);
  w.net.command("peter-pc", [&](TuContext& ctx) {
    Message reg = raw_invite("rtag", "reg@198.51.100.10");
    reg.set_method("REGISTER");
    reg.set_cseq(CSeq{1, "REGISTER"});
    ctx.send_request(w.net.now(), reg, *parse_uri("sip:192.0.2.31"));
  });
  w.net.run_for(1s);
  ASSERT_EQ(other.tu.responses.size(), 1u);
  EXPECT_EQ(other.tu.responses[0].status_code(), 405);
  EXPECT_EQ(*other.tu.responses[0].header(HeaderId::Allow), "INVITE, ACK, CANCEL, BYE, OPTIONS");
}

}  // namespace
}  // namespace siplab::sip::ua_test
