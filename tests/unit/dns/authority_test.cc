// The authoritative core: every answer case with exact sections and rcodes,
// and the bytes-in/bytes-out path.
#include <gtest/gtest.h>

#include "models/dns/authority.h"

namespace siplab::dns {
namespace {

using Lines = std::vector<std::string>;

constexpr std::string_view kTestZone = R"($ORIGIN t.
$TTL 3600
@         SOA  ns.t. admin.t. 1 3600 600 86400 300
@         NS   ns.t.
ns        A    192.0.2.53
proxy     A    192.0.2.10
proxy     AAAA 2001:db8::10
www       CNAME proxy
chain     CNAME www
gone      CNAME missing
away      CNAME host.elsewhere.
loop1     CNAME loop2
loop2     CNAME loop1
_sip._udp SRV  10 60 5060 proxy
_sip._udp SRV  20 60 5060 backup.other.
_sip._tcp SRV  10 60 5060 proxy
@         NAPTR 10 50 "S" "SIP+D2U" "" _sip._udp
@         NAPTR 20 50 "s" "SIP+D2T" "" _sip._tcp
direct    NAPTR 10 50 "A" "SIP+D2U" "" proxy
)";

constexpr std::string_view kOtherZone = R"($ORIGIN other.
$TTL 60
@       SOA ns.t. admin.t. 1 2 3 4 5
@       NS  ns.t.
backup  A   192.0.2.20
)";

Zone zone_of(std::string_view text, std::string_view origin) {
  ZoneParseResult r = parse_zone(text, "test.zone", origin);
  EXPECT_TRUE(r.zone) << (r.errors.empty() ? "" : format_error(r.errors[0]));
  return r.zone ? *r.zone : Zone{};
}

// Asks the authority one question; its sections as presentation lines.
class AuthorityFixture : public ::testing::Test {
 protected:
  Message ask(std::string name, RrType type, uint16_t qclass = kClassIn) const {
    Message q;
    q.id = 0x4242;
    q.rd = true;
    q.questions.push_back({std::move(name), type, qclass});
    return authority.answer(q);
  }
  static Lines lines(const std::vector<ResourceRecord>& section) {
    Lines out;
    for (const auto& rr : section) out.push_back(to_presentation(rr));
    return out;
  }
  Authority authority;
};

class AuthorityTest : public AuthorityFixture {
 protected:
  AuthorityTest() {
    authority.add_zone(zone_of(kTestZone, "t."));
    authority.add_zone(zone_of(kOtherZone, "other."));
  }
};

constexpr const char* kNegativeSoa = "t. 300 IN SOA ns.t. admin.t. 1 3600 600 86400 300";

TEST_F(AuthorityTest, ExactMatchIsAuthoritative) {
  Message r = ask("proxy.t.", RrType::A);
  EXPECT_EQ(r.id, 0x4242);
  EXPECT_TRUE(r.qr);
  EXPECT_TRUE(r.aa);
  EXPECT_TRUE(r.rd);
  EXPECT_FALSE(r.ra);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  ASSERT_EQ(r.questions.size(), 1u);
  EXPECT_EQ(r.questions[0].name, "proxy.t.");
  EXPECT_EQ(lines(r.answers), Lines{"proxy.t. 3600 IN A 192.0.2.10"});
  EXPECT_TRUE(r.authority.empty());
  EXPECT_TRUE(r.additional.empty());
}

TEST_F(AuthorityTest, NamesMatchCaseInsensitivelyAndTheQuestionIsEchoed) {
  Message r = ask("PROXY.T.", RrType::AAAA);
  EXPECT_EQ(r.questions[0].name, "PROXY.T.");
  EXPECT_EQ(lines(r.answers), Lines{"proxy.t. 3600 IN AAAA 2001:db8::10"});
}

TEST_F(AuthorityTest, CnameIsChasedInsideTheZone) {
  Message r = ask("chain.t.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_TRUE(r.aa);
  EXPECT_EQ(lines(r.answers),
            (Lines{"chain.t. 3600 IN CNAME www.t.", "www.t. 3600 IN CNAME proxy.t.", "proxy.t. 3600 IN A 192.0.2.10"}));
  EXPECT_TRUE(r.authority.empty());
}

TEST_F(AuthorityTest, CnameQueryReturnsTheCnameItself) {
  Message r = ask("www.t.", RrType::CNAME);
  EXPECT_EQ(lines(r.answers), Lines{"www.t. 3600 IN CNAME proxy.t."});
}

TEST_F(AuthorityTest, CnameToAMissingNameIsNxdomainWithTheChain) {
  // RFC 6604 §3: the rcode describes the last name in the chain.
  Message r = ask("gone.t.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NxDomain);
  EXPECT_EQ(lines(r.answers), Lines{"gone.t. 3600 IN CNAME missing.t."});
  EXPECT_EQ(lines(r.authority), Lines{kNegativeSoa});
}

TEST_F(AuthorityTest, CnameLeavingTheZoneStops) {
  Message r = ask("away.t.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_EQ(lines(r.answers), Lines{"away.t. 3600 IN CNAME host.elsewhere."});
  EXPECT_TRUE(r.authority.empty());
}

TEST_F(AuthorityTest, CnameLoopStopsAfterOneRound) {
  Message r = ask("loop1.t.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_EQ(lines(r.answers), (Lines{"loop1.t. 3600 IN CNAME loop2.t.", "loop2.t. 3600 IN CNAME loop1.t."}));
}

TEST_F(AuthorityTest, NxdomainCarriesSoaWithNegativeTtl) {
  Message r = ask("nope.t.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NxDomain);
  EXPECT_TRUE(r.aa);
  EXPECT_TRUE(r.answers.empty());
  EXPECT_EQ(lines(r.authority), Lines{kNegativeSoa});
  EXPECT_TRUE(r.additional.empty());
}

TEST_F(AuthorityTest, NodataCarriesSoa) {
  Message r = ask("ns.t.", RrType::AAAA);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_TRUE(r.aa);
  EXPECT_TRUE(r.answers.empty());
  EXPECT_EQ(lines(r.authority), Lines{kNegativeSoa});
}

TEST_F(AuthorityTest, EmptyNonTerminalIsNodataNotNxdomain) {
  // _udp.t. owns nothing but _sip._udp.t. exists below it (RFC 8020).
  Message r = ask("_udp.t.", RrType::SRV);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_TRUE(r.answers.empty());
  EXPECT_EQ(lines(r.authority), Lines{kNegativeSoa});
}

TEST_F(AuthorityTest, NamesOutsideTheZonesAreRefused) {
  Message r = ask("example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::Refused);
  EXPECT_FALSE(r.aa);
  EXPECT_TRUE(r.answers.empty() && r.authority.empty() && r.additional.empty());
  EXPECT_EQ(r.questions.size(), 1u);
  EXPECT_EQ(ask("xt.", RrType::A).rcode, Rcode::Refused);  // not below "t."
  EXPECT_EQ(ask("proxy.t.", RrType::A, 3).rcode, Rcode::Refused);  // class CH
}

TEST_F(AuthorityTest, BadQueriesAreFormerr) {
  Message none;
  none.id = 9;
  Message r = authority.answer(none);
  EXPECT_EQ(r.rcode, Rcode::FormErr);
  EXPECT_EQ(r.id, 9);
  EXPECT_TRUE(r.qr);
  Message two;
  two.questions = {{"proxy.t.", RrType::A}, {"ns.t.", RrType::A}};
  EXPECT_EQ(authority.answer(two).rcode, Rcode::FormErr);
  Message with_answer;
  with_answer.questions = {{"proxy.t.", RrType::A}};
  with_answer.answers.push_back({"proxy.t.", RrType::A, 1, AData{}});
  EXPECT_EQ(authority.answer(with_answer).rcode, Rcode::FormErr);
  EXPECT_TRUE(authority.answer(with_answer).answers.empty());
}

TEST_F(AuthorityTest, OtherOpcodesAndZoneTransfersAreNotImplemented) {
  Message notify;
  notify.opcode = 4;
  notify.questions = {{"t.", RrType::SOA}};
  Message r = authority.answer(notify);
  EXPECT_EQ(r.rcode, Rcode::NotImp);
  EXPECT_EQ(r.opcode, 4);
  EXPECT_EQ(ask("t.", static_cast<RrType>(252)).rcode, Rcode::NotImp);  // AXFR
}

TEST_F(AuthorityTest, SrvCarriesTargetAddressesFromAnyZone) {
  Message r = ask("_sip._udp.t.", RrType::SRV);
  EXPECT_EQ(lines(r.answers), (Lines{"_sip._udp.t. 3600 IN SRV 10 60 5060 proxy.t.",
                                     "_sip._udp.t. 3600 IN SRV 20 60 5060 backup.other."}));
  EXPECT_EQ(lines(r.additional), (Lines{"proxy.t. 3600 IN A 192.0.2.10", "proxy.t. 3600 IN AAAA 2001:db8::10",
                                        "backup.other. 60 IN A 192.0.2.20"}));
}

TEST_F(AuthorityTest, NaptrCarriesSrvAndAddressesOnce) {
  Message r = ask("t.", RrType::NAPTR);
  EXPECT_EQ(lines(r.answers), (Lines{"t. 3600 IN NAPTR 10 50 \"S\" \"SIP+D2U\" \"\" _sip._udp.t.",
                                     "t. 3600 IN NAPTR 20 50 \"s\" \"SIP+D2T\" \"\" _sip._tcp.t."}));
  EXPECT_EQ(lines(r.additional),
            (Lines{"_sip._udp.t. 3600 IN SRV 10 60 5060 proxy.t.", "_sip._udp.t. 3600 IN SRV 20 60 5060 backup.other.",
                   "proxy.t. 3600 IN A 192.0.2.10", "proxy.t. 3600 IN AAAA 2001:db8::10",
                   "backup.other. 60 IN A 192.0.2.20", "_sip._tcp.t. 3600 IN SRV 10 60 5060 proxy.t."}));
}

TEST_F(AuthorityTest, NaptrWithAFlagCarriesTheReplacementsAddresses) {
  Message r = ask("direct.t.", RrType::NAPTR);
  EXPECT_EQ(lines(r.additional), (Lines{"proxy.t. 3600 IN A 192.0.2.10", "proxy.t. 3600 IN AAAA 2001:db8::10"}));
}

TEST_F(AuthorityTest, NsCarriesHostAddresses) {
  Message r = ask("t.", RrType::NS);
  EXPECT_EQ(lines(r.answers), Lines{"t. 3600 IN NS ns.t."});
  EXPECT_EQ(lines(r.additional), Lines{"ns.t. 3600 IN A 192.0.2.53"});
}

TEST_F(AuthorityTest, AnyReturnsEveryRecordAtTheName) {
  Message r = ask("proxy.t.", RrType::ANY);
  EXPECT_EQ(lines(r.answers), (Lines{"proxy.t. 3600 IN A 192.0.2.10", "proxy.t. 3600 IN AAAA 2001:db8::10"}));
  EXPECT_TRUE(r.additional.empty());  // never repeats what the answer holds
}

TEST_F(AuthorityTest, UnmodelledTypeAtAnExistingNameIsNodata) {
  Message r = ask("proxy.t.", static_cast<RrType>(15));  // MX
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_TRUE(r.answers.empty());
  EXPECT_EQ(lines(r.authority), Lines{kNegativeSoa});
}

TEST_F(AuthorityTest, TheMostSpecificZoneAnswers) {
  authority.add_zone(zone_of("$TTL 7\n@ SOA ns.t. a.t. 1 2 3 4 5\n@ NS ns.t.\nproxy A 10.0.0.1\n", "sub.t."));
  EXPECT_EQ(lines(ask("proxy.sub.t.", RrType::A).answers), Lines{"proxy.sub.t. 7 IN A 10.0.0.1"});
  Message r = ask("x.sub.t.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NxDomain);
  EXPECT_EQ(lines(r.authority), Lines{"sub.t. 5 IN SOA ns.t. a.t. 1 2 3 4 5"});
}

// --- bytes in, bytes out ---

TEST_F(AuthorityTest, HandleQueryRoundTrip) {
  Message q;
  q.id = 77;
  q.rd = true;
  q.questions.push_back({"_sip._tcp.t.", RrType::SRV});
  std::vector<uint8_t> response = authority.handle_query(encode(q));
  DecodeResult d = decode(response);
  ASSERT_TRUE(d.message);
  EXPECT_EQ(*d.message, authority.answer(q));
  EXPECT_EQ(d.message->id, 77);
}

TEST_F(AuthorityTest, HandleQueryIgnoresRunts) {
  std::vector<uint8_t> runt = {0x12, 0x34, 0x01};
  EXPECT_TRUE(authority.handle_query(runt).empty());
  EXPECT_TRUE(authority.handle_query({}).empty());
}

TEST_F(AuthorityTest, HandleQueryIgnoresResponses) {
  Message resp;
  resp.qr = true;
  resp.questions.push_back({"t.", RrType::A});
  EXPECT_TRUE(authority.handle_query(encode(resp)).empty());
}

TEST_F(AuthorityTest, UndecodableQueryGetsFormerrEchoingTheHeader) {
  // ID 0xABCD, opcode 0, RD, one question whose name points at itself.
  std::vector<uint8_t> bad = {0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1};
  std::vector<uint8_t> expected = {0xAB, 0xCD, 0x81, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};  // QR RD, FORMERR
  EXPECT_EQ(authority.handle_query(bad), expected);
}

TEST_F(AuthorityTest, HandleQuerySetsTcWhenTheAnswerDoesNotFit) {
  std::string text = "$TTL 60\n@ SOA ns.t. admin.t. 1 2 3 4 5\n@ NS ns.t.\n";
  // Forty different strings of 20 octets (a zone keeps a repeated record once).
  for (int i = 0; i < 40; ++i)
    text += "big TXT \"" + std::string(18, static_cast<char>('a' + i % 26)) + static_cast<char>('0' + i / 10) +
            static_cast<char>('0' + i % 10) + "\"\n";
  Authority big;
  big.add_zone(zone_of(text, "t."));
  Message q;
  q.questions.push_back({"big.t.", RrType::TXT});
  std::vector<uint8_t> bytes = big.handle_query(encode(q));
  EXPECT_LE(bytes.size(), kUdpPayloadLimit);
  DecodeResult d = decode(bytes);
  ASSERT_TRUE(d.message);
  EXPECT_TRUE(d.message->tc);
  // 12 header + 11 question + 14 * (2 + 10 + 21) = 485; a 15th would be 518.
  EXPECT_EQ(bytes.size(), 485u);
  EXPECT_EQ(d.message->answers.size(), 14u);
  DecodeResult whole = decode(big.handle_query(encode(q), 65535));
  ASSERT_TRUE(whole.message);
  EXPECT_FALSE(whole.message->tc);
  EXPECT_EQ(whole.message->answers.size(), 40u);
}

TEST(AuthorityBundled, DomainRuNaptrAnswerMatchesTheAddressPlan) {
  ZoneParseResult zone = load_zone_file(SIPLAB_SOURCE_DIR "/scenarios/domain.ru.zone");
  ASSERT_TRUE(zone.zone);
  Authority a;
  a.add_zone(*zone.zone);
  Message q;
  q.questions.push_back({"domain.ru.", RrType::NAPTR});
  Message r = a.answer(q);
  Lines additional;
  for (const auto& rr : r.additional) additional.push_back(to_presentation(rr));
  EXPECT_EQ(r.answers.size(), 2u);
  EXPECT_EQ(additional, (Lines{"_sip._udp.domain.ru. 3600 IN SRV 10 60 5060 proxy.domain.ru.",
                               "proxy.domain.ru. 3600 IN A 192.0.2.10", "proxy.domain.ru. 3600 IN AAAA fd00::10",
                               "_sip._tcp.domain.ru. 3600 IN SRV 10 60 5060 proxy.domain.ru."}));
  EXPECT_EQ(encode(r, kUdpPayloadLimit).size(), 237u);
}

// RFC 1034 §4.3.3 and RFC 4592: wildcards.
constexpr std::string_view kWildcardZone = R"($ORIGIN w.
$TTL 60
@          SOA   ns.w. admin.w. 1 2 3 4 30
@          NS    ns.w.
ns         A     192.0.2.53
*._udp     SRV   0 0 0 .
*.sub      A     192.0.2.77
*.sub      TXT   "wild"
host.sub   AAAA  2001:db8::1
_sip._udp  SRV   0 1 5060 x.sub
*.alias    CNAME host.sub
*.loop     CNAME a.loop
a.b.empty  A     192.0.2.1
)";

class WildcardTest : public AuthorityFixture {
 protected:
  WildcardTest() { authority.add_zone(zone_of(kWildcardZone, "w.")); }
};

constexpr const char* kWildSoa = "w. 30 IN SOA ns.w. admin.w. 1 2 3 4 30";

TEST_F(WildcardTest, MatchTakesTheQueryNameAsOwner) {
  Message r = ask("x.sub.w.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_TRUE(r.aa);
  EXPECT_EQ(lines(r.answers), Lines{"x.sub.w. 60 IN A 192.0.2.77"});
  EXPECT_TRUE(r.authority.empty());
  // Several labels below the closest encloser match too (RFC 4592 §3.3.1).
  EXPECT_EQ(lines(ask("a.b.sub.w.", RrType::A).answers), Lines{"a.b.sub.w. 60 IN A 192.0.2.77"});
  EXPECT_EQ(lines(ask("_sips._udp.w.", RrType::SRV).answers), Lines{"_sips._udp.w. 60 IN SRV 0 0 0 ."});
}

TEST_F(WildcardTest, WildcardWithoutTheTypeIsNodata) {
  Message r = ask("x.sub.w.", RrType::AAAA);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_TRUE(r.answers.empty());
  EXPECT_EQ(lines(r.authority), Lines{kWildSoa});
}

TEST_F(WildcardTest, AnExistingNameBlocksTheWildcard) {
  // host.sub exists: its own data, never the wildcard's (RFC 4592 §2.2).
  Message r = ask("host.sub.w.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_TRUE(r.answers.empty());
  EXPECT_EQ(lines(r.authority), Lines{kWildSoa});
  // Below host.sub the closest encloser is host.sub, which has no "*" child.
  EXPECT_EQ(ask("y.host.sub.w.", RrType::A).rcode, Rcode::NxDomain);
  // An empty non-terminal is a closest encloser too (RFC 4592 §2.2.2):
  // b.empty exists, so nothing below it reaches a wildcard above.
  EXPECT_EQ(ask("z.b.empty.w.", RrType::A).rcode, Rcode::NxDomain);
}

TEST_F(WildcardTest, NoWildcardAtTheClosestEncloserIsNxdomain) {
  // The closest encloser of q.w. is the apex, which has no "*" child.
  Message r = ask("q.w.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NxDomain);
  EXPECT_EQ(lines(r.authority), Lines{kWildSoa});
}

TEST_F(WildcardTest, TheWildcardNameItselfIsAnOrdinaryName) {
  EXPECT_EQ(lines(ask("*.sub.w.", RrType::A).answers), Lines{"*.sub.w. 60 IN A 192.0.2.77"});
}

TEST_F(WildcardTest, WildcardCnameIsChased) {
  Message r = ask("me.alias.w.", RrType::AAAA);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_EQ(lines(r.answers), (Lines{"me.alias.w. 60 IN CNAME host.sub.w.", "host.sub.w. 60 IN AAAA 2001:db8::1"}));
  // A wildcard CNAME onto a name it matches itself stops after one round.
  Message loop = ask("a.loop.w.", RrType::A);
  EXPECT_EQ(loop.rcode, Rcode::NoError);
  EXPECT_EQ(lines(loop.answers), Lines{"a.loop.w. 60 IN CNAME a.loop.w."});
}

TEST_F(WildcardTest, SrvTargetAddressesComeFromAWildcard) {
  Message r = ask("_sip._udp.w.", RrType::SRV);
  EXPECT_EQ(lines(r.answers), Lines{"_sip._udp.w. 60 IN SRV 0 1 5060 x.sub.w."});
  EXPECT_EQ(lines(r.additional), Lines{"x.sub.w. 60 IN A 192.0.2.77"});
}

// RFC 1034 §4.3.2 step 3b: delegations.
constexpr std::string_view kDelegatingZone = R"($ORIGIN d.
$TTL 60
@          SOA   ns.d. admin.d. 1 2 3 4 30
@          NS    ns.d.
ns         A     192.0.2.53
child      NS    ns.child
child      NS    ns.elsewhere.
ns.child   A     192.0.2.60
x.child    A     192.0.2.61
into       CNAME x.child
*          A     192.0.2.99
)";

class DelegationTest : public WildcardTest {
 protected:
  DelegationTest() { authority.add_zone(zone_of(kDelegatingZone, "d.")); }
};

TEST_F(DelegationTest, NamesAtOrBelowTheCutGetAReferral) {
  for (const char* name : {"x.child.d.", "child.d.", "deep.x.child.d.", "none.child.d."}) {
    Message r = ask(name, RrType::A);
    EXPECT_EQ(r.rcode, Rcode::NoError) << name;
    EXPECT_FALSE(r.aa) << name;
    EXPECT_TRUE(r.answers.empty()) << name;
    EXPECT_EQ(lines(r.authority), (Lines{"child.d. 60 IN NS ns.child.d.", "child.d. 60 IN NS ns.elsewhere."})) << name;
    EXPECT_EQ(lines(r.additional), Lines{"ns.child.d. 60 IN A 192.0.2.60"}) << name;
  }
  // The child's NS set itself is the child's data too.
  EXPECT_FALSE(ask("child.d.", RrType::NS).aa);
}

TEST_F(DelegationTest, AboveAndBesideTheCutStaysAuthoritative) {
  Message r = ask("ns.d.", RrType::A);
  EXPECT_TRUE(r.aa);
  EXPECT_EQ(lines(r.answers), Lines{"ns.d. 60 IN A 192.0.2.53"});
  // Beside the cut, the apex wildcard still answers.
  Message w = ask("other.d.", RrType::A);
  EXPECT_TRUE(w.aa);
  EXPECT_EQ(lines(w.answers), Lines{"other.d. 60 IN A 192.0.2.99"});
}

TEST_F(DelegationTest, ACnameIntoTheChildStopsAtTheCut) {
  Message r = ask("into.d.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NoError);
  EXPECT_TRUE(r.aa);
  EXPECT_EQ(lines(r.answers), Lines{"into.d. 60 IN CNAME x.child.d."});
  EXPECT_TRUE(r.authority.empty());
}

}  // namespace
}  // namespace siplab::dns
