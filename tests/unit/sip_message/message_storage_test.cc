// A Message's rows view text the Message owns (TextArena): the views must
// survive edits of other rows, moves of the Message, and a copy must own
// its own text.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "models/sip/message/message.h"
#include "models/sip/message/text_arena.h"

namespace siplab::sip {
namespace {

TEST(TextArena, StoredViewsNeverMoveWhenChunksAreAdded) {
  TextArena arena;
  const std::string_view first = arena.store("first");
  const std::string big(1000, 'x');  // larger than a chunk: a new chunk is chained on
  const std::string_view second = arena.store(big);
  const std::string_view third = arena.store({first, "+", "third"});  // a part viewing the arena itself
  EXPECT_EQ(first, "first");
  EXPECT_EQ(second, big);
  EXPECT_EQ(third, "first+third");
  EXPECT_TRUE(arena.store("").empty());
}

TEST(TextArena, MoveTakesTheChunksAndLeavesAnEmptyArena) {
  TextArena a;
  const std::string_view v = a.store("kept");
  TextArena b = std::move(a);
  EXPECT_EQ(v, "kept");  // same bytes, now owned by b
  const std::string_view w = a.store("fresh");  // the moved-from arena starts over
  EXPECT_EQ(w, "fresh");
  EXPECT_EQ(v, "kept");
}

TEST(MessageStorage, RowViewsSurviveEditsOfOtherRowsAndMoves) {
  Message m = Message::request("OPTIONS", *parse_uri("sip:bob@example.com"));
  m.add_header("Call-ID", "a@b");
  m.add_header("CSeq", "1 OPTIONS");
  const std::string_view call_id = *m.header(HeaderId::CallId);
  for (int i = 0; i < 50; ++i) m.add_header("X-Filler", std::string(40, 'f'));
  m.set_header(HeaderId::CSeq, "2 OPTIONS");
  m.set_to_tag("t1");  // no To row: nothing changes
  Message moved = std::move(m);
  EXPECT_EQ(call_id, "a@b");
  EXPECT_EQ(call_id.data(), moved.header(HeaderId::CallId)->data());
  EXPECT_EQ(*moved.header(HeaderId::CSeq), "2 OPTIONS");
}

TEST(MessageStorage, CopyOwnsItsTextAndEqualsTheOriginal) {
  Message m = Message::response(200, "OK");
  m.add_header("To", "<sip:bob@example.com>");
  m.set_to_tag("abc");
  m.set_to_tag("def");  // replaces: the old row text stays behind in m only
  Message copy = m;
  EXPECT_EQ(copy, m);
  EXPECT_EQ(*copy.header(HeaderId::To), "<sip:bob@example.com>;tag=def");
  EXPECT_NE(copy.header(HeaderId::To)->data(), m.header(HeaderId::To)->data());
  Message assigned;
  assigned = copy;
  copy.set_header(HeaderId::To, "<sip:carol@example.com>");
  EXPECT_EQ(*assigned.header(HeaderId::To), "<sip:bob@example.com>;tag=def");
  EXPECT_NE(copy, m);
}

TEST(MessageStorage, RowEditsByPosition) {
  Message m = Message::request("OPTIONS", *parse_uri("sip:bob@example.com"));
  m.add_header("CSeq", "1 OPTIONS");
  m.insert_header(0, HeaderId::Via, "Via", "SIP/2.0/UDP h;branch=z9hG4bK1");
  m.set_header_joined(0, {m.headers()[0].value, ";rport"});
  m.add_header_joined(HeaderId::Other, "X-A", {"1", ",", "2"});
  ASSERT_EQ(m.headers().size(), 3u);
  EXPECT_EQ(m.headers()[0], Header("Via", "SIP/2.0/UDP h;branch=z9hG4bK1;rport"));
  EXPECT_EQ(m.headers()[2], Header("X-A", "1,2"));
  m.erase_header(1);
  EXPECT_FALSE(m.header(HeaderId::CSeq));
  m.set_header_value(1, "3");
  EXPECT_EQ(*m.header("x-a"), "3");
}

}  // namespace
}  // namespace siplab::sip
