// UA registration (RFC 3261 §10.2, §22.2): the 401 challenge answered with
// the same Call-ID and CSeq + 1, refresh at the configured share of the
// granted expiry, wrong password and stale nonce, query / remove / remove-all.
#include "models/sip/message/digest.h"
#include "tests/unit/sip_ua/ua_world.h"

namespace siplab::sip::ua_test {
namespace {

// A registrar the test controls: challenges REGISTERs without credentials,
// checks the digest with password "secret", keeps bindings.
struct Registrar {
  explicit Registrar(World& w) : peer(w.net, w.random, "proxy", kProxy) {
    peer.tu.on_req = [this](Instant now, RequestReceived& r) { handle(now, r); };
  }
  void challenge(Instant now, RequestReceived& r, const std::string& nonce, bool stale) {
    Message m = make_response(r.request, 401, {}, "regtag");
    m.add_header("WWW-Authenticate", "Digest realm=\"domain.ru\", nonce=\"" + nonce +
                                         "\", qop=\"auth\", algorithm=MD5" + (stale ? ", stale=true" : ""));
    peer.tu.ctx->send_response(now, r.txn, std::move(m));
  }
  void handle(Instant now, RequestReceived& r) {
    auto auth = r.request.authorization();
    if (auth.empty()) return challenge(now, r, "n1", false);
    auto creds = std::get<DigestCredentials>(*parse_credentials(auth[0]));
    if (stale_once && creds.nonce == "n1") return challenge(now, r, "n2", true);
    if (verify_digest(creds, DigestSecret::password("secret"), "REGISTER", "") != DigestVerdict::Ok)
      return challenge(now, r, "n3", false);
    if (r.request.expires() && *r.request.expires() > 0 && *r.request.expires() < min_expires) {
      Message brief = make_response(r.request, 423, {}, "regtag");  // §10.3 step 7
      brief.set_min_expires(min_expires);
      peer.tu.ctx->send_response(now, r.txn, std::move(brief));
      return;
    }
    ContactList asked = r.request.contacts();
    const uint32_t expires = std::min(r.request.expires().value_or(3600), max_expires);
    if (asked.star) bindings.clear();
    for (const auto& c : asked.contacts) {
      std::erase_if(bindings, [&](const NameAddr& b) { return b.uri == c.uri; });
      if (expires > 0) {
        NameAddr b = c;
        set_param(b.params, "expires", std::to_string(expires));
        bindings.push_back(b);
      }
    }
    Message ok = make_response(r.request, 200, {}, "regtag");
    if (!bindings.empty()) ok.set_contacts(bindings);
    peer.tu.ctx->send_response(now, r.txn, std::move(ok));
  }
  Peer peer;
  bool stale_once = false;
  uint32_t max_expires = 3600;
  uint32_t min_expires = 0;
  std::vector<NameAddr> bindings;
};

TEST(UaRegistration, AnswersTheChallengeWithSameCallIdAndNextCSeq) {
  World w;
  Registrar registrar(w);
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.register_binding(w.net.now()); });
  w.net.run_for(1s);

  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"REGISTER", "401", "REGISTER", "200"}));
  auto registers = sent(w.net, "ivan-laptop", "REGISTER");
  ASSERT_EQ(registers.size(), 2u);
  const Message& first = registers[0];
  const Message& second = registers[1];
  EXPECT_EQ(first.request_uri().to_string(), "sip:domain.ru");
  EXPECT_EQ(first.to()->to_string(), "<sip:ivan@domain.ru>");
  EXPECT_EQ(first.contacts().contacts.at(0).to_string(), "<sip:ivan@192.0.2.31:5060>");
  EXPECT_EQ(first.expires(), 3600u);
  EXPECT_TRUE(first.authorization().empty());
  EXPECT_EQ(second.call_id(), first.call_id());
  EXPECT_EQ(second.from_tag(), first.from_tag());
  EXPECT_EQ(second.cseq()->number, first.cseq()->number + 1);
  EXPECT_NE(second.top_via()->branch(), first.top_via()->branch());

  ASSERT_EQ(second.authorization().size(), 1u);
  auto creds = std::get<DigestCredentials>(*parse_credentials(second.authorization()[0]));
  EXPECT_EQ(creds.username, "ivan");
  EXPECT_EQ(creds.realm, "domain.ru");
  EXPECT_EQ(creds.nonce, "n1");
  EXPECT_EQ(creds.uri, "sip:domain.ru");
  EXPECT_EQ(creds.qop, "auth");
  EXPECT_EQ(creds.nc, "00000001");
  ASSERT_TRUE(creds.cnonce);
  EXPECT_EQ(creds.cnonce->size(), 16u);
  EXPECT_EQ(verify_digest(creds, DigestSecret::password("secret"), "REGISTER", ""), DigestVerdict::Ok);

  const RegistrationStatus& reg = laptop.ua.registration();
  EXPECT_EQ(reg.state, RegistrationStatus::State::Registered);
  EXPECT_EQ(reg.granted_expires, 3600u);
  EXPECT_EQ(reg.last_code, 200);
  EXPECT_EQ(reg.requests_sent, 2u);
  ASSERT_EQ(reg.bindings.size(), 1u);
  EXPECT_EQ(tu_traces(w.net, "ivan-laptop", "reg.event"),
            (std::vector<std::string>{
                "aor=sip:ivan@domain.ru contact=sip:ivan@192.0.2.31:5060 expires=3600 code=200"}));
}

TEST(UaRegistration, RefreshesAtTheConfiguredShareOfTheGrantedExpiry) {
  World w;
  Registrar registrar(w);
  registrar.max_expires = 600;  // the registrar grants less than asked
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.register_binding(w.net.now()); });
  w.net.run_for(1s);
  // DNS (20 ms), REGISTER/401 (20 ms), REGISTER/200 (20 ms): granted at 60 ms.
  ASSERT_EQ(laptop.ua.registration().granted_expires, 600u);
  ASSERT_EQ(laptop.ua.registration().refresh_at, Instant{60ms + 300s});
  w.net.run_until(Instant{60ms + 300s + 1s});
  auto times = send_times(w.net, "ivan-laptop", "REGISTER");
  ASSERT_EQ(times.size(), 4u);
  EXPECT_EQ(times[2], Instant{60ms + 300s});
  auto registers = sent(w.net, "ivan-laptop", "REGISTER");
  EXPECT_EQ(registers[2].call_id(), registers[0].call_id());
  EXPECT_EQ(registers[2].cseq()->number, registers[1].cseq()->number + 1);
  EXPECT_EQ(laptop.ua.registration().refresh_at, Instant{60ms + 300s + 40ms + 300s});
}

TEST(UaRegistration, WrongPasswordFailsAfterOneRetry) {
  World w;
  Registrar registrar(w);
  UaConfig config = ivan_config();
  config.password = "wrong";
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, config);
  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.register_binding(w.net.now()); });
  w.net.run_for(40s);
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"REGISTER", "401", "REGISTER", "401"}));
  EXPECT_EQ(laptop.ua.registration().state, RegistrationStatus::State::Failed);
  EXPECT_EQ(laptop.ua.registration().last_code, 401);
  EXPECT_FALSE(laptop.ua.registration().refresh_at);
  EXPECT_EQ(tu_traces(w.net, "ivan-laptop", "reg.event"),
            (std::vector<std::string>{"aor=sip:ivan@domain.ru contact=sip:ivan@192.0.2.31:5060 expires=0 code=401"}));
}

TEST(UaRegistration, StaleNonceIsAnsweredAgainWithTheNewNonce) {
  World w;
  Registrar registrar(w);
  registrar.stale_once = true;
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.register_binding(w.net.now()); });
  w.net.run_for(1s);
  EXPECT_EQ(w.net.sip_labels(),
            (std::vector<std::string>{"REGISTER", "401", "REGISTER", "401", "REGISTER", "200"}));
  auto registers = sent(w.net, "ivan-laptop", "REGISTER");
  auto creds = std::get<DigestCredentials>(*parse_credentials(registers[2].authorization()[0]));
  EXPECT_EQ(creds.nonce, "n2");
  EXPECT_EQ(creds.nc, "00000001");
  EXPECT_EQ(registers[2].cseq()->number, registers[0].cseq()->number + 2);
  EXPECT_EQ(laptop.ua.registration().state, RegistrationStatus::State::Registered);
}

TEST(UaRegistration, QueryRemoveOneAndRemoveAll) {
  World w;
  Registrar registrar(w);
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  Device mobile(w.net, w.random, "ivan-mobile", kMobile, ivan_config());
  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.register_binding(w.net.now()); });
  w.net.command("ivan-mobile", [&](TuContext&) { mobile.ua.register_binding(w.net.now()); });
  w.net.run_for(1s);
  ASSERT_EQ(registrar.bindings.size(), 2u);

  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.query_bindings(w.net.now()); });
  w.net.run_for(1s);
  Message query = sent(w.net, "ivan-laptop", "REGISTER").back();
  EXPECT_FALSE(query.header(HeaderId::Contact));
  EXPECT_FALSE(query.expires());
  ASSERT_EQ(laptop.ua.registration().bindings.size(), 2u);
  EXPECT_EQ(laptop.ua.registration().bindings[1].to_string(), "<sip:ivan@192.0.2.32:5060>;expires=3600");

  w.net.command("ivan-mobile", [&](TuContext&) { mobile.ua.unregister(w.net.now()); });
  w.net.run_for(1s);
  Message remove = sent(w.net, "ivan-mobile", "REGISTER").back();
  EXPECT_EQ(*remove.header(HeaderId::Contact), "<sip:ivan@192.0.2.32:5060>");
  EXPECT_EQ(remove.expires(), 0u);
  EXPECT_EQ(registrar.bindings.size(), 1u);
  EXPECT_EQ(mobile.ua.registration().state, RegistrationStatus::State::Unregistered);
  EXPECT_FALSE(mobile.ua.registration().refresh_at);

  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.unregister_all(w.net.now()); });
  w.net.run_for(1s);
  Message all = sent(w.net, "ivan-laptop", "REGISTER").back();
  EXPECT_EQ(*all.header(HeaderId::Contact), "*");
  EXPECT_EQ(all.expires(), 0u);
  EXPECT_TRUE(registrar.bindings.empty());
  EXPECT_EQ(laptop.ua.registration().state, RegistrationStatus::State::Unregistered);
  EXPECT_EQ(tu_traces(w.net, "ivan-laptop", "reg.event").back(),
            "aor=sip:ivan@domain.ru contact=sip:ivan@192.0.2.31:5060 expires=0 code=200");
  // Nothing refreshes a removed registration.
  const size_t before = sent(w.net, "ivan-laptop", "REGISTER").size();
  w.net.run_for(2000s);
  EXPECT_EQ(sent(w.net, "ivan-laptop", "REGISTER").size(), before);
}

TEST(UaRegistration, IntervalTooBriefIsRetriedWithMinExpires) {
  World w;
  Registrar registrar(w);
  registrar.min_expires = 120;
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, ivan_config());
  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.register_binding(w.net.now(), 30); });
  w.net.run_for(1s);
  EXPECT_EQ(w.net.sip_labels(), (std::vector<std::string>{"REGISTER", "401", "REGISTER", "423", "REGISTER", "200"}));
  auto registers = sent(w.net, "ivan-laptop", "REGISTER");
  EXPECT_EQ(registers[1].expires(), 30u);
  EXPECT_EQ(registers[2].expires(), 120u);
  EXPECT_EQ(registers[2].cseq()->number, registers[1].cseq()->number + 1);
  EXPECT_EQ(laptop.ua.registration().granted_expires, 120u);
}

TEST(UaRegistration, OutboundProxyIsTheRouteAndTheNextHop) {
  World w;
  Registrar registrar(w);
  UaConfig config = ivan_config();
  config.outbound_proxy = "sip:192.0.2.10";
  Device laptop(w.net, w.random, "ivan-laptop", kLaptop, config);
  w.net.command("ivan-laptop", [&](TuContext&) { laptop.ua.register_binding(w.net.now()); });
  w.net.run_for(1s);
  for (const auto& p : w.net.packets()) EXPECT_FALSE(p.dns);  // no RFC 3263 lookup of domain.ru
  auto registers = sent(w.net, "ivan-laptop", "REGISTER");
  ASSERT_EQ(registers.size(), 2u);
  EXPECT_EQ(registers[0].request_uri().to_string(), "sip:domain.ru");
  EXPECT_EQ(*registers[0].header(HeaderId::Route), "<sip:192.0.2.10;lr>");
  EXPECT_EQ(registers[1].routes().size(), 1u);
  EXPECT_EQ(laptop.ua.registration().state, RegistrationStatus::State::Registered);
}

}  // namespace
}  // namespace siplab::sip::ua_test
