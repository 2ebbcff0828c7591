#include "models/sip/txn/resend_memory.h"

#include <gtest/gtest.h>

namespace siplab::sip {
namespace {

using namespace std::chrono_literals;

constexpr Instant at(std::chrono::milliseconds ms) { return Instant{ms}; }

TEST(ResendMemory, TheSameBytesAgainAreAResend) {
  ResendMemory m(32s);
  EXPECT_FALSE(m.note(at(0ms), "SIP/2.0 200 OK\r\nTo: <sip:b@x>;tag=1\r\n\r\n"));
  EXPECT_TRUE(m.note(at(500ms), "SIP/2.0 200 OK\r\nTo: <sip:b@x>;tag=1\r\n\r\n"));
  // Another fork's 2xx differs in its To tag: a message of its own.
  EXPECT_FALSE(m.note(at(600ms), "SIP/2.0 200 OK\r\nTo: <sip:b@x>;tag=2\r\n\r\n"));
  EXPECT_EQ(m.size(), 2u);
}

TEST(ResendMemory, ForgetsAWindowAfterTheLastSend) {
  ResendMemory m(4s);
  EXPECT_FALSE(m.note(at(0ms), "a"));
  EXPECT_TRUE(m.note(at(3s), "a"));  // renews: remembered until 7 s
  EXPECT_FALSE(m.note(at(6s), "b"));
  EXPECT_TRUE(m.note(at(7s), "a"));   // exactly the window after 3 s: still known
  EXPECT_FALSE(m.note(at(11001ms), "a"));  // more than 4 s after 7 s: forgotten
  EXPECT_EQ(m.size(), 1u);            // "b" (6 s) went at 11.001 s too
}

TEST(ResendMemory, SendsInOneInstantAreSafeToForget) {
  ResendMemory m(1s);
  EXPECT_FALSE(m.note(at(0ms), "a"));
  EXPECT_TRUE(m.note(at(0ms), "a"));
  EXPECT_TRUE(m.note(at(0ms), "a"));
  EXPECT_FALSE(m.note(at(5s), "c"));  // forgets "a" and its single record
  EXPECT_EQ(m.size(), 1u);
  EXPECT_FALSE(m.note(at(5s), "a"));
}

}  // namespace
}  // namespace siplab::sip
