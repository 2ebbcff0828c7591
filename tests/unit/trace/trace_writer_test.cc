#include <gtest/gtest.h>

#include <sstream>

#include "sim/trace/trace_writer.h"

namespace siplab::trace {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(FormatSeconds, TrimsTrailingZerosAndKeepsNanoseconds) {
  EXPECT_EQ(format_seconds(Instant{0}), "0");
  EXPECT_EQ(format_seconds(milliseconds(5015)), "5.015");
  EXPECT_EQ(format_seconds(nanoseconds(1)), "0.000000001");
  EXPECT_EQ(format_seconds(std::chrono::seconds(32)), "32");
  EXPECT_EQ(format_seconds(nanoseconds(1'500'000'000)), "1.5");
}

TEST(TraceWriter, WritesFixedKeysFirstThenFieldsInOrder) {
  std::ostringstream out;
  TraceWriter writer(out);
  writer.event(milliseconds(5015), "peter-pc", "sip.send")
      .field("transport", "UDP")
      .field("src", "198.51.100.10:5060")
      .field("bytes", 512)
      .field("retransmit", false);
  writer.event(milliseconds(5030), "proxy", "sip.recv").field("msg", "INVITE \"x\"\r\n");
  EXPECT_EQ(out.str(),
            "{\"t\":5.015,\"node\":\"peter-pc\",\"kind\":\"sip.send\",\"transport\":\"UDP\","
            "\"src\":\"198.51.100.10:5060\",\"bytes\":512,\"retransmit\":false}\n"
            "{\"t\":5.03,\"node\":\"proxy\",\"kind\":\"sip.recv\",\"msg\":\"INVITE \\\"x\\\"\\r\\n\"}\n");
  EXPECT_EQ(writer.events_written(), 2u);
}

TEST(TraceWriter, EventWithoutFieldsIsStillValidJson) {
  std::ostringstream out;
  TraceWriter writer(out);
  writer.event(Instant{0}, "dns", "node.info");
  EXPECT_EQ(out.str(), "{\"t\":0,\"node\":\"dns\",\"kind\":\"node.info\"}\n");
  EXPECT_EQ(nlohmann::json::parse(out.str())["kind"], "node.info");
}

TEST(TraceWriter, RejectsEventsOutOfTimeOrder) {
  std::ostringstream out;
  TraceWriter writer(out);
  writer.event(milliseconds(10), "a", "x");
  EXPECT_THROW(writer.event(milliseconds(9), "a", "y"), std::logic_error);
}

TEST(TraceWriter, InvalidUtf8InMessagesIsReplacedNotThrown) {
  std::ostringstream out;
  TraceWriter writer(out);
  writer.event(Instant{0}, "a", "sip.recv").field("msg", std::string("bad \xff byte"));
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["msg"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace siplab::trace
