// Reading enough of a rejected request to answer it (RFC 3261 §8.2, RFC
// 4475 §3.1.2), with the repairs RFC 4475 suggests for rows the answer
// must echo.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "models/sip/message/parser.h"
#include "models/sip/message/salvage.h"
#include "models/sip/message/serializer.h"

namespace siplab::sip {
namespace {

std::string torture(const std::string& name) {
  std::ifstream in(std::filesystem::path(SIPLAB_RFC4475_DIR) / (name + ".sip"), std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The 400 built from the salvaged rows parses, so the client can read it.
void expect_answer_parses(const Message& salvaged) {
  const std::string answer = serialize(make_response(salvaged, 400));
  auto parsed = parse_message(answer);
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason << "\n" << answer;
  EXPECT_EQ(parsed->status_code(), 400);
}

TEST(Salvage, InfersTheMissingClosingQuoteOfQuotbal) {
  const std::string bytes = torture("quotbal");
  ASSERT_FALSE(parse_message(bytes).ok());
  auto salvaged = salvage_request_for_reply(bytes);
  ASSERT_TRUE(salvaged.has_value());
  EXPECT_EQ(salvaged->method(), "INVITE");
  EXPECT_EQ(salvaged->header(HeaderId::To), "\"Mr. J. User\" <sip:j.user@example.com>");
  EXPECT_EQ(salvaged->to()->display_name_text(), "Mr. J. User");
  EXPECT_EQ(salvaged->header(HeaderId::Via), "SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234");
  EXPECT_EQ(salvaged->call_id(), "quotbal.aksdj");
  expect_answer_parses(*salvaged);
}

TEST(Salvage, CutsTheExtraneousSeparatorsOfBadinv01) {
  const std::string bytes = torture("badinv01");
  ASSERT_FALSE(parse_message(bytes).ok());
  auto salvaged = salvage_request_for_reply(bytes);
  ASSERT_TRUE(salvaged.has_value());
  EXPECT_EQ(salvaged->header(HeaderId::Via), "SIP/2.0/UDP 192.0.2.15");
  EXPECT_EQ(salvaged->cseq()->number, 8u);
  expect_answer_parses(*salvaged);
}

TEST(Salvage, KeepsEveryHopOfAViaList) {
  const std::string bytes =
      "OPTIONS sip:b@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1;;, ;, SIP/2.0/UDP c.example.com;branch=z9hG4bKc\r\n"
      "To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n";
  auto salvaged = salvage_request_for_reply(bytes);
  ASSERT_TRUE(salvaged.has_value());
  EXPECT_EQ(salvaged->header(HeaderId::Via),
            "SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1, SIP/2.0/UDP c.example.com;branch=z9hG4bKc");
  EXPECT_EQ(salvaged->vias().size(), 2u);
}

TEST(Salvage, DropsTheSpacesInsideTheAngleBracketsOfBadaspec) {
  // RFC 4475 §3.1.2.14: a liberal reader may ignore them; the 400 then
  // carries a To the client can parse.
  auto salvaged = salvage_request_for_reply(torture("badaspec"));
  ASSERT_TRUE(salvaged.has_value());
  EXPECT_EQ(salvaged->header(HeaderId::To), "\"Watson, Thomas\" <sip:t.watson@example.org>");
  EXPECT_EQ(salvaged->header(HeaderId::From), "\"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423");
}

TEST(Salvage, QuotesTheDisplayNamesOfBaddn) {
  // RFC 4475 §3.1.2.15: "liberal may infer quotes".
  auto salvaged = salvage_request_for_reply(torture("baddn"));
  ASSERT_TRUE(salvaged.has_value());
  EXPECT_EQ(salvaged->header(HeaderId::From), "\"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=43");
  EXPECT_EQ(salvaged->header(HeaderId::To), "\"Watson, Thomas\" <sip:t.watson@example.org>");
  EXPECT_EQ(salvaged->cseq()->number, 3923239u);
}

TEST(Salvage, GivesUpOnRowsItCannotRepair) {
  const std::string head = "INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP c.example.com;branch=z9hG4bKc\r\n";
  const std::string tail = "From: <sip:a@example.com>;tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
  EXPECT_FALSE(salvage_request_for_reply(head + "To: <sip:\r\n" + tail).has_value());
  EXPECT_FALSE(salvage_request_for_reply(head + "To: \"no address\r\n" + tail).has_value());
  EXPECT_FALSE(salvage_request_for_reply(head + tail).has_value());  // no To at all
  std::string ack = head + "To: <sip:b@example.com>\r\n" + tail;
  ack.replace(0, 6, "ACK");
  EXPECT_FALSE(salvage_request_for_reply(ack).has_value());  // §17.2.1: never answered
}

}  // namespace
}  // namespace siplab::sip
