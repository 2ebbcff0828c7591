// Registrar (RFC 3261 §10.3) with digest authentication (§22.4, RFC 2617,
// RFC 7616, RFC 8760), driven end to end: a scripted UA sends REGISTERs
// over the in-memory network to a ProxyCore node.
#include <gtest/gtest.h>

#include "models/sip/message/digest.h"
#include "tests/unit/sip_proxy/scripted_ua.h"

namespace siplab::sip::proxytest {
namespace {

ProxyConfig registrar_config(DigestAlgorithmChoice algorithm = DigestAlgorithmChoice::Md5,
                             std::map<std::string, std::string> users = {{"ivan", "secret"}}) {
  ProxyConfig c;
  c.domain = "domain.ru";
  RegistrarConfig r;
  r.users = std::move(users);
  r.algorithm = algorithm;
  r.min_expires = 60;
  r.default_expires = 3600;
  r.max_expires = 7200;
  r.nonce_lifetime = 300s;
  c.registrar = r;
  return c;
}

struct RegisterSpec {
  std::string aor = "sip:ivan@domain.ru";
  std::string call_id = "reg-1@198.51.100.20";
  uint32_t cseq = 1;
  std::vector<std::string> contacts = {"<sip:ivan@198.51.100.20>"};
  std::optional<std::string> expires = std::nullopt;
  std::optional<std::string> authorization = std::nullopt;
};

Message make_register(const RegisterSpec& s) {
  std::string text = "REGISTER sip:domain.ru SIP/2.0\n"
                     "Max-Forwards: 70\n"
                     "From: <" + s.aor + ">;tag=ftag\n"
                     "To: <" + s.aor + ">\n"
                     "Call-ID: " + s.call_id + "\n"
                     "CSeq: " + std::to_string(s.cseq) + " REGISTER\n";
  for (const std::string& c : s.contacts) text += "Contact: " + c + "\n";
  if (s.expires) text += "Expires: " + *s.expires + "\n";
  if (s.authorization) text += "Authorization: " + *s.authorization + "\n";
  text += "Content-Length: 0\n\n";
  return parse_or_die(text);
}

class RegistrarTest : public ::testing::Test {
 protected:
  explicit RegistrarTest(ProxyConfig config = registrar_config()) : world(std::move(config)) {
    world.add_ua("ivan-laptop", "198.51.100.20");
  }

  ScriptedUa& ua() { return *world.uas[0]; }

  // Sends one REGISTER and returns its final response (after 1 s).
  Message exchange(const RegisterSpec& spec) {
    const RequestHandle h = world.send("ivan-laptop", make_register(spec));
    world.net.run_for(1s);
    for (const auto& seen : ua().responses) {
      if (seen.handle == h && seen.message.status_code() >= 200) return seen.message;
    }
    ADD_FAILURE() << "no final response";
    return {};
  }

  static DigestChallenge challenge_of(const Message& response, std::size_t row = 0) {
    auto rows = response.www_authenticate();
    EXPECT_GT(rows.size(), row);
    auto parsed = parse_challenge(rows.at(row));
    EXPECT_TRUE(parsed.ok());
    return std::get<DigestChallenge>(*parsed);
  }

  static std::string credentials(const DigestChallenge& ch, std::string_view user, std::string_view password,
                                 uint32_t nc = 1) {
    DigestClientInput in;
    in.username = user;
    in.password = password;
    in.method = "REGISTER";
    in.uri = "sip:domain.ru";
    in.cnonce = "0a4f113b";
    in.nc = nc;
    auto creds = answer_challenge(ch, in);
    EXPECT_TRUE(creds.ok());
    return serialize(*creds);
  }

  // Challenge → credentials → 200; returns the 200.
  Message register_ok(RegisterSpec spec) {
    Message challenge = exchange(spec);
    EXPECT_EQ(challenge.status_code(), 401);
    ++spec.cseq;
    spec.authorization = credentials(challenge_of(challenge), "ivan", "secret");
    Message ok = exchange(spec);
    EXPECT_EQ(ok.status_code(), 200) << ok.start_line();
    return ok;
  }

  static std::vector<std::string> contact_rows(const Message& m) { 
    std::vector<std::string> out;
    for (auto v : m.header_values(HeaderId::Contact)) out.emplace_back(v);
    return out;
  }

  World world;
};

TEST_F(RegistrarTest, ChallengesThenBindsWithCorrectCredentials) {
  Message challenge = exchange(RegisterSpec{});
  EXPECT_EQ(challenge.start_line(), "SIP/2.0 401 Unauthorized");
  ASSERT_TRUE(challenge.to_tag());
  const DigestChallenge ch = challenge_of(challenge);
  EXPECT_EQ(ch.nonce.size(), 32u);
  EXPECT_EQ(std::string(challenge.www_authenticate()[0]),
            "Digest realm=\"domain.ru\", nonce=\"" + ch.nonce + "\", algorithm=MD5, qop=\"auth\"");
  EXPECT_TRUE(world.core.bindings("sip:ivan@domain.ru", world.net.now()).empty());

  RegisterSpec spec;
  spec.cseq = 2;
  spec.authorization = credentials(ch, "ivan", "secret");
  Message ok = exchange(spec);
  EXPECT_EQ(ok.start_line(), "SIP/2.0 200 OK");
  EXPECT_TRUE(ok.to_tag());
  EXPECT_EQ(contact_rows(ok), (std::vector<std::string>{"<sip:ivan@198.51.100.20>;expires=3600"}));
  // REGISTER at 1 s reaches the proxy at 1.010 s.
  EXPECT_EQ(world.core.bindings("sip:ivan@domain.ru", 1010ms),
            (std::vector<BindingView>{{"sip:ivan@198.51.100.20", 3600, 1000, "reg-1@198.51.100.20", 2}}));
  EXPECT_EQ(world.binding_events(),
            (std::vector<std::string>{"1010ms sip:ivan@domain.ru sip:ivan@198.51.100.20 3600 added"}));
  EXPECT_EQ(world.core.counters().challenges, 1u);
  EXPECT_EQ(world.core.counters().registers, 2u);
}

TEST_F(RegistrarTest, WrongPasswordGetsAFreshChallengeAndNoBinding) {
  Message first = exchange(RegisterSpec{});
  RegisterSpec spec;
  spec.cseq = 2;
  spec.authorization = credentials(challenge_of(first), "ivan", "wrong");
  Message second = exchange(spec);
  EXPECT_EQ(second.status_code(), 401);
  EXPECT_NE(challenge_of(second).nonce, challenge_of(first).nonce);
  EXPECT_FALSE(challenge_of(second).stale);
  EXPECT_EQ(world.core.counters().auth_failures, 1u);
  EXPECT_TRUE(world.core.bindings("sip:ivan@domain.ru", world.net.now()).empty());
  EXPECT_TRUE(world.binding_events().empty());
}

TEST_F(RegistrarTest, ExpiredNonceWithRightPasswordIsStale) {
  Message first = exchange(RegisterSpec{});
  world.net.run_for(300s);  // nonce issued at 0.010 s; now 301 s: older than 300 s
  RegisterSpec spec;
  spec.cseq = 2;
  spec.authorization = credentials(challenge_of(first), "ivan", "secret");
  Message second = exchange(spec);
  EXPECT_EQ(second.status_code(), 401);
  EXPECT_TRUE(challenge_of(second).stale);
  EXPECT_NE(std::string(second.www_authenticate()[0]).find("stale=true"), std::string::npos);
  EXPECT_TRUE(world.core.bindings("sip:ivan@domain.ru", world.net.now()).empty());

  // The new nonce works at once.
  spec.cseq = 3;
  spec.authorization = credentials(challenge_of(second), "ivan", "secret");
  EXPECT_EQ(exchange(spec).status_code(), 200);
}

TEST_F(RegistrarTest, ReplayedNonceCountIsRejected) {
  Message first = exchange(RegisterSpec{});
  const DigestChallenge ch = challenge_of(first);
  RegisterSpec spec;
  spec.cseq = 2;
  spec.authorization = credentials(ch, "ivan", "secret", 1);
  EXPECT_EQ(exchange(spec).status_code(), 200);
  // Same nonce and nc=1 again (a captured request replayed, new CSeq).
  spec.cseq = 3;
  spec.expires = "0";
  spec.authorization = credentials(ch, "ivan", "secret", 1);
  Message replay = exchange(spec);
  EXPECT_EQ(replay.status_code(), 401);
  EXPECT_EQ(world.core.counters().auth_failures, 1u);
  EXPECT_EQ(world.core.bindings("sip:ivan@domain.ru", world.net.now()).size(), 1u);
  // nc=2 on the same nonce is accepted (RFC 7616 §3.4: nonce reuse with a higher count).
  spec.cseq = 4;
  spec.authorization = credentials(ch, "ivan", "secret", 2);
  EXPECT_EQ(exchange(spec).status_code(), 200);
  EXPECT_TRUE(world.core.bindings("sip:ivan@domain.ru", world.net.now()).empty());
}

TEST_F(RegistrarTest, TooShortExpiresGets423WithMinExpires) {
  RegisterSpec spec;
  spec.expires = "30";
  Message challenge = exchange(spec);
  spec.cseq = 2;
  spec.authorization = credentials(challenge_of(challenge), "ivan", "secret");
  Message brief = exchange(spec);
  EXPECT_EQ(brief.start_line(), "SIP/2.0 423 Interval Too Brief");
  EXPECT_EQ(brief.min_expires(), 60u);
  EXPECT_TRUE(world.core.bindings("sip:ivan@domain.ru", world.net.now()).empty());
}

TEST_F(RegistrarTest, LongExpiresIsShortenedToTheMaximum) {
  RegisterSpec spec;
  spec.contacts = {"<sip:ivan@198.51.100.20>;expires=99999"};
  Message ok = register_ok(spec);
  EXPECT_EQ(contact_rows(ok), (std::vector<std::string>{"<sip:ivan@198.51.100.20>;expires=7200"}));
}

TEST_F(RegistrarTest, RefreshRestartsTheBindingClock) {
  RegisterSpec spec;
  register_ok(spec);  // bound at 1.010 s
  world.net.run_until(Instant{100s});
  spec.cseq = 3;
  spec.authorization.reset();
  Message challenge = exchange(spec);
  spec.cseq = 4;
  spec.authorization = credentials(challenge_of(challenge), "ivan", "secret");
  Message ok = exchange(spec);  // at 101.010 s
  EXPECT_EQ(contact_rows(ok), (std::vector<std::string>{"<sip:ivan@198.51.100.20>;expires=3600"}));
  EXPECT_EQ(world.binding_events(),
            (std::vector<std::string>{"1010ms sip:ivan@domain.ru sip:ivan@198.51.100.20 3600 added",
                                      "101010ms sip:ivan@domain.ru sip:ivan@198.51.100.20 3600 refreshed"}));
  auto b = world.core.bindings("sip:ivan@domain.ru", Instant{3701s});
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].expires, 1u);  // expires at 3701.010 s, rounded up
}

TEST_F(RegistrarTest, RemovesOneBindingAndQueriesTheRest) {
  RegisterSpec spec;
  spec.contacts = {"<sip:ivan@198.51.100.20>", "<sip:ivan@198.51.100.21>;q=0.5"};
  Message ok = register_ok(spec);
  EXPECT_EQ(contact_rows(ok), (std::vector<std::string>{"<sip:ivan@198.51.100.20>;expires=3600",
                                                        "<sip:ivan@198.51.100.21>;q=0.5;expires=3600"}));
  // Remove the first; the 200 lists the remaining one.
  world.net.run_until(Instant{1000s});
  Message challenge = exchange({.cseq = 3, .contacts = {"<sip:ivan@198.51.100.20>;expires=0"}});
  RegisterSpec removal{.cseq = 4, .contacts = {"<sip:ivan@198.51.100.20>;expires=0"}};
  removal.authorization = credentials(challenge_of(challenge), "ivan", "secret");
  Message removed = exchange(removal);  // at 1001.010 s
  EXPECT_EQ(removed.status_code(), 200);
  EXPECT_EQ(contact_rows(removed), (std::vector<std::string>{"<sip:ivan@198.51.100.21>;q=0.5;expires=2600"}));
  // A query (no Contact) lists the bindings without changing them.
  Message qchallenge = exchange({.cseq = 5, .contacts = {}});
  RegisterSpec query{.cseq = 6, .contacts = {}};
  query.authorization = credentials(challenge_of(qchallenge), "ivan", "secret");
  Message listed = exchange(query);  // at 1003.010 s
  EXPECT_EQ(contact_rows(listed), (std::vector<std::string>{"<sip:ivan@198.51.100.21>;q=0.5;expires=2598"}));
  EXPECT_EQ(world.binding_events().back(), "1001010ms sip:ivan@domain.ru sip:ivan@198.51.100.20 0 removed");
  EXPECT_EQ(world.binding_events().size(), 3u);
}

TEST_F(RegistrarTest, StarRemovesAllOnlyWithExpiresZero) {
  RegisterSpec spec;
  spec.contacts = {"<sip:ivan@198.51.100.20>", "<sip:ivan@198.51.100.21>"};
  register_ok(spec);
  Message challenge = exchange({.cseq = 3, .contacts = {"*"}, .expires = "10"});
  RegisterSpec bad{.cseq = 4, .contacts = {"*"}, .expires = "10"};
  bad.authorization = credentials(challenge_of(challenge), "ivan", "secret", 1);
  Message rejected = exchange(bad);
  EXPECT_EQ(rejected.status_code(), 400);
  EXPECT_EQ(world.core.bindings("sip:ivan@domain.ru", world.net.now()).size(), 2u);

  RegisterSpec all{.cseq = 5, .contacts = {"*"}, .expires = "0"};
  all.authorization = credentials(challenge_of(challenge), "ivan", "secret", 2);
  Message cleared = exchange(all);
  EXPECT_EQ(cleared.status_code(), 200);
  EXPECT_TRUE(contact_rows(cleared).empty());
  EXPECT_TRUE(world.core.bindings("sip:ivan@domain.ru", world.net.now()).empty());
  auto events = world.binding_events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2], "4010ms sip:ivan@domain.ru sip:ivan@198.51.100.20 0 removed");
  EXPECT_EQ(events[3], "4010ms sip:ivan@domain.ru sip:ivan@198.51.100.21 0 removed");
}

TEST_F(RegistrarTest, BindingExpiresAtTheExactInstant) {
  RegisterSpec spec;
  spec.expires = "120";
  register_ok(spec);  // bound at 1.010 s for 120 s
  world.net.run_until(Instant{121009ms});
  EXPECT_EQ(world.core.bindings("sip:ivan@domain.ru", world.net.now()).size(), 1u);
  EXPECT_EQ(world.binding_events().size(), 1u);
  world.net.run_until(Instant{200s});
  EXPECT_EQ(world.binding_events(),
            (std::vector<std::string>{"1010ms sip:ivan@domain.ru sip:ivan@198.51.100.20 120 added",
                                      "121010ms sip:ivan@domain.ru sip:ivan@198.51.100.20 0 expired"}));
  EXPECT_TRUE(world.core.bindings("sip:ivan@domain.ru", world.net.now()).empty());
}

TEST_F(RegistrarTest, UnknownUserIs404AndOtherUsersAorIs403) {
  Message challenge = exchange({.aor = "sip:nobody@domain.ru"});
  RegisterSpec spec{.aor = "sip:nobody@domain.ru", .cseq = 2};
  spec.authorization = credentials(challenge_of(challenge), "ivan", "secret");
  EXPECT_EQ(exchange(spec).start_line(), "SIP/2.0 404 Not Found");
}

TEST_F(RegistrarTest, OutOfOrderCSeqWithinACallIdFails500) {
  RegisterSpec spec{.cseq = 5};
  Message challenge = exchange(spec);
  spec.cseq = 6;
  spec.authorization = credentials(challenge_of(challenge), "ivan", "secret", 1);
  EXPECT_EQ(exchange(spec).status_code(), 200);
  spec.cseq = 6;  // not higher than the stored 6
  spec.expires = "0";
  spec.authorization = credentials(challenge_of(challenge), "ivan", "secret", 2);
  Message stale = exchange(spec);
  EXPECT_EQ(stale.status_code(), 500);
  EXPECT_EQ(world.core.bindings("sip:ivan@domain.ru", world.net.now()).size(), 1u);
  // A different Call-ID may update it regardless of CSeq (§10.3 step 7).
  spec.call_id = "other-call@198.51.100.20";
  spec.cseq = 1;
  spec.authorization = credentials(challenge_of(challenge), "ivan", "secret", 3);
  EXPECT_EQ(exchange(spec).status_code(), 200);
  EXPECT_TRUE(world.core.bindings("sip:ivan@domain.ru", world.net.now()).empty());
}

TEST_F(RegistrarTest, NonSipAddressOfRecordIs400) {
  Message m = parse_or_die(
      "REGISTER sip:domain.ru SIP/2.0\nMax-Forwards: 70\nTo: isbn:2983792873\n"
      "From: <http://www.example.com>;tag=3234233\nCall-ID: unksm2@x\nCSeq: 1 REGISTER\n"
      "Contact: <name:John_Smith>\nContent-Length: 0\n\n");
  const RequestHandle h = world.send("ivan-laptop", m);
  world.net.run_for(1s);
  ASSERT_EQ(ua().responses.size(), 1u);
  EXPECT_EQ(ua().responses[0].handle, h);
  EXPECT_EQ(ua().responses[0].message.status_code(), 400);
}

class RegistrarSha256Test : public RegistrarTest {
 protected:
  RegistrarSha256Test() : RegistrarTest(registrar_config(DigestAlgorithmChoice::Both)) {}
};

TEST_F(RegistrarSha256Test, OffersSha256FirstAndAcceptsIt) {
  Message challenge = exchange(RegisterSpec{});
  ASSERT_EQ(challenge.www_authenticate().size(), 2u);
  EXPECT_EQ(challenge_of(challenge, 0).algorithm, "SHA-256");
  EXPECT_EQ(challenge_of(challenge, 1).algorithm, "MD5");
  RegisterSpec spec{.cseq = 2};
  spec.authorization = credentials(challenge_of(challenge, 0), "ivan", "secret");
  EXPECT_NE(spec.authorization->find("algorithm=SHA-256"), std::string::npos);
  EXPECT_EQ(exchange(spec).status_code(), 200);
}

class RegistrarTwoUsersTest : public RegistrarTest {
 protected:
  RegistrarTwoUsersTest()
      : RegistrarTest(registrar_config(DigestAlgorithmChoice::Md5, {{"ivan", "secret"}, {"peter", "pw"}})) {}
};

TEST_F(RegistrarTwoUsersTest, AUserCannotRegisterAnotherUsersAor) {
  Message challenge = exchange(RegisterSpec{});
  RegisterSpec spec{.cseq = 2};
  spec.authorization = credentials(challenge_of(challenge), "peter", "pw");
  EXPECT_EQ(exchange(spec).start_line(), "SIP/2.0 403 Forbidden");
  EXPECT_TRUE(world.core.bindings("sip:ivan@domain.ru", world.net.now()).empty());
}

class OpenRegistrarTest : public RegistrarTest {
 protected:
  OpenRegistrarTest() : RegistrarTest(registrar_config(DigestAlgorithmChoice::Md5, {})) {}
};

TEST_F(OpenRegistrarTest, WithoutUsersBindsAtOnce) {
  Message ok = exchange(RegisterSpec{});
  EXPECT_EQ(ok.status_code(), 200);
  EXPECT_EQ(contact_rows(ok), (std::vector<std::string>{"<sip:ivan@198.51.100.20>;expires=3600"}));
  EXPECT_EQ(world.core.counters().challenges, 0u);
}

}  // namespace
}  // namespace siplab::sip::proxytest
