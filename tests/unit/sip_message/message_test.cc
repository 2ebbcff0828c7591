// Message: parse errors with offsets, typed accessors and mutators, the
// serialized form after mutation, round trips, and §8.2.6 responses.
#include <gtest/gtest.h>

#include "models/sip/message/parser.h"
#include "models/sip/message/serializer.h"

namespace siplab::sip {
namespace {

const std::string kInvite =
    "INVITE sip:bob@biloxi.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds, SIP/2.0/UDP p1.atlanta.com;branch=z9hG4bK1\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.com>\r\n"
    "From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@pc33.atlanta.com>;expires=60, \"Al, B\" <sip:al@x.com>;q=0.5\r\n"
    "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
    "Require: 100rel\r\n"
    "Supported: timer, replaces\r\n"
    "Allow: INVITE, ACK, BYE\r\n"
    "Expires: 120\r\n"
    "Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n"
    "Retry-After: 30\r\n"
    "Warning: 399 proxy.example.com \"a, b\", 301 isi.edu \"x\"\r\n"
    "User-Agent: softphone/1.0\r\n"
    "Authorization: Digest username=\"alice\", realm=\"atlanta.com\"\r\n"
    "X-Unknown:  ;;,,weird  \r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\n";

Message parsed(const std::string& text) {
  auto m = parse_message(text);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason);
  return m.ok() ? *m : Message{};
}

TEST(Message, TypedAccessors) {
  Message m = parsed(kInvite);
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.method(), "INVITE");
  EXPECT_EQ(m.request_uri().to_string(), "sip:bob@biloxi.com");
  EXPECT_EQ(m.vias().size(), 2u);
  EXPECT_EQ(m.top_via()->branch(), "z9hG4bK776asdhds");
  EXPECT_EQ(m.max_forwards(), 70u);
  EXPECT_EQ(m.to()->display_name, "Bob");
  EXPECT_EQ(m.to_tag(), std::nullopt);
  EXPECT_EQ(m.from_tag(), "1928301774");
  EXPECT_EQ(m.call_id(), "a84b4c76e66710@pc33.atlanta.com");
  EXPECT_EQ(m.cseq(), (CSeq{314159, "INVITE"}));
  ContactList contacts = m.contacts();
  EXPECT_FALSE(contacts.star);
  ASSERT_EQ(contacts.contacts.size(), 2u);
  EXPECT_EQ(contacts.contacts[0].expires(), 60u);
  EXPECT_EQ(contacts.contacts[1].display_name_text(), "Al, B");
  EXPECT_EQ(contacts.contacts[1].q_millis(), 500);
  ASSERT_EQ(m.routes().size(), 2u);
  EXPECT_TRUE(m.routes()[0].uri.lr());
  EXPECT_EQ(m.require(), (std::vector<std::string_view>{"100rel"}));
  EXPECT_EQ(m.supported(), (std::vector<std::string_view>{"timer", "replaces"}));
  EXPECT_EQ(m.allow().size(), 3u);
  EXPECT_EQ(m.expires(), 120u);
  EXPECT_EQ(m.date()->to_string(), "Sat, 13 Nov 2010 23:29:00 GMT");
  EXPECT_EQ(m.retry_after()->seconds, 30u);
  ASSERT_EQ(m.warnings().size(), 2u);
  EXPECT_EQ(m.warnings()[0].text, "a, b");
  EXPECT_EQ(m.user_agent(), "softphone/1.0");
  EXPECT_EQ(m.authorization(), (std::vector<std::string_view>{"Digest username=\"alice\", realm=\"atlanta.com\""}));
  EXPECT_EQ(m.header("x-unknown"), ";;,,weird");
  EXPECT_TRUE(m.content_type()->matches("application", "sdp"));
  EXPECT_EQ(m.content_length(), 4u);
  EXPECT_EQ(m.body(), "v=0\n");
}

// Built (not parsed) messages may hold malformed rows: the list accessors
// walk every row in order, split at top-level commas (§7.3.1), skip empty
// rows and drop the values that do not parse.
TEST(Message, TypedListAccessorsSkipMalformedValuesOfBuiltMessages) {
  Message m = Message::request("INVITE", *parse_uri("sip:bob@biloxi.com"));
  m.add_header("Via", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1, garbage");
  m.add_header("Via", "");
  m.add_header("v", "SIP/2.0/TCP b.example.com:5070");
  m.add_header("Contact", "\"x, y\" <sip:x@a.com>, <bad uri>, *");
  m.add_header("Route", "<sip:r1.example.com;lr>");
  m.add_header("Route", "<sip:r2.example.com;lr>, not a route");
  m.add_header("From", "<bad");

  std::vector<Via> vias = m.vias();
  ASSERT_EQ(vias.size(), 2u);
  EXPECT_EQ(vias[0].host, "a.example.com");
  EXPECT_EQ(vias[0].branch(), "z9hG4bK1");
  EXPECT_EQ(vias[1].host, "b.example.com");
  EXPECT_EQ(vias[1].transport, "TCP");
  EXPECT_EQ(vias[1].port, 5070);

  ContactList contacts = m.contacts();
  EXPECT_TRUE(contacts.star);
  ASSERT_EQ(contacts.contacts.size(), 1u);
  EXPECT_EQ(contacts.contacts[0].display_name_text(), "x, y");
  EXPECT_EQ(contacts.contacts[0].uri.host, "a.com");

  std::vector<NameAddr> routes = m.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].uri.host, "r1.example.com");
  EXPECT_EQ(routes[1].uri.host, "r2.example.com");
  EXPECT_TRUE(m.record_routes().empty());

  EXPECT_EQ(m.from(), std::nullopt);
  EXPECT_EQ(m.to(), std::nullopt);
  EXPECT_EQ(m.header_values(HeaderId::Via).size(), 3u);  // the raw split keeps "garbage"
}

TEST(Message, RoundTripIsExact) {
  Message m = parsed(kInvite);
  std::string text = serialize(m);
  EXPECT_EQ(text, kInvite.substr(0, kInvite.find("X-Unknown")) + "X-Unknown: ;;,,weird\r\n" +
                      kInvite.substr(kInvite.find("Content-Type")));
  EXPECT_EQ(parsed(text), m);
}

TEST(Message, ProxyStyleMutationsShowInTheSerializedForm) {
  Message m = parsed(kInvite);
  Via mine;
  mine.transport = "TCP";
  mine.host = "proxy.example.com";
  mine.set_branch("z9hG4bKproxy1");
  m.push_via(mine);
  EXPECT_EQ(m.headers()[0].value, "SIP/2.0/TCP proxy.example.com;branch=z9hG4bKproxy1");
  EXPECT_EQ(m.vias().size(), 3u);
  m.set_max_forwards(69);
  EXPECT_TRUE(m.pop_route());
  ASSERT_EQ(m.routes().size(), 1u);
  EXPECT_EQ(m.header("Route"), "<sip:p2.example.com;lr>");
  auto rr = parse_name_addr("<sip:proxy.example.com;lr>");
  m.push_record_route(*rr);
  m.set_to_tag("as83kd");
  std::string text = serialize(m);
  EXPECT_NE(text.find("Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKproxy1\r\nVia: SIP/2.0/UDP pc33"), std::string::npos);
  EXPECT_NE(text.find("Max-Forwards: 69\r\n"), std::string::npos);
  EXPECT_NE(text.find("Route: <sip:p2.example.com;lr>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Record-Route: <sip:proxy.example.com;lr>\r\n"), std::string::npos);
  EXPECT_NE(text.find("To: Bob <sip:bob@biloxi.com>;tag=as83kd\r\n"), std::string::npos);
  Message back = parsed(text);
  EXPECT_EQ(back, m);
  EXPECT_EQ(back.to_tag(), "as83kd");

  // Popping our Via restores the original top.
  EXPECT_TRUE(m.pop_via());
  EXPECT_EQ(m.top_via()->host, "pc33.atlanta.com");
  EXPECT_TRUE(m.pop_via());
  EXPECT_EQ(m.header("Via"), "SIP/2.0/UDP p1.atlanta.com;branch=z9hG4bK1");
  EXPECT_TRUE(m.pop_via());
  EXPECT_FALSE(m.pop_via());
  EXPECT_EQ(m.top_via(), std::nullopt);
}

TEST(Message, BuildRequestFromScratch) {
  Message m = Message::request("REGISTER", *parse_uri("sip:registrar.example.com"));
  Via v;
  v.host = "192.0.2.4";
  v.host_kind = HostKind::IPv4;
  v.port = 5060;
  v.set_branch("z9hG4bKnashds7");
  v.set_rport(std::nullopt);
  m.push_via(v);
  m.set_max_forwards(70);
  m.set_to(*parse_name_addr("Bob <sip:bob@example.com>"));
  m.set_from(*parse_name_addr("Bob <sip:bob@example.com>"));
  m.set_from_tag("456248");
  m.set_call_id("843817637684230@998sdasdh09");
  m.set_cseq({1826, "REGISTER"});
  m.set_contact_star();
  m.set_expires(0);
  m.set_body("");
  EXPECT_EQ(serialize(m),
            "REGISTER sip:registrar.example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds7;rport\r\n"
            "Max-Forwards: 70\r\n"
            "To: Bob <sip:bob@example.com>\r\n"
            "From: Bob <sip:bob@example.com>;tag=456248\r\n"
            "Call-ID: 843817637684230@998sdasdh09\r\n"
            "CSeq: 1826 REGISTER\r\n"
            "Contact: *\r\n"
            "Expires: 0\r\n"
            "Content-Length: 0\r\n"
            "\r\n");
  EXPECT_TRUE(parsed(serialize(m)).contacts().star);
  EXPECT_EQ(parsed(serialize(m)), m);
}

TEST(Message, MakeResponseCopiesPerSection8_2_6) {
  Message req = parsed(kInvite);
  Message r = make_response(req, 180, {}, "tag42");
  EXPECT_EQ(r.status_code(), 180);
  EXPECT_EQ(r.reason(), "Ringing");
  EXPECT_EQ(r.header("Via"), req.header("Via"));
  EXPECT_EQ(r.from(), req.from());
  EXPECT_EQ(r.to_tag(), "tag42");
  EXPECT_EQ(r.call_id(), req.call_id());
  EXPECT_EQ(r.cseq(), req.cseq());
  EXPECT_EQ(r.content_length(), 0u);
  EXPECT_EQ(r.header("Contact"), std::nullopt);
  EXPECT_EQ(serialize(r),
            "SIP/2.0 180 Ringing\r\n"
            "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds, SIP/2.0/UDP p1.atlanta.com;branch=z9hG4bK1\r\n"
            "To: Bob <sip:bob@biloxi.com>;tag=tag42\r\n"
            "From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
            "Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n"
            "CSeq: 314159 INVITE\r\n"
            "Content-Length: 0\r\n"
            "\r\n");
  // 100 Trying gets no To tag.
  EXPECT_EQ(make_response(req, 100, {}, "t").to_tag(), std::nullopt);
}

TEST(Parser, RejectsWithOffsetsAndCodes) {
  struct Case {
    std::string text;
    std::size_t offset;
    std::string reason;
    int code;
  };
  const std::string tail = "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n";
  const Case cases[] = {
      {"INVITE  sip:a@b SIP/2.0\r\n" + tail, 7, "more than one SP between request line elements", 400},
      {"INVITE sip:a@b SIP/2.0 \r\n" + tail, 22, "extra whitespace in request line", 400},
      {"INVITE sip:a@b SIP/3.0\r\n" + tail, 15, "SIP version not supported", 505},
      {"INVITE <sip:a@b> SIP/2.0\r\n" + tail, 7, "Request-URI must not be enclosed in <>", 400},
      {"INVITE sip:a@b?x=y SIP/2.0\r\n" + tail, 14, "Request-URI must not contain headers (RFC 3261 §19.1.1)", 400},
      {"SIP/2.0 4294967301 Huge\r\n" + tail, 8, "status code must be exactly 3 digits", 400},
      {"SIP/2.0 200\r\n" + tail, 11, "status code must be followed by SP", 400},
      {"SIP/2.0 099 Low\r\n" + tail, 8, "status code out of range 100-699", 400},
      {"INVITE sip:a@b SIP/2.0\r\nBad Header: x\r\n\r\n", 28, "expected ':' after header name", 400},
      {"INVITE sip:a@b SIP/2.0\r\n cont\r\n\r\n", 24, "continuation line without a header", 400},
      {"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n", 44, "header section not terminated by an empty line", 400},
      {"INVITE sip:a@b SIP/2.0\nVia: x\r\n\r\n", 22, "bare LF in start line", 400},
      {"INVITE sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nab", 45, "Content-Length 5 exceeds the 2 body bytes received", 400},
      {"INVITE sip:a@b SIP/2.0\r\nl: -999\r\n\r\n", 27, "Content-Length: expected a number", 400},
      {"INVITE sip:a@b SIP/2.0\r\nCSeq: 1 BYE\r\n\r\n", 30, "CSeq method BYE does not match request method INVITE", 400},
      {"FOO sip:a@b SIP/2.0\r\nCSeq: 1 BYE\r\n\r\n", 27, "CSeq method BYE does not match request method FOO", 501},
      {"INVITE sip:a@b SIP/2.0\r\nMax-Forwards: 256\r\n\r\n", 38, "Max-Forwards: number exceeds 255", 400},
      {"", 0, "empty message", 400},
  };
  for (const Case& c : cases) {
    auto m = parse_message(c.text);
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_EQ(m.error().offset, c.offset) << c.text;
    EXPECT_EQ(m.error().reason, c.reason) << c.text;
    EXPECT_EQ(m.error().status_code, c.code) << c.text;
  }
}

TEST(Parser, StreamFramingRequiresContentLength) {
  std::string text = "OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n";
  EXPECT_TRUE(parse_message(text, Framing::Datagram).ok());
  auto s = parse_message(text, Framing::Stream);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().reason, "missing Content-Length on a stream");
}

TEST(Parser, LeadingCrlfIgnoredAndResponseParsed) {
  auto m = parse_message("\r\n\r\nSIP/2.0 100 \r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(m.ok()) << m.error().reason;
  EXPECT_TRUE(m->is_response());
  EXPECT_EQ(m->status_code(), 100);
  EXPECT_EQ(m->reason(), "");
  EXPECT_EQ(m->start_line(), "SIP/2.0 100 ");
}

}  // namespace
}  // namespace siplab::sip
