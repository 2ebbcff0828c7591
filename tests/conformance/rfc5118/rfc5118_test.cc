// RFC 5118 (SIP torture test messages for IPv6), §4: each message written
// after the RFC's, with the verdict the RFC gives.  Valid ones parse,
// round-trip and pass a UAS's and a proxy's checks; the two invalid ones
// are refused by the parser.  Where the RFC says how a reference must be
// read (a port inside the brackets, a received parameter with or without
// them), the test reads it back.
#include <gtest/gtest.h>

#include <string>

#include "models/sip/message/parser.h"
#include "models/sip/message/serializer.h"
#include "models/sip/message/validation.h"
#include "models/sip/transport/via_rules.h"

namespace siplab::sip {
namespace {

// The RFC's messages use CRLF; written here with \n and converted.
std::string crlf(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

Message valid(const std::string& text) {
  auto parsed = parse_message(crlf(text));
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().reason);
  if (!parsed.ok()) return Message{};
  const std::string wire = serialize(parsed.value());
  auto again = parse_message(wire);
  EXPECT_TRUE(again.ok());
  if (again.ok()) {
    EXPECT_EQ(serialize(again.value()), wire);
  }
  for (Role role : {Role::Uas, Role::Proxy}) {
    ValidationOptions options;
    options.role = role;
    options.allowed_methods = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER"};
    const auto rejection = validate_request(parsed.value(), options);
    EXPECT_FALSE(rejection) << (rejection ? rejection->reason : "");
  }
  return std::move(parsed.value());
}

const char* const kCommon =
    "To: sip:user@example.com\n"
    "From: sip:user@example.com;tag=81x2\n"
    "Call-ID: SSG9559905523997077@hlau_4100\n"
    "Max-Forwards: 70\n";

// §4.1: a valid message with IPv6 references in the Request-URI, Via and Contact.
TEST(Rfc5118, Ipv6Good) {
  Message m = valid(std::string("REGISTER sip:[2001:db8::10] SIP/2.0\n") + kCommon +
                    "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111\n"
                    "Contact: \"Caller\" <sip:caller@[2001:db8::1]>\n"
                    "CSeq: 98176 REGISTER\n"
                    "Content-Length: 0\n\n");
  // (The model keeps a host without the brackets; they come back on output.)
  EXPECT_EQ(m.request_uri().host, "2001:db8::10");
  EXPECT_EQ(m.top_via()->host, "2001:db8::9:1");
  EXPECT_EQ(m.start_line(), "REGISTER sip:[2001:db8::10] SIP/2.0");
}

// §4.2: an IPv6 address without brackets in the Request-URI is invalid.
TEST(Rfc5118, Ipv6BadIsRefused) {
  auto parsed = parse_message(crlf(std::string("REGISTER sip:2001:db8::10 SIP/2.0\n") + kCommon +
                                   "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111\n"
                                   "CSeq: 98176 REGISTER\n"
                                   "Content-Length: 0\n\n"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().status_code, 400);
}

// §4.3: "[2001:db8::10:5070]" is an address with no port, not a port.
TEST(Rfc5118, PortAmbiguous) {
  Message m = valid(std::string("REGISTER sip:[2001:db8::10:5070] SIP/2.0\n") + kCommon +
                    "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111\n"
                    "CSeq: 98176 REGISTER\n"
                    "Content-Length: 0\n\n");
  EXPECT_EQ(m.request_uri().host, "2001:db8::10:5070");
  EXPECT_FALSE(m.request_uri().port);
}

// §4.4: the port after the brackets.
TEST(Rfc5118, PortUnambiguous) {
  Message m = valid(std::string("REGISTER sip:[2001:db8::10]:5070 SIP/2.0\n") + kCommon +
                    "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111\n"
                    "CSeq: 98176 REGISTER\n"
                    "Content-Length: 0\n\n");
  EXPECT_EQ(m.request_uri().host, "2001:db8::10");
  EXPECT_EQ(m.request_uri().port, 5070);
}

// §4.5: received with and without the brackets; both are accepted, and a
// response goes to that address.
TEST(Rfc5118, ViaReceivedWithAndWithoutDelimiters) {
  const Endpoint expected{*IpAddress::parse("2001:db8::9:255"), 5060};
  for (const char* received : {"[2001:db8::9:255]", "2001:db8::9:255"}) {
    Message m = valid(std::string("OPTIONS sip:[2001:db8::10] SIP/2.0\n") + kCommon +
                      "Via: SIP/2.0/UDP [2001:db8::9:1];received=" + received + ";branch=z9hG4bKas3\n"
                      "CSeq: 921 OPTIONS\n"
                      "Content-Length: 0\n\n");
    EXPECT_EQ(response_destination(*m.top_via(), Transport::Udp), expected) << received;
  }
}

// §4.6: IPv6 addresses in the SDP body (the body is the UA's business).
TEST(Rfc5118, Ipv6InSdp) {
  const std::string sdp =
      "v=0\n"
      "o=assistant 971731711378798081 0 IN IP6 2001:db8::20\n"
      "s=Live video feed for today's meeting\n"
      "c=IN IP6 2001:db8::20\n"
      "t=3338481189 3370017201\n"
      "m=audio 6000 RTP/AVP 2\n"
      "a=rtpmap:2 G726-32/8000\n"
      "m=video 6024 RTP/AVP 107\n"
      "a=rtpmap:107 H263-1998/90000\n";
  Message m = valid(std::string("INVITE sip:user@[2001:db8::10] SIP/2.0\n") + kCommon +
                    "Via: SIP/2.0/UDP [2001:db8::20];branch=z9hG4bKas3-111\n"
                    "Contact: \"Caller\" <sip:caller@[2001:db8::20]>\n"
                    "CSeq: 8612 INVITE\n"
                    "Content-Type: application/sdp\n"
                    "Content-Length: " + std::to_string(crlf(sdp).size()) + "\n\n" + sdp);
  EXPECT_EQ(m.body(), crlf(sdp));
}

// §4.7: IPv4 and IPv6 addresses mixed in Via rows.
TEST(Rfc5118, MultipleIpAddressesInHeaders) {
  Message m = valid(
      "BYE sip:user@host.example.net SIP/2.0\n"
      "Via: SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111\n"
      "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKjhja8781hjuaij65144\n"
      "Via: SIP/2.0/TCP [2001:db8::9:255];branch=z9hG4bK451jj;received=192.0.2.200\n"
      "Call-ID: 997077@lau_4100\n"
      "Max-Forwards: 70\n"
      "CSeq: 89187 BYE\n"
      "To: sip:user@example.net;tag=9817--94\n"
      "From: sip:user@example.com;tag=81x2\n"
      "Content-Length: 0\n\n");
  const auto vias = m.vias();
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[0].port, 6050);
  EXPECT_EQ(response_destination(vias[2], Transport::Tcp), (Endpoint{IpAddress::v4(192, 0, 2, 200), 5060}));
}

// §4.9: IPv4-mapped IPv6 addresses.
TEST(Rfc5118, Ipv4MappedIpv6) {
  Message m = valid(
      "INVITE sip:user@example.com SIP/2.0\n"
      "To: sip:user@example.com\n"
      "From: sip:user@east.example.com;tag=81x2\n"
      "Via: SIP/2.0/UDP [::ffff:192.0.2.10]:19823;branch=z9hG4bKbh19\n"
      "Via: SIP/2.0/UDP [::ffff:192.0.2.2];branch=z9hG4bKas3-111\n"
      "Call-ID: SSG9559905523997077@hlau_4100\n"
      "Contact: \"T. desk phone\" <sip:ted@[::ffff:192.0.2.2]>\n"
      "CSeq: 612 INVITE\n"
      "Max-Forwards: 70\n"
      "Content-Length: 0\n\n");
  EXPECT_EQ(response_destination(*m.top_via(), Transport::Udp),
            (Endpoint{*IpAddress::parse("::ffff:192.0.2.10"), 19823}));
}

// §4.10: the RFC 3261 ABNF bug: two colons before an embedded IPv4 part
// are right, three are not.
TEST(Rfc5118, EmbeddedIpv4WithTwoColonsNotThree) {
  const std::string rest =
      "From: sip:user@example.com;tag=810x2\n"
      "Via: SIP/2.0/UDP lab1.east.example.com;branch=z9hG4bKas3-111\n"
      "Call-ID: G9559905523997077@hlau_4100\n"
      "CSeq: 689 OPTIONS\n"
      "Max-Forwards: 70\n"
      "Content-Length: 0\n\n";
  Message m = valid("OPTIONS sip:user@[2001:db8::192.0.2.1] SIP/2.0\nTo: sip:user@[2001:db8::192.0.2.1]\n" + rest);
  EXPECT_EQ(m.request_uri().host, "2001:db8::192.0.2.1");
  auto bad = parse_message(
      crlf("OPTIONS sip:user@[2001:db8:::192.0.2.1] SIP/2.0\nTo: sip:user@[2001:db8:::192.0.2.1]\n" + rest));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().status_code, 400);
}

}  // namespace
}  // namespace siplab::sip
