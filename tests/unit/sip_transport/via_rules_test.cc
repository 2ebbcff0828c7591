// RFC 3261 §18.2.1 / §18.2.2 and RFC 3581 §4 Via rules, branch format,
// §18.1.2 Via check.
#include <gtest/gtest.h>

#include "models/common/random.h"
#include "models/sip/message/header_values.h"
#include "models/sip/message/message.h"
#include "models/sip/message/parsed_message.h"
#include "models/sip/transport/branch.h"
#include "models/sip/transport/via_rules.h"

namespace siplab::sip {
namespace {

Via via(std::string_view text) {
  auto v = parse_via(text);
  EXPECT_TRUE(v.ok()) << text;
  return *v;
}

Endpoint ep(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) { return Endpoint{IpAddress::v4(a, b, c, d), port}; }

TEST(StampReceived, AddsReceivedWhenSentByDiffersFromSource) {
  // RFC 3261 §18.2.1 example: sent-by bobspc.biloxi.com, source 192.0.2.4.
  Via v = via("SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK1");
  stamp_received(v, ep(192, 0, 2, 4, 5060));
  EXPECT_EQ(v.to_string(), "SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK1;received=192.0.2.4");
}

TEST(StampReceived, LeavesMatchingSentByAlone) {
  Via v = via("SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK1");
  stamp_received(v, ep(192, 0, 2, 4, 9999));
  EXPECT_EQ(v.to_string(), "SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK1");
}

TEST(StampReceived, Rfc3581ExampleFillsRportAndReceived) {
  // RFC 3581 §4 example: source 192.0.2.1:9988, rport requested, received
  // added even though the host equals the source.
  Via v = via("SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKkjshdyff");
  stamp_received(v, ep(192, 0, 2, 1, 9988));
  EXPECT_EQ(v.rport(), 9988);
  EXPECT_EQ(v.received(), "192.0.2.1");
  EXPECT_EQ(v.to_string(), "SIP/2.0/UDP 192.0.2.1:5060;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1");
}

TEST(StampReceived, RportWithValueIsNotRewritten) {
  Via v = via("SIP/2.0/UDP 192.0.2.1:5060;rport=1234;branch=z9hG4bK1");
  stamp_received(v, ep(192, 0, 2, 1, 9988));
  EXPECT_EQ(v.rport(), 1234);
  EXPECT_EQ(v.received(), std::nullopt);
}

Message with_via_rows(std::initializer_list<std::string_view> rows) {
  Message m = Message::request("OPTIONS", *parse_uri("sip:b@example.com"));
  for (std::string_view row : rows) m.add_header("Via", row);
  m.add_header("Call-ID", "c1");
  return m;
}

TEST(StampTopVia, WritesTheStampIntoTheFirstViaRowOnly) {
  // RFC 3581 §4 example in a row that also carries the previous hop.
  Message m = with_via_rows({"SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKkjshdyff, SIP/2.0/UDP p.example;branch=z9hG4bK2",
                             "SIP/2.0/TCP q.example;branch=z9hG4bK3"});
  const auto stamped = stamp_top_via(m, ep(192, 0, 2, 1, 9988), Transport::Udp);
  ASSERT_TRUE(stamped);
  EXPECT_EQ(stamped->branch, "z9hG4bKkjshdyff");
  EXPECT_EQ(stamped->sent_by, "192.0.2.1:5060");
  EXPECT_EQ(stamped->response_destination, ep(192, 0, 2, 1, 9988));
  EXPECT_EQ(m.headers()[0].value,
            "SIP/2.0/UDP 192.0.2.1:5060;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1, "
            "SIP/2.0/UDP p.example;branch=z9hG4bK2");
  EXPECT_EQ(m.headers()[1].value, "SIP/2.0/TCP q.example;branch=z9hG4bK3");
}

TEST(StampTopVia, ReplacesTheFirstReceivedAndKeepsTheRest) {
  Message m = with_via_rows({"SIP/2.0/UDP h.example ; received=10.9.9.9;branch=z9hG4bK1;x=\"a;b\";received=1.1.1.1"});
  ASSERT_TRUE(stamp_top_via(m, ep(192, 0, 2, 4, 5060), Transport::Udp));
  EXPECT_EQ(m.headers()[0].value,
            "SIP/2.0/UDP h.example;received=192.0.2.4;branch=z9hG4bK1;x=\"a;b\";received=1.1.1.1");
}

// Parameters written without whitespace are edited in place: the first
// received / rport (any case, with or without a value) takes the stamp,
// later ones and quoted values stay as written.  (A received without a
// value would not parse: via-received has one, §25.1.)
TEST(StampTopVia, EditsUnspacedParametersInPlace) {
  const std::string_view row =
      "SIP/2.0/UDP h.example;Received=10.0.0.9;branch=z9hG4bK1;x=\"a;b\";RPORT;received=1.1.1.1;rport=5, SIP/2.0/UDP p.example";
  Message m = with_via_rows({row});
  const auto stamped = stamp_top_via(m, ep(192, 0, 2, 4, 9999), Transport::Udp);
  ASSERT_TRUE(stamped);
  EXPECT_EQ(m.headers()[0].value,
            "SIP/2.0/UDP h.example;Received=192.0.2.4;branch=z9hG4bK1;x=\"a;b\";RPORT=9999;received=1.1.1.1;rport=5, "
            "SIP/2.0/UDP p.example");
  EXPECT_EQ(stamped->response_destination, ep(192, 0, 2, 4, 9999));
  Via expected = via(row.substr(0, row.find(',')));
  stamp_received(expected, ep(192, 0, 2, 4, 9999));
  EXPECT_EQ(m.top_via(), expected);
  // Received absent: appended after the last parameter, before the next via-parm.
  Message plain = with_via_rows({"SIP/2.0/UDP 192.0.2.4:5062;rport;branch=z9hG4bK2,SIP/2.0/TCP q.example"});
  ASSERT_TRUE(stamp_top_via(plain, ep(192, 0, 2, 4, 7777), Transport::Udp));
  EXPECT_EQ(plain.headers()[0].value,
            "SIP/2.0/UDP 192.0.2.4:5062;rport=7777;branch=z9hG4bK2;received=192.0.2.4,SIP/2.0/TCP q.example");
}

TEST(StampTopVia, LeavesARowThatNeedsNoStampAsWritten) {
  Message m = with_via_rows({"SIP / 2.0 / UDP 192.0.2.4:5070 ;branch=z9hG4bK1"});
  ASSERT_TRUE(stamp_top_via(m, ep(192, 0, 2, 4, 9999), Transport::Udp));
  EXPECT_EQ(m.headers()[0].value, "SIP / 2.0 / UDP 192.0.2.4:5070 ;branch=z9hG4bK1");
  // A Via without parameters gets received appended after its sent-by.
  Message bare = with_via_rows({"SIP/2.0/UDP [2001:db8::1]:5070"});
  const auto stamped = stamp_top_via(bare, ep(192, 0, 2, 4, 9999), Transport::Udp);
  ASSERT_TRUE(stamped);
  EXPECT_EQ(stamped->branch, "");
  EXPECT_EQ(stamped->sent_by, "[2001:db8::1]:5070");
  EXPECT_EQ(stamped->response_destination, ep(192, 0, 2, 4, 5070));
  EXPECT_EQ(bare.headers()[0].value, "SIP/2.0/UDP [2001:db8::1]:5070;received=192.0.2.4");
  Message none = with_via_rows({});
  EXPECT_FALSE(stamp_top_via(none, ep(192, 0, 2, 4, 9999), Transport::Udp));
}

// The text stamp and the Via stamp agree on what the stamped Via means.
TEST(StampTopVia, AgreesWithStampReceived) {
  for (std::string_view row : {"SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKa", "SIP/2.0/UDP pc.example;branch=z9hG4bKb",
                               "SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKc;rport=77", "SIP/2.0/TCP 192.0.2.7;RPORT;Received=10.1.1.1;branch=z9hG4bKd"}) {
    Via expected = via(row);
    stamp_received(expected, ep(192, 0, 2, 7, 4444));
    for (Transport transport : {Transport::Udp, Transport::Tcp}) {
      Message m = with_via_rows({row});
      const auto stamped = stamp_top_via(m, ep(192, 0, 2, 7, 4444), transport);
      ASSERT_TRUE(stamped);
      EXPECT_EQ(m.top_via(), expected) << row;
      EXPECT_EQ(stamped->response_destination, response_destination(expected, transport)) << row;
      const auto view = m.top_via_view();
      ASSERT_TRUE(view);
      EXPECT_EQ(response_destination(*view, transport), response_destination(expected, transport)) << row;
      EXPECT_EQ(stamped->branch, expected.branch().value_or("")) << row;
    }
  }
}

// With the parse on arrival at hand the row is not parsed again; the
// result is the same, and a row changed since that parse is read afresh.
TEST(StampTopVia, UsesTheParsedTopViaWhileTheRowIsUnchanged) {
  const std::string bytes =
      "OPTIONS sip:b@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 192.0.2.1:5060 ;rport;branch=z9hG4bKp1, SIP/2.0/TCP p.example;branch=z9hG4bKp0\r\n"
      "Via: SIP/2.0/UDP q.example;branch=z9hG4bKq\r\n"
      "Max-Forwards: 70\r\nTo: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
      "Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  ParsedMessage parsed;
  ASSERT_FALSE(parse_message_into(bytes, parsed));
  Message with_parse = parsed.to_message();
  Message without = parsed.to_message();
  const auto a = stamp_top_via(with_parse, ep(192, 0, 2, 9, 7000), Transport::Udp, &parsed);
  const auto b = stamp_top_via(without, ep(192, 0, 2, 9, 7000), Transport::Udp);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(with_parse, without);
  EXPECT_EQ(with_parse.headers()[0].value,
            "SIP/2.0/UDP 192.0.2.1:5060;rport=7000;branch=z9hG4bKp1;received=192.0.2.9, SIP/2.0/TCP p.example;branch=z9hG4bKp0");
  EXPECT_EQ(a->branch, "z9hG4bKp1");
  EXPECT_EQ(a->sent_by, b->sent_by);
  EXPECT_EQ(a->response_destination, ep(192, 0, 2, 9, 7000));
  EXPECT_EQ(a->response_destination, b->response_destination);
  // Stamped once already: the parse no longer describes the row.
  const auto again = stamp_top_via(with_parse, ep(192, 0, 2, 10, 7001), Transport::Udp, &parsed);
  ASSERT_TRUE(again);
  EXPECT_EQ(with_parse.headers()[0].value,
            "SIP/2.0/UDP 192.0.2.1:5060;rport=7000;branch=z9hG4bKp1;received=192.0.2.10, SIP/2.0/TCP p.example;branch=z9hG4bKp0");
}

TEST(ResponseDestination, FollowsReceivedRportMaddrAndSentBy) {
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP h.example;branch=z9hG4bK1;received=192.0.2.4"), Transport::Udp),
            ep(192, 0, 2, 4, 5060));
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;received=192.0.2.4;rport=4000"),
                                 Transport::Udp),
            ep(192, 0, 2, 4, 4000));
  // Over TCP, rport does not apply: a new connection goes to sent-by's port.
  EXPECT_EQ(response_destination(via("SIP/2.0/TCP 10.0.0.1:5070;branch=z9hG4bK1;received=192.0.2.4;rport=4000"),
                                 Transport::Tcp),
            ep(192, 0, 2, 4, 5070));
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;maddr=239.255.255.1;received=192.0.2.4"),
                                 Transport::Udp),
            ep(239, 255, 255, 1, 5070));
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK1"), Transport::Udp), ep(192, 0, 2, 9, 5060));
  // A host name with no received: the RFC 3263 §5 lookup is the caller's.
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP pc.example;branch=z9hG4bK1"), Transport::Udp), std::nullopt);
}

TEST(ResponseDestination, AcceptsIpv6ReferencesInReceivedAndMaddr) {
  const Endpoint v6_received{*IpAddress::parse("2001:db8::9:255"), 5060};
  // RFC 5118 §4.5: received with and without the brackets.
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3"),
                                 Transport::Udp),
            v6_received);
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3"),
                                 Transport::Udp),
            v6_received);
  // maddr is a host (RFC 3261 §20.42): an IPv6 reference is valid there.
  EXPECT_EQ(response_destination(via("SIP/2.0/UDP [2001:db8::9:1]:5070;maddr=[ff02::fb];branch=z9hG4bK1"),
                                 Transport::Udp),
            (Endpoint{*IpAddress::parse("ff02::fb"), 5070}));
  // Brackets hold an IPv6 address only: the message layer refuses this Via.
  EXPECT_FALSE(parse_via("SIP/2.0/UDP 10.0.0.1;received=[192.0.2.4];branch=z9hG4bK1").ok());
}

TEST(StampTopVia, StampsOverAForeignBracketedReceived) {
  // A request whose sent-by is the source and that asks for rport: the
  // stamp replaces the bracketed received with ours, written bare (§25.1).
  Message m;
  m.add_header("Via", "SIP/2.0/UDP [2001:db8::9:1];rport;received=[2001:db8::9:255];branch=z9hG4bKas3");
  const Endpoint source{*IpAddress::parse("2001:db8::9:1"), 6000};
  auto stamped = stamp_top_via(m, source, Transport::Udp, nullptr);
  ASSERT_TRUE(stamped);
  EXPECT_EQ(*m.header("Via"), "SIP/2.0/UDP [2001:db8::9:1];rport=6000;received=2001:db8::9:1;branch=z9hG4bKas3");
  EXPECT_EQ(stamped->response_destination, source);
}

TEST(Branch, SequenceNumberReadsBack) {
  SeededRandom random(7);
  for (uint64_t n : {0ull, 1ull, 35ull, 36ull, 1295ull, 123456789ull, 4738381338321616895ull /* 36^12 - 1 */}) {
    const std::string branch = make_branch(random, n);
    EXPECT_EQ(branch_sequence(branch), n) << branch;
  }
  EXPECT_EQ(make_branch(random, 36).substr(20), "10");  // base 36
  EXPECT_FALSE(branch_sequence("z9hG4bK776asdhds"));
  EXPECT_FALSE(branch_sequence("z9hG4bK.abc."));
  EXPECT_FALSE(branch_sequence("z9hG4bK.AB"));              // upper case is not ours
  EXPECT_FALSE(branch_sequence("z9hG4bK.1234567890123"));   // 13 digits could overflow
  EXPECT_EQ(branch_sequence("z9hG4bKx.y.z"), 35u);
}

TEST(ViaIsOurs, ComparesHostAndPort) {
  const IpAddress me = IpAddress::v4(192, 0, 2, 2);
  EXPECT_TRUE(via_is_ours(via("SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK1"), me, 5060, ""));
  EXPECT_FALSE(via_is_ours(via("SIP/2.0/UDP 192.0.2.2:5070;branch=z9hG4bK1"), me, 5060, ""));
  EXPECT_FALSE(via_is_ours(via("SIP/2.0/UDP 192.0.2.3;branch=z9hG4bK1"), me, 5060, ""));
  EXPECT_TRUE(via_is_ours(via("SIP/2.0/UDP Proxy.Example:5060;branch=z9hG4bK1"), me, 5060, "proxy.example"));
}

TEST(Branch, FreshBranchesCarryTheCookieAndDiffer) {
  SeededRandom random(42);
  const std::string a = make_branch(random, 1);
  const std::string b = make_branch(random, 1);
  EXPECT_TRUE(a.starts_with("z9hG4bK"));
  EXPECT_EQ(a.size(), 7u + 12 + 2);  // cookie, random part, ".1"
  EXPECT_TRUE(a.ends_with(".1"));
  EXPECT_NE(a, b);  // the random part differs even for one sequence number
  SeededRandom again(42);
  EXPECT_EQ(make_branch(again, 1), a);  // reproducible from the seed
  SeededRandom into(42);
  std::string reused = "what the buffer held before";
  make_branch_into(reused, into, 1);
  EXPECT_EQ(reused, a);  // the same branch, written over the old text
  EXPECT_TRUE(is_rfc3261_branch(a));
  EXPECT_FALSE(is_rfc3261_branch("z9hG4bK"));
  EXPECT_FALSE(is_rfc3261_branch("Z9HG4BKabc"));  // §17.2.3: case-sensitive cookie
  EXPECT_FALSE(is_rfc3261_branch("1234"));
}

}  // namespace
}  // namespace siplab::sip
