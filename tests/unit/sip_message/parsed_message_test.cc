// The zero-copy typed model (ParsedMessage) against the owning Message:
// every typed value of every RFC 4475 message that parses must convert to
// exactly what Message's accessors build, and the object must be reusable.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "models/sip/message/digest.h"
#include "models/sip/message/parsed_message.h"
#include "models/sip/message/parser.h"

namespace siplab::sip {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename View, typename Convert>
auto convert_all(std::span<const View> views, Convert convert) {
  std::vector<decltype(convert(views[0]))> out;
  for (const View& v : views) out.push_back(convert(v));
  return out;
}

// Every typed value of `p` equals what the owning accessors of `m` give.
void expect_same_model(const ParsedMessage& p, const Message& m, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(p.is_request(), m.is_request());
  if (p.is_request()) {
    EXPECT_EQ(p.method(), m.method());
    EXPECT_EQ(p.request_uri().to_uri(), m.request_uri());
  } else {
    EXPECT_EQ(p.status_code(), m.status_code());
    EXPECT_EQ(p.reason(), m.reason());
  }
  EXPECT_EQ(p.version(), m.version());
  ASSERT_EQ(p.headers().size(), m.headers().size());
  for (std::size_t i = 0; i < p.headers().size(); ++i) {
    EXPECT_EQ(p.headers()[i].id, m.headers()[i].id);
    EXPECT_EQ(p.headers()[i].name, m.headers()[i].name);
    EXPECT_EQ(p.headers()[i].value, m.headers()[i].value);
  }
  EXPECT_EQ(convert_all(p.vias(), [](const ViaView& v) { return v.to_via(); }), m.vias());
  if (!m.vias().empty()) {
    ASSERT_NE(p.top_via(), nullptr);
    EXPECT_EQ(p.top_via()->branch(), m.vias().front().branch());
    EXPECT_EQ(p.top_via()->sent_by(), m.vias().front().sent_by());
    EXPECT_EQ(p.top_via()->rport(), m.vias().front().rport());
  }
  auto to_na = [](const NameAddrView& v) { return v.to_name_addr(); };
  ASSERT_EQ(p.from() != nullptr, m.from().has_value());
  if (p.from()) {
    EXPECT_EQ(p.from()->to_name_addr(), *m.from());
    EXPECT_EQ(p.from()->tag(), m.from()->tag());
  }
  ASSERT_EQ(p.to() != nullptr, m.to().has_value());
  if (p.to()) {
    EXPECT_EQ(p.to()->to_name_addr(), *m.to());
  }
  EXPECT_EQ(p.call_id(), m.call_id());
  ASSERT_EQ(p.cseq().has_value(), m.cseq().has_value());
  if (p.cseq()) {
    EXPECT_EQ(p.cseq()->to_cseq(), *m.cseq());
  }
  EXPECT_EQ(p.contact_star(), m.contacts().star);
  EXPECT_EQ(convert_all(p.contacts(), to_na), m.contacts().contacts);
  for (std::size_t i = 0; i < p.contacts().size(); ++i)
    EXPECT_EQ(p.contacts()[i].expires(), m.contacts().contacts[i].expires());
  EXPECT_EQ(convert_all(p.routes(), to_na), m.routes());
  EXPECT_EQ(convert_all(p.record_routes(), to_na), m.record_routes());
  EXPECT_EQ(p.max_forwards(), m.max_forwards());
  EXPECT_EQ(p.content_length(), m.content_length());
  EXPECT_EQ(p.expires(), m.expires());
  EXPECT_EQ(p.min_expires(), m.min_expires());
  ASSERT_EQ(p.content_type().has_value(), m.content_type().has_value());
  if (p.content_type()) {
    EXPECT_EQ(p.content_type()->to_media_type(), *m.content_type());
  }
  // Credentials: the valid ones in order, the others counted.
  std::size_t valid = 0, malformed = 0;
  for (std::string_view row : m.authorization()) {
    auto owned = parse_credentials(row);
    if (!owned) {
      ++malformed;
      continue;
    }
    ASSERT_LT(valid, p.authorization().size());
    EXPECT_EQ(p.authorization()[valid].to_credentials(), *owned);
    ++valid;
  }
  for (std::string_view row : m.proxy_authorization()) malformed += parse_credentials(row).ok() ? 0 : 1;
  EXPECT_EQ(valid, p.authorization().size());
  EXPECT_EQ(malformed, p.malformed_credentials());
  EXPECT_EQ(p.body(), m.body());
  EXPECT_EQ(p.to_message(), m);
}

TEST(ParsedMessage, AgreesWithTheOwningModelOnEveryRfc4475MessageThatParses) {
  ParsedMessage reused;  // one object for the whole corpus: reuse must not leak values
  std::size_t parsed = 0, rejected = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SIPLAB_RFC4475_DIR)) {
    if (entry.path().extension() != ".sip") continue;
    const std::string bytes = read_file(entry.path());
    auto owning = parse_message(bytes);
    auto error = parse_message_into(bytes, reused);
    ASSERT_EQ(owning.ok(), !error.has_value()) << entry.path();
    if (error) {
      EXPECT_EQ(*error, owning.error());
      ++rejected;
      continue;
    }
    ++parsed;
    expect_same_model(reused, *owning, entry.path().filename().string());
    ParsedMessage fresh;
    ASSERT_FALSE(parse_message_into(bytes, fresh).has_value());
    expect_same_model(fresh, *owning, entry.path().filename().string() + " (fresh)");
  }
  // INDEX.tsv: 17 valid + 13 valid-but-reject parse, the 19 invalid do not.
  EXPECT_EQ(parsed, 30u);
  EXPECT_EQ(rejected, 19u);
}

constexpr std::string_view kRegister =
    "REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bKnashds7;rport;received=2001:db8::1 , "
    "SIP/2.0/TCP p.example.com;branch=z9hG4bK2\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Bob \\\"B\\\"\" <sip:bob@biloxi.example.com>;tag=a73kszlfl\r\n"
    "To: Bob  Smith <sip:bob@biloxi.example.com>\r\n"
    "Call-ID: 1j9FpLxk3uxtm8tn@biloxi.example.com\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Contact: <sip:bob@192.0.2.4;transport=tcp?Subject=hi&X=y>;expires=60;q=0.5,\r\n"
    "  sip:bob@198.51.100.7 ;expires=120\r\n"
    "Authorization: Digest username=\"bob\", realm=\"biloxi.example.com\", nonce=\"a\\\"b\",\r\n"
    " uri=\"sip:biloxi.example.com\", response=\"dfe56131d1958046689d83306477ecc0\", qop=auth,\r\n"
    " nc=00000001, cnonce=\"0a4f113b\", opaque=\"\", x-extra=1\r\n"
    "Proxy-Authorization: Digest realm=\"x\"\r\n"
    "Content-Type: application/sdp ; charset=\"utf;8\"\r\n"
    "Expires: 3600\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\r\n";

TEST(ParsedMessage, KeepsEveryTypedValueAsAViewIntoItsOwnBuffer) {
  ParsedMessage p;
  {
    std::string bytes(kRegister);
    ASSERT_FALSE(parse_message_into(bytes, p).has_value());
    bytes.assign(bytes.size(), 'x');  // the message holds its own copy
  }
  ParsedMessage moved = std::move(p);  // a move keeps the views valid
  ASSERT_EQ(moved.vias().size(), 2u);
  const ViaView& top = *moved.top_via();
  EXPECT_EQ(top.host, "2001:db8::9");
  EXPECT_EQ(top.host_kind, HostKind::IPv6);
  EXPECT_EQ(top.port, 5070);
  EXPECT_EQ(top.branch(), "z9hG4bKnashds7");
  EXPECT_TRUE(top.has_rport());
  EXPECT_EQ(top.rport(), std::nullopt);
  EXPECT_EQ(top.received(), "2001:db8::1");
  EXPECT_EQ(top.sent_by(), "[2001:db8::9]:5070");
  EXPECT_EQ(moved.vias()[1].transport, "TCP");
  EXPECT_EQ(moved.from()->display_name, "Bob \\\"B\\\"");
  EXPECT_TRUE(moved.from()->display_quoted);
  EXPECT_EQ(moved.from()->tag(), "a73kszlfl");
  EXPECT_EQ(moved.to()->display_name, "Bob  Smith");
  EXPECT_EQ(moved.to()->to_name_addr().display_name, "Bob Smith");
  EXPECT_EQ(moved.call_id(), "1j9FpLxk3uxtm8tn@biloxi.example.com");
  EXPECT_EQ(moved.cseq()->number, 2u);
  EXPECT_EQ(moved.cseq()->method, "REGISTER");
  // The folded Contact row is unfolded into the buffer's second half.
  ASSERT_EQ(moved.contacts().size(), 2u);
  EXPECT_EQ(moved.contacts()[0].uri.host, "192.0.2.4");
  EXPECT_EQ(moved.contacts()[0].uri.transport(), "tcp");
  EXPECT_EQ(moved.contacts()[0].uri.headers, "Subject=hi&X=y");
  EXPECT_EQ(moved.contacts()[0].expires(), 60u);
  EXPECT_FALSE(moved.contacts()[1].angle_brackets);
  EXPECT_EQ(moved.contacts()[1].expires(), 120u);
  EXPECT_EQ(moved.max_forwards(), 70u);
  EXPECT_EQ(moved.header(HeaderId::CallId), "1j9FpLxk3uxtm8tn@biloxi.example.com");
  EXPECT_EQ(moved.header("i"), "1j9FpLxk3uxtm8tn@biloxi.example.com");  // compact form of Call-ID
  EXPECT_EQ(moved.header("proxy-AUTHORIZATION"), "Digest realm=\"x\"");
  EXPECT_EQ(moved.header("X-Missing"), std::nullopt);
  EXPECT_EQ(moved.expires(), 3600u);
  EXPECT_EQ(moved.content_length(), 4u);
  EXPECT_TRUE(moved.content_type()->matches("APPLICATION", "SDP"));
  EXPECT_EQ(moved.content_type()->params.value("charset"), "\"utf;8\"");
  EXPECT_EQ(moved.body(), "v=0\r");
  // Digest: views as written; escaped values resolved by to_credentials().
  ASSERT_EQ(moved.authorization().size(), 1u);
  const DigestCredentialsView& creds = moved.authorization()[0];
  EXPECT_TRUE(creds.is_digest);
  EXPECT_EQ(creds.username, "bob");
  EXPECT_EQ(creds.nonce, "a\\\"b");
  EXPECT_TRUE(creds.escaped);
  EXPECT_EQ(creds.response, "dfe56131d1958046689d83306477ecc0");
  EXPECT_EQ(creds.qop, "auth");
  EXPECT_EQ(creds.nc, "00000001");
  EXPECT_EQ(creds.opaque, "");
  auto owned = std::get<DigestCredentials>(creds.to_credentials());
  EXPECT_EQ(owned.nonce, "a\"b");
  ASSERT_EQ(owned.other_params.size(), 1u);
  EXPECT_EQ(owned.other_params[0].name, "x-extra");
  // A Proxy-Authorization without the required parameters is counted, not
  // fatal: the element that authenticates answers it.
  EXPECT_TRUE(moved.proxy_authorization().empty());
  EXPECT_EQ(moved.malformed_credentials(), 1u);
}

TEST(ParsedMessage, SpillsPastItsInlineCapacityWithoutLosingOrder) {
  std::string bytes = "OPTIONS sip:a@example.com SIP/2.0\r\n";
  for (int i = 0; i < 9; ++i)
    bytes += "Via: SIP/2.0/UDP h" + std::to_string(i) + ".example.com;branch=z9hG4bK" + std::to_string(i) + "\r\n";
  for (int i = 0; i < 30; ++i) bytes += "X-H" + std::to_string(i) + ": v\r\n";
  bytes += "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n";
  ParsedMessage p;
  ASSERT_FALSE(parse_message_into(bytes, p).has_value());
  ASSERT_EQ(p.vias().size(), 9u);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(p.vias()[i].branch(), "z9hG4bK" + std::to_string(i));
  ASSERT_EQ(p.headers().size(), 43u);
  EXPECT_EQ(p.headers()[9 + 29].name, "X-H29");
  EXPECT_EQ(p.header("x-h29"), "v");
  // A move takes everything along and leaves the source empty, not
  // describing storage it gave away.
  ParsedMessage moved = std::move(p);
  ASSERT_EQ(moved.vias().size(), 9u);
  EXPECT_EQ(moved.vias()[8].branch(), "z9hG4bK8");
  EXPECT_TRUE(p.vias().empty());
  EXPECT_TRUE(p.headers().empty());
  // ... and can be parsed into again (it gets a new buffer).
  ASSERT_FALSE(parse_message_into(bytes, p).has_value());
  EXPECT_EQ(p.vias().size(), 9u);
  p = std::move(moved);
  // Parsing a small message into the same object forgets the big one.
  ASSERT_FALSE(parse_message_into("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP x.example.com;branch=z9hG4bKz\r\n"
                                  "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c\r\n"
                                  "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
                                  p)
                   .has_value());
  EXPECT_TRUE(p.is_response());
  ASSERT_EQ(p.vias().size(), 1u);
  EXPECT_EQ(p.vias()[0].host, "x.example.com");
  EXPECT_EQ(p.headers().size(), 6u);
}

TEST(ParsedMessage, ReportsTheSameErrorAsTheOwningParser) {
  ParsedMessage p;
  const std::string bad = "INVITE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP host;branch=\"q\"\r\n\r\n";
  auto error = parse_message_into(bad, p);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, parse_message(bad).error());
  EXPECT_EQ(error->status_code, 400);
  EXPECT_EQ(error->reason, "Via: Via branch must be a token");
}

TEST(ParsedMessage, ReadsNumbersWithLeadingZerosAndRejectsOverflow) {
  const std::string head =
      "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n"
      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n";
  ParsedMessage p;
  ASSERT_FALSE(parse_message_into(head + "Max-Forwards: 0000000000070\r\nExpires: 4294967295\r\n\r\n", p));
  EXPECT_EQ(p.max_forwards(), 70u);
  EXPECT_EQ(p.expires(), 4294967295u);
  auto error = parse_message_into(head + "Expires: 4294967296\r\n\r\n", p);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, "Expires: number exceeds 4294967295");
  error = parse_message_into(head + "Max-Forwards: 7a\r\n\r\n", p);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, "Max-Forwards: expected a number");
}

TEST(ParamsView, WalksHeaderAndUriParametersAsWritten) {
  ParamsView header{" ; a = \"x;y\" ;lr; received=2001:db8::1;B=[2001:db8::2]", true};
  std::vector<std::pair<std::string, std::string>> seen;
  header.for_each([&](std::string_view n, std::optional<std::string_view> v) {
    seen.emplace_back(std::string(n), v ? std::string(*v) : "<none>");
  });
  std::vector<std::pair<std::string, std::string>> want = {
      {"a", "\"x;y\""}, {"lr", "<none>"}, {"received", "2001:db8::1"}, {"B", "[2001:db8::2]"}};
  EXPECT_EQ(seen, want);
  EXPECT_EQ(header.value("b"), "[2001:db8::2]");
  EXPECT_TRUE(header.has("LR"));
  EXPECT_EQ(header.value("lr"), std::nullopt);
  ParamsView uri{";transport=tcp;lr;x=%41b", false};
  EXPECT_EQ(uri.value("x"), "%41b");
  EXPECT_EQ(uri.to_list(), (ParamList{{"transport", "tcp"}, {"lr", std::nullopt}, {"x", "%41b"}}));
}

}  // namespace
}  // namespace siplab::sip
