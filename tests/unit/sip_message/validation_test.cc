// Receiver validation: the response code and reason a UAS, proxy or
// registrar sends (RFC 3261 §8.2, §16.3, §10.3), and response checks.
#include <gtest/gtest.h>

#include "models/sip/message/parsed_message.h"
#include "models/sip/message/parser.h"
#include "models/sip/message/serializer.h"
#include "models/sip/message/validation.h"

namespace siplab::sip {
namespace {

std::string request(std::string_view method, std::string_view extra = "", std::string_view cseq_method = "",
                    std::string_view uri = "sip:bob@example.com") {
  std::string m(method);
  return m + " " + std::string(uri) + " SIP/2.0\r\n" +
         "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK74bf9\r\n"
         "Max-Forwards: 70\r\n"
         "To: <sip:bob@example.com>\r\n"
         "From: <sip:alice@example.com>;tag=1\r\n"
         "Call-ID: c1@a.example.com\r\n"
         "CSeq: 1 " + std::string(cseq_method.empty() ? method : cseq_method) + "\r\n" + std::string(extra) +
         "Content-Length: 0\r\n\r\n";
}

std::optional<Rejection> check(const std::string& text, Role role, std::vector<std::string> extensions = {}) {
  auto m = parse_message(text);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason);
  if (!m.ok()) return Rejection{0, "unparsed", {}};
  ValidationOptions o;
  o.role = role;
  o.supported_extensions = std::move(extensions);
  return validate_request(*m, o);
}

TEST(Validation, AcceptsAWellFormedRequest) {
  EXPECT_EQ(check(request("INVITE"), Role::Uas), std::nullopt);
  EXPECT_EQ(check(request("INVITE"), Role::Proxy), std::nullopt);
  EXPECT_EQ(check(request("REGISTER", "", "", "sip:example.com"), Role::Registrar), std::nullopt);
}

TEST(Validation, MissingAndDuplicateHeaders) {
  Message m = *parse_message(request("OPTIONS"));
  m.remove_header("Call-ID");
  m.remove_header("From");
  auto r = validate_request(m, ValidationOptions{});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_code, 400);
  EXPECT_EQ(r->reason, "Missing From, Call-ID header");

  auto dup = check(request("OPTIONS", "Call-ID: second@x\r\n"), Role::Proxy);
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status_code, 400);
  EXPECT_EQ(dup->reason, "Multiple values in single-value header Call-ID");
}

TEST(Validation, VersionAndCSeqMismatchOnBuiltMessages) {
  Message m = *parse_message(request("OPTIONS"));
  m.set_version("SIP/3.0");
  EXPECT_EQ(validate_request(m, {})->status_code, 505);
  m.set_version("SIP/2.0");
  m.set_cseq({1, "INVITE"});
  auto r = validate_request(m, {});
  EXPECT_EQ(r->status_code, 400);
  EXPECT_EQ(r->reason, "CSeq method does not match request method");
  m.set_cseq({1, "OPTIONS"});
  m.set_body_raw("xyz");  // Content-Length says 0
  EXPECT_EQ(validate_request(m, {})->reason, "Content-Length does not match the body");
}

TEST(Validation, ProxyMaxForwardsAndProxyRequire) {
  std::string no_hops = request("INVITE");
  no_hops.replace(no_hops.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
  auto zero = check(no_hops, Role::Proxy);
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->status_code, 483);
  EXPECT_EQ(zero->reason, "Too Many Hops");
  auto pr = check(request("INVITE", "Proxy-Require: foo, bar\r\n"), Role::Proxy, {"bar"});
  ASSERT_TRUE(pr);
  EXPECT_EQ(pr->status_code, 420);
  EXPECT_EQ(pr->extra_headers, (std::vector<ExtraHeader>{ExtraHeader("Unsupported", "foo")}));
  // A UAS does not look at Proxy-Require.
  EXPECT_EQ(check(request("INVITE", "Proxy-Require: foo\r\n"), Role::Uas), std::nullopt);
}

TEST(Validation, UasMethodSchemeRequireBody) {
  auto unknown = check(request("FOO"), Role::Uas);
  EXPECT_EQ(unknown->status_code, 501);
  EXPECT_EQ(unknown->extra_headers[0].value, "INVITE, ACK, CANCEL, BYE, OPTIONS");
  auto known = check(request("SUBSCRIBE"), Role::Uas);
  EXPECT_EQ(known->status_code, 405);
  EXPECT_EQ(known->reason, "Method Not Allowed");
  EXPECT_EQ(check(request("OPTIONS", "", "", "tel:+15551234"), Role::Uas)->status_code, 416);
  auto req = check(request("INVITE", "Require: 100rel, timer\r\n"), Role::Uas, {"timer"});
  EXPECT_EQ(req->status_code, 420);
  EXPECT_EQ(req->extra_headers[0].value, "100rel");
  EXPECT_EQ(check(request("ACK", "Require: 100rel\r\n"), Role::Uas), std::nullopt);

  std::string with_body = request("INVITE", "Content-Type: text/plain\r\n");
  with_body.replace(with_body.find("Content-Length: 0"), 17, "Content-Length: 2");
  with_body += "hi";
  auto media = check(with_body, Role::Uas);
  EXPECT_EQ(media->status_code, 415);
  EXPECT_EQ(media->extra_headers, (std::vector<ExtraHeader>{ExtraHeader("Accept", "application/sdp")}));

  auto accept = check(request("INVITE", "Accept: text/plain\r\n"), Role::Uas);
  EXPECT_EQ(accept->status_code, 406);
  EXPECT_EQ(accept->extra_headers[0].value, "399 siplab \"Supported types: application/sdp\"");
  EXPECT_EQ(check(request("INVITE", "Accept: application/*\r\n"), Role::Uas), std::nullopt);
}

TEST(Validation, RegistrarWantsSipAor) {
  auto r = check(request("REGISTER", "", "", "sip:example.com").replace(
                     request("REGISTER", "", "", "sip:example.com").find("<sip:bob@example.com>"), 21, "<tel:+1555>"),
                 Role::Registrar);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_code, 400);
  EXPECT_EQ(r->reason, "Address-of-record in To must be a SIP or SIPS URI");
}

TEST(Validation, RejectionResponseCarriesExtraHeaders) {
  Message req = *parse_message(request("INVITE", "Require: 100rel\r\n"));
  auto r = validate_request(req, {});
  Message resp = make_rejection_response(req, *r, "t1");
  std::string text = serialize(resp);
  EXPECT_EQ(text.substr(0, text.find("\r\n")), "SIP/2.0 420 Bad Extension");
  EXPECT_NE(text.find("To: <sip:bob@example.com>;tag=t1\r\nFrom:"), std::string::npos);
  EXPECT_NE(text.find("Unsupported: 100rel\r\nContent-Length: 0\r\n\r\n"), std::string::npos);
  EXPECT_EQ(rejection_for(ParseError{3, "x", 505}).reason, "Version Not Supported");
}

// The parser's 501 (unknown method, CSeq mismatch; RFC 4475 §3.1.2.18) is
// a UAS's answer: a proxy forwards unknown methods and answers 400.
TEST(Validation, RejectionForUnknownMethodMismatchDependsOnRole) {
  const ParseError mismatch{12, "CSeq method INVITE does not match request method NEWMETHOD", 501};
  EXPECT_EQ(rejection_for(mismatch), (Rejection{501, "Not Implemented", {}}));
  EXPECT_EQ(rejection_for(mismatch, Role::Registrar), (Rejection{501, "Not Implemented", {}}));
  EXPECT_EQ(rejection_for(mismatch, Role::Proxy), (Rejection{400, "Bad Request", {}}));
  EXPECT_EQ(rejection_for(ParseError{3, "x", 505}, Role::Proxy), (Rejection{505, "Version Not Supported", {}}));
}

constexpr std::string_view kResponseRows =
    "To: <sip:bob@example.com>;tag=t\r\nFrom: <sip:alice@example.com>;tag=1\r\n"
    "Call-ID: c1@a.example.com\r\nCSeq: 1 INVITE\r\n";

TEST(Validation, Responses) {
  auto two = parse_message(
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP me;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK2\r\n" +
      std::string(kResponseRows) + "Content-Length: 0\r\n\r\n");
  ASSERT_TRUE(two.ok());
  EXPECT_FALSE(validate_response(*two, ResponseRole::Uac).accept);
  EXPECT_TRUE(validate_response(*two, ResponseRole::Proxy).accept);
  auto one = parse_message("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP me;branch=z9hG4bK1\r\n" + std::string(kResponseRows) +
                           "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(validate_response(*one, ResponseRole::Uac).accept);
  auto v = validate_response(*one, ResponseRole::Proxy);
  EXPECT_FALSE(v.accept);
  EXPECT_EQ(v.reason, "no Via left to forward the response to");
}

// Both forms (the Message's rows, the parser's typed values) give the same
// verdict, for a UAC and for a proxy.
void expect_dropped(const std::string& text, std::string_view reason) {
  ParsedMessage parsed;
  ASSERT_EQ(parse_message_into(text, parsed), std::nullopt);
  const Message m = parsed.to_message();
  for (ResponseRole role : {ResponseRole::Uac, ResponseRole::Proxy}) {
    for (const ParsedMessage* p : {static_cast<const ParsedMessage*>(nullptr), static_cast<const ParsedMessage*>(&parsed)}) {
      const ResponseVerdict v = validate_response(m, role, p);
      EXPECT_FALSE(v.accept);
      EXPECT_EQ(v.reason, reason) << (p ? "parsed" : "rows");
    }
  }
}

// §8.1.1 / §20 table: To, From, Call-ID, CSeq (and Via) are mandatory in
// responses.
TEST(Validation, ResponseMissingMandatoryHeadersIsDropped) {
  const std::string head = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP me;branch=z9hG4bK1\r\n";
  expect_dropped(head + "Content-Length: 0\r\n\r\n", "Missing To, From, Call-ID, CSeq header");
  expect_dropped(head + "To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCSeq: 1 INVITE\r\n\r\n",
                 "Missing Call-ID header");
  expect_dropped(head + "From: <sip:a@example.com>;tag=1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n",
                 "Missing To header");
  expect_dropped(head + "To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: c\r\n\r\n",
                 "Missing CSeq header");
}

// RFC 4475 §3.3.8: several values of a single-value header.
TEST(Validation, ResponseWithRepeatedSingleValueHeaderIsDropped) {
  const std::string head = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP me;branch=z9hG4bK1\r\n" + std::string(kResponseRows);
  expect_dropped(head + "Call-ID: other@a.example.com\r\n\r\n", "Multiple values in single-value header Call-ID");
  expect_dropped(head + "CSeq: 2 BYE\r\nCall-ID: other@a.example.com\r\n\r\n",
                 "Multiple values in single-value header CSeq");
  expect_dropped(head + "t: <sip:carol@example.com>\r\n\r\n", "Multiple values in single-value header To");
  expect_dropped(head + "From: <sip:carol@example.com>\r\n\r\n", "Multiple values in single-value header From");
}

}  // namespace
}  // namespace siplab::sip
