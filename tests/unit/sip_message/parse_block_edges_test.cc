// The header-line loop reads the message 16 bytes at a time (line ends,
// the ':' after a name) and looks known names up by a hash: rows whose
// CRLF, ':' or bad byte falls at every offset of a block must give the
// same rows and the same errors (reason and byte offset) as the grammar.
#include <gtest/gtest.h>

#include <string>

#include "models/sip/message/parsed_message.h"
#include "tests/unit/sip_message/parser_test_references.h"

namespace siplab::sip {
namespace {

const std::string& kStart = test::kOptionsHead;

TEST(ParseBlockEdges, RowsOfEveryLengthKeepTheirNamesAndValues) {
  ParsedMessage m;
  for (std::size_t n = 0; n <= 48; ++n) {
    const std::string pad(n, 'p');
    const std::string text = kStart + "X-Pad" + pad + ": v" + pad + "\r\n" + "Subject:" + pad + " \r\n" +
                             "s :  " + pad + "x\r\n" + "Max-Forwards: 70\r\n\r\n";
    ASSERT_EQ(parse_message_into(text, m), std::nullopt) << n;
    ASSERT_EQ(m.headers().size(), 9u) << n;
    EXPECT_EQ(m.headers()[5].id, HeaderId::Other);
    EXPECT_EQ(m.headers()[5].name, "X-Pad" + pad);
    EXPECT_EQ(m.headers()[5].value, "v" + pad);
    EXPECT_EQ(m.headers()[6].id, HeaderId::Subject);
    EXPECT_EQ(m.headers()[6].value, pad);  // SWS and the trailing SP trimmed
    EXPECT_EQ(m.headers()[7].id, HeaderId::Subject);  // compact "s", whitespace before ':'
    EXPECT_EQ(m.headers()[7].name, "s");
    EXPECT_EQ(m.headers()[7].value, pad + "x");
    EXPECT_EQ(m.max_forwards(), 70u);
    EXPECT_EQ(m.header(HeaderId::CallId), "a84b4c76e66710");
  }
}

TEST(ParseBlockEdges, KnownNamesInAnyCaseAndLookalikesThatAreNot) {
  ParsedMessage m;
  const std::string text = kStart +
                           "mAx-FoRwArDs: 12\r\n"
                           "Max-Forward: 1\r\n"     // one byte short: not Max-Forwards
                           "Max-Forwardss: 2\r\n"   // one byte long
                           "Max_Forwards: 3\r\n"    // '_' is a token byte, but another name
                           "Via-X: 4\r\n"
                           "\r\n";
  ASSERT_EQ(parse_message_into(text, m), std::nullopt);
  ASSERT_EQ(m.headers().size(), 10u);
  EXPECT_EQ(m.headers()[5].id, HeaderId::MaxForwards);
  EXPECT_EQ(m.max_forwards(), 12u);
  for (std::size_t k = 6; k < 10; ++k) EXPECT_EQ(m.headers()[k].id, HeaderId::Other) << m.headers()[k].name;
  EXPECT_EQ(m.vias().size(), 1u);
}

TEST(ParseBlockEdges, BareLineFeedAtEveryOffsetOfAValue) {
  ParsedMessage m;
  const std::string value(40, 'q');
  const std::string head = kStart + "Subject: ";
  for (std::size_t k = 1; k < value.size(); ++k) {
    std::string v = value;
    v[k] = '\n';
    const auto e = parse_message_into(head + v + "\r\n\r\n", m);
    ASSERT_TRUE(e.has_value()) << k;
    EXPECT_EQ(e->reason, "bare LF in header section") << k;
    EXPECT_EQ(e->offset, head.size() + k) << k;
  }
}

TEST(ParseBlockEdges, BareCarriageReturnAtEveryOffsetOfAValue) {
  ParsedMessage m;
  const std::string value(40, 'q');
  const std::string head = kStart + "Subject: ";
  for (std::size_t k = 1; k < value.size(); ++k) {
    std::string v = value;
    v[k] = '\r';
    const auto e = parse_message_into(head + v + "\r\n\r\n", m);
    ASSERT_TRUE(e.has_value()) << k;
    EXPECT_EQ(e->reason, "bare CR in header value") << k;
    EXPECT_EQ(e->offset, kStart.size()) << k;  // the row's first byte
  }
}

TEST(ParseBlockEdges, BadNameBytesAtEveryOffset) {
  ParsedMessage m;
  // (A blank first byte would fold the row into the previous one; a blank
  // last byte is the whitespace HCOLON allows before ':'.)
  for (std::size_t k = 1; k < 20; ++k) {
    std::string name(20, 'n');
    name[k] = ' ';
    const auto e = parse_message_into(kStart + name + ": v\r\n\r\n", m);
    if (k == 19) {
      EXPECT_EQ(e, std::nullopt);
      EXPECT_EQ(m.headers().back().name, name.substr(0, 19));
      continue;
    }
    ASSERT_TRUE(e.has_value()) << k;
    EXPECT_EQ(e->reason, "expected ':' after header name") << k;
    EXPECT_EQ(e->offset, kStart.size() + k + 1) << k;  // the byte after the blank
  }
  // No ':' at all, a row with a bare CR in its name, a name of non-token bytes.
  auto e = parse_message_into(kStart + "Subject value\r\n\r\n", m);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->reason, "expected ':' after header name");
  EXPECT_EQ(e->offset, kStart.size() + 8);
  e = parse_message_into(kStart + "Max\rForwards: 1\r\n\r\n", m);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->reason, "expected ':' after header name");
  EXPECT_EQ(e->offset, kStart.size() + 3);
  e = parse_message_into(kStart + "[x]: 1\r\n\r\n", m);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->reason, "header name must be a token");
  EXPECT_EQ(e->offset, kStart.size());
}

}  // namespace
}  // namespace siplab::sip
