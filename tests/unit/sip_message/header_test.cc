// Header names (compact forms, case), list splitting, folding, and the
// typed header values.
#include <gtest/gtest.h>

#include "models/sip/message/header_names.h"
#include "models/sip/message/header_values.h"
#include "models/sip/message/name_addr.h"
#include "models/sip/message/parser.h"

namespace siplab::sip {
namespace {

TEST(HeaderNames, EveryCompactFormMapsToItsHeader) {
  const std::pair<char, std::string_view> compact[] = {
      {'i', "Call-ID"},      {'m', "Contact"},        {'e', "Content-Encoding"}, {'l', "Content-Length"},
      {'c', "Content-Type"}, {'f', "From"},           {'s', "Subject"},          {'k', "Supported"},
      {'t', "To"},           {'v', "Via"},            {'o', "Event"},            {'u', "Allow-Events"},
      {'r', "Refer-To"},     {'b', "Referred-By"},    {'x', "Session-Expires"},  {'a', "Accept-Contact"},
      {'j', "Reject-Contact"}, {'d', "Request-Disposition"}, {'y', "Identity"},  {'n', "Identity-Info"},
  };
  for (auto [letter, name] : compact) {
    HeaderId lower = header_id(std::string_view(&letter, 1));
    char upper_letter = static_cast<char>(letter - 'a' + 'A');
    EXPECT_EQ(canonical_name(lower), name) << letter;
    EXPECT_EQ(header_id(std::string_view(&upper_letter, 1)), lower) << letter;
    EXPECT_EQ(compact_form(lower), letter);
    EXPECT_EQ(header_id(name), lower);
  }
  // Letters with no compact form.
  for (char c : std::string_view("ghpqwz")) EXPECT_EQ(header_id(std::string_view(&c, 1)), HeaderId::Other) << c;
}

TEST(HeaderNames, CaseInsensitive) {
  EXPECT_EQ(header_id("MaX-fOrWaRdS"), HeaderId::MaxForwards);
  EXPECT_EQ(header_id("call-id"), HeaderId::CallId);
  EXPECT_EQ(header_id("WWW-AUTHENTICATE"), HeaderId::WwwAuthenticate);
  EXPECT_EQ(header_id("cseq"), HeaderId::CSeq);
  EXPECT_EQ(header_id("X-Custom"), HeaderId::Other);
  EXPECT_EQ(header_id("C%6Fntact"), HeaderId::Other);
  EXPECT_TRUE(is_list_header(HeaderId::Via));
  EXPECT_FALSE(is_list_header(HeaderId::Authorization));
  EXPECT_FALSE(is_list_header(HeaderId::From));
}

// Every long name maps back to its id in any case; near misses (one letter
// more or less, same first letter and length as a known name) do not.
TEST(HeaderNames, EveryLongNameRoundTrips) {
  for (std::size_t i = 1; i < static_cast<std::size_t>(HeaderId::kCount); ++i) {
    HeaderId id = static_cast<HeaderId>(i);
    std::string name(canonical_name(id));
    EXPECT_EQ(header_id(name), id) << name;
    std::string upper = name;
    for (char& c : upper)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    EXPECT_EQ(header_id(upper), id) << upper;
    EXPECT_EQ(header_id(name + "x"), HeaderId::Other) << name;
    EXPECT_EQ(header_id(name.substr(0, name.size() - 1)), name.size() == 2 ? header_id(name.substr(0, 1)) : HeaderId::Other)
        << name;
  }
  EXPECT_EQ(header_id("Contact"), HeaderId::Contact);
  EXPECT_EQ(header_id("Call-ID"), HeaderId::CallId);  // same first letter and length as Contact
  EXPECT_EQ(header_id("Contacx"), HeaderId::Other);
  EXPECT_EQ(header_id("X-A-Very-Long-Extension-Header-Name"), HeaderId::Other);
}

TEST(SplitList, CommasInsideQuotesAndBracketsDoNotSplit) {
  auto items = split_list(R"("Smith, Bob" <sip:bob@a.com;x=1,2>;q=0.5 , <sip:c@d.com> ,"a\",b" <sip:e@f.com>)");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0], R"("Smith, Bob" <sip:bob@a.com;x=1,2>;q=0.5)");
  EXPECT_EQ(items[1], "<sip:c@d.com>");
  EXPECT_EQ(items[2], R"("a\",b" <sip:e@f.com>)");
  EXPECT_EQ(split_list("a,,b").size(), 3u);
}

TEST(Via, ParsesSentProtocolSentByAndParams) {
  auto v = parse_via("SIP / 2.0 / UDP  host.example.com : 5070 ; branch = z9hG4bK77 ;received=192.0.2.1;rport;ttl=3;maddr=224.2.0.1");
  ASSERT_TRUE(v.ok()) << v.error().reason;
  EXPECT_EQ(v->protocol_name, "SIP");
  EXPECT_EQ(v->protocol_version, "2.0");
  EXPECT_EQ(v->transport, "UDP");
  EXPECT_EQ(v->host, "host.example.com");
  EXPECT_EQ(v->port, 5070);
  EXPECT_EQ(v->branch(), "z9hG4bK77");
  EXPECT_EQ(v->received(), "192.0.2.1");
  EXPECT_TRUE(v->has_rport());
  EXPECT_EQ(v->rport(), std::nullopt);
  EXPECT_EQ(v->ttl(), "3");
  EXPECT_EQ(v->maddr(), "224.2.0.1");
  EXPECT_EQ(v->to_string(), "SIP/2.0/UDP host.example.com:5070;branch=z9hG4bK77;received=192.0.2.1;rport;ttl=3;maddr=224.2.0.1");
  v->set_rport(5071);
  EXPECT_EQ(v->rport(), 5071);
  auto v6 = parse_via("SIP/2.0/TCP [2001:db8::9]:5060;branch=z9hG4bKx;received=2001:db8::8");
  ASSERT_TRUE(v6.ok()) << v6.error().reason;
  EXPECT_EQ(v6->host_kind, HostKind::IPv6);
  EXPECT_EQ(v6->sent_by(), "[2001:db8::9]:5060");
}

TEST(Via, RejectsBadValues) {
  EXPECT_EQ(parse_via("SIP/2.0 host").error().reason, "expected '/' in Via sent-protocol");
  EXPECT_EQ(parse_via("SIP/2.0/UDP 192.0.2.15;;").error().reason, "empty or invalid parameter name");
  EXPECT_EQ(parse_via("SIP/2.0/UDP h;received=example.com").error().reason, "Via received must be an IP address");
  EXPECT_EQ(parse_via("SIP/2.0/UDP h;ttl=256").error().reason, "Via ttl must be 0-255");
  EXPECT_EQ(parse_via("SIP/2.0/UDP h;rport=x").error().reason, "Via rport must be a port number");
  EXPECT_EQ(parse_via("SIP/2.0/UDP h:99999").error().reason, "invalid Via port");
}

TEST(NameAddr, Forms) {
  auto q = parse_name_addr(R"("J Rosenberg \\\"" <sip:jdrosen@example.com>;tag=98asjd8)");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->display_quoted);
  EXPECT_EQ(q->display_name, R"(J Rosenberg \\\")");
  EXPECT_EQ(q->display_name_text(), R"(J Rosenberg \")");
  EXPECT_EQ(q->tag(), "98asjd8");

  auto tokens = parse_name_addr("Bob  Smith <sip:bob@b.com>");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(tokens->display_name, "Bob Smith");
  EXPECT_FALSE(tokens->display_quoted);

  auto glued = parse_name_addr("caller<sip:caller@example.com>;tag=323");
  ASSERT_TRUE(glued.ok());
  EXPECT_EQ(glued->display_name, "caller");

  auto spec = parse_name_addr("sip:+1972@gw1.example.net;unknownparam;expires=60;q=0.7");
  ASSERT_TRUE(spec.ok());
  EXPECT_FALSE(spec->angle_brackets);
  EXPECT_TRUE(spec->uri.params.empty());
  EXPECT_EQ(spec->params.size(), 3u);
  EXPECT_EQ(spec->expires(), 60u);
  EXPECT_EQ(spec->q_millis(), 700);
  // Serializing puts header params outside the brackets.
  EXPECT_EQ(spec->to_string(), "sip:+1972@gw1.example.net;unknownparam;expires=60;q=0.7");

  auto bracketed = parse_name_addr("<sip:+1972@gw1.example.net;unknownparam>");
  ASSERT_TRUE(bracketed.ok());
  EXPECT_EQ(bracketed->uri.params.size(), 1u);
  EXPECT_EQ(bracketed->to_string(), "<sip:+1972@gw1.example.net;unknownparam>");
}

TEST(NameAddr, Errors) {
  EXPECT_EQ(parse_name_addr(R"("unterminated <sip:a@b>)").error().reason, "unterminated quoted display name");
  EXPECT_EQ(parse_name_addr("Bell, Alexander <sip:a@b.com>").error().offset, 4u);
  EXPECT_EQ(parse_name_addr("< sip:a@b.com >").error().reason, "URI scheme must start with a letter");
  EXPECT_EQ(parse_name_addr("sip:a@b.com?Route=x").error().offset, 11u);
  EXPECT_EQ(parse_name_addr("<sip:a@b.com>;;").error().reason, "empty or invalid parameter name");
}

TEST(TypedValues, CSeqContentTypeRetryAfterWarningDate) {
  auto c = parse_cseq("0009 INVITE");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->number, 9u);
  EXPECT_EQ(c->method, "INVITE");
  EXPECT_EQ(parse_cseq("4294967295 ACK")->number, 4294967295u);
  EXPECT_EQ(parse_cseq("4294967296 ACK").error().reason, "CSeq number exceeds 2^32-1");

  auto mt = parse_media_type("multipart/mixed;boundary=7a9cbec02ceef655");
  ASSERT_TRUE(mt.ok());
  EXPECT_TRUE(mt->matches("MULTIPART", "Mixed"));
  EXPECT_EQ(param_value(mt->params, "boundary"), "7a9cbec02ceef655");

  auto ra = parse_retry_after("120 (I'm in a meeting) ;duration=3600");
  ASSERT_TRUE(ra.ok());
  EXPECT_EQ(ra->seconds, 120u);
  EXPECT_EQ(ra->comment, "I'm in a meeting");
  EXPECT_EQ(param_value(ra->params, "duration"), "3600");
  EXPECT_FALSE(parse_retry_after("949302838503028349304023988").ok());

  auto w = parse_warning(R"(301 isi.edu "Incompatible network address type 'E.164'")");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->code, 301);
  EXPECT_EQ(w->agent, "isi.edu");
  EXPECT_EQ(w->text, "Incompatible network address type 'E.164'");
  EXPECT_EQ(w->to_string(), R"(301 isi.edu "Incompatible network address type 'E.164'")");
  EXPECT_FALSE(parse_warning(R"(1812 overture "In Progress")").ok());

  auto d = parse_date("Sat, 13 Nov 2010 23:29:00 GMT");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->year, 2010);
  EXPECT_EQ(d->month, 10);
  EXPECT_EQ(d->weekday, 5);
  EXPECT_EQ(d->to_string(), "Sat, 13 Nov 2010 23:29:00 GMT");
  EXPECT_EQ(parse_date("Thu, 21 Feb 2002 13:02:03 EST").error().reason, "Date time zone must be GMT (RFC 3261 §20.17)");
  // RFC 2234 §2.3: the quoted literals (weekday, month, "GMT") match in any
  // case; the value is written back in the canonical case.
  auto lower = parse_date("sat, 13 nov 2010 23:29:00 gmt");
  ASSERT_TRUE(lower.ok()) << lower.error().reason;
  EXPECT_EQ(lower->weekday, 5);
  EXPECT_EQ(lower->month, 10);
  EXPECT_EQ(lower->to_string(), "Sat, 13 Nov 2010 23:29:00 GMT");
  EXPECT_TRUE(parse_date("SAT, 13 NOV 2010 23:29:00 Gmt").ok());
  EXPECT_EQ(parse_date("Xat, 13 Nov 2010 23:29:00 GMT").error().reason, "invalid weekday in Date");
  // RFC 3261 §25.1: time ranges over 00:00:00 - 23:59:59.
  EXPECT_TRUE(parse_date("Sat, 13 Nov 2010 23:59:59 GMT").ok());
  EXPECT_EQ(parse_date("Sat, 13 Nov 2010 23:29:60 GMT").error().reason, "Date field out of range");
  EXPECT_EQ(parse_date("Sat, 13 Nov 2010 24:00:00 GMT").error().reason, "Date field out of range");
  EXPECT_EQ(parse_uint("0068", 255).value(), 68u);
  EXPECT_FALSE(parse_uint("-999", 0xFFFFFFFFu).ok());
  EXPECT_EQ(parse_call_id("a@b").value(), "a@b");
  EXPECT_FALSE(parse_call_id("a b").ok());
}

TEST(Folding, ContinuationLinesBecomeOneSpace) {
  const char* text =
      "OPTIONS sip:a@b.com SIP/2.0\r\n"
      "Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=z9hG4bK1\r\n"
      "To:\r\n sip:a@b.com\r\n"
      "From: <sip:c@d.com>\r\n\t;tag=1\r\n"
      "Call-ID: x\r\n"
      "cseq: 0009\r\n  OPTIONS\r\n"
      "NewFangledHeader:   newfangled value\r\n continued newfangled value\r\n"
      "Content-Length: 0\r\n\r\n";
  auto m = parse_message(text);
  ASSERT_TRUE(m.ok()) << m.error().reason;
  EXPECT_EQ(m->header("Via"), "SIP  /   2.0 /UDP 192.0.2.2;branch=z9hG4bK1");
  EXPECT_EQ(m->headers()[0].name, "Via");
  EXPECT_EQ(m->header("To"), "sip:a@b.com");
  EXPECT_EQ(m->header("From"), "<sip:c@d.com> ;tag=1");
  EXPECT_EQ(m->header("CSeq"), "0009 OPTIONS");
  EXPECT_EQ(m->header("newfangledheader"), "newfangled value continued newfangled value");
  EXPECT_EQ(m->top_via()->host, "192.0.2.2");
}

TEST(Folding, ErrorOffsetPointsIntoTheContinuationLine) {
  std::string text =
      "OPTIONS sip:a@b.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP h\r\n ;;branch=z9hG4bK1\r\n"
      "\r\n";
  auto m = parse_message(text);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().offset, text.find(";;") + 1);
  EXPECT_EQ(m.error().reason, "Via: empty or invalid parameter name");
}

}  // namespace
}  // namespace siplab::sip
