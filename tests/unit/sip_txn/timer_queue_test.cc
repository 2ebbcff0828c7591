// The transaction timer queue: earliest deadline first, arming order among
// equal deadlines, O(log n) cancellation with recycled handles.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "models/sip/txn/timer_queue.h"

namespace siplab::sip::test {
namespace {

using std::chrono::milliseconds;

Instant at(int ms) { return Instant{milliseconds(ms)}; }

// "txn:timer" for every timer due at `now`, in firing order.
std::vector<std::string> pop_all(TimerQueue& q, Instant now) {
  std::vector<std::string> out;
  while (auto key = q.pop_due(now)) out.push_back(std::to_string(key->txn) + ":" + std::string(timer_name(key->timer)));
  return out;
}

TEST(TimerQueue, FiresByDeadlineThenByArmingOrder) {
  TimerQueue q;
  q.arm(at(500), 1, TimerName::E);
  q.arm(at(100), 2, TimerName::J);
  q.arm(at(500), 3, TimerName::F);
  q.arm(at(100), 4, TimerName::K);
  EXPECT_EQ(q.next(), at(100));
  EXPECT_EQ(pop_all(q, at(99)), std::vector<std::string>{});
  EXPECT_EQ(pop_all(q, at(100)), (std::vector<std::string>{"2:J", "4:K"}));
  EXPECT_EQ(q.next(), at(500));
  EXPECT_EQ(pop_all(q, at(1000)), (std::vector<std::string>{"1:E", "3:F"}));
  EXPECT_FALSE(q.next().has_value());
  EXPECT_EQ(q.size(), 0u);
}

TEST(TimerQueue, CancelRemovesOnlyThatTimerAndClearsTheSlot) {
  TimerQueue q;
  TimerRef a = q.arm(at(10), 1, TimerName::A);
  TimerRef b = q.arm(at(20), 2, TimerName::B);
  TimerRef c = q.arm(at(30), 3, TimerName::D);
  q.cancel(a);
  EXPECT_FALSE(a);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.next(), at(20));
  q.cancel(c);
  q.cancel(c);  // an empty slot is a no-op
  EXPECT_EQ(pop_all(q, at(100)), std::vector<std::string>{"2:B"});
  // b fired; cancelling its (now stale) key must not touch the timer that
  // reuses its handle.
  TimerRef d = q.arm(at(40), 4, TimerName::K);
  EXPECT_EQ(d.handle, b.handle);  // the freed handle is reused first
  q.cancel(b);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(pop_all(q, at(100)), std::vector<std::string>{"4:K"});
}

TEST(TimerQueue, ManyTimersWithInterleavedCancelsComeOutSorted) {
  TimerQueue q;
  std::vector<TimerRef> slots;
  // Deadlines 0..999 ms in a scrambled order; every third one cancelled.
  for (int i = 0; i < 1000; ++i) slots.push_back(q.arm(at((i * 617) % 1000), static_cast<TxnId>(i), TimerName::E));
  for (int i = 0; i < 1000; i += 3) q.cancel(slots[static_cast<size_t>(i)]);
  EXPECT_EQ(q.size(), 666u);
  Instant last{};
  size_t fired = 0;
  while (auto key = q.pop_due(at(1000))) {
    EXPECT_GE(key->at, last);
    EXPECT_NE(key->txn % 3, 0u);
    last = key->at;
    ++fired;
  }
  EXPECT_EQ(fired, 666u);
}

}  // namespace
}  // namespace siplab::sip::test
