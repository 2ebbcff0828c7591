// The transaction timer queue: earliest deadline first, arming order among
// equal deadlines (also across durations), cancellation with recycled handles.
#include <gtest/gtest.h>

#include <chrono>
#include <algorithm>
#include <optional>
#include <set>
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
  q.arm(at(0), milliseconds(500), 1, TimerName::E);
  q.arm(at(0), milliseconds(100), 2, TimerName::J);
  q.arm(at(0), milliseconds(500), 3, TimerName::F);
  q.arm(at(0), milliseconds(100), 4, TimerName::K);
  // Equal deadlines from different durations: arming order still decides.
  q.arm(at(0), milliseconds(300), 5, TimerName::D);
  q.arm(at(200), milliseconds(100), 6, TimerName::G);
  EXPECT_EQ(q.size(), 6u);
  EXPECT_EQ(q.next(), at(100));
  EXPECT_EQ(pop_all(q, at(99)), std::vector<std::string>{});
  EXPECT_EQ(pop_all(q, at(100)), (std::vector<std::string>{"2:J", "4:K"}));
  EXPECT_EQ(q.next(), at(300));
  EXPECT_EQ(pop_all(q, at(300)), (std::vector<std::string>{"5:D", "6:G"}));
  EXPECT_EQ(q.next(), at(500));
  EXPECT_EQ(pop_all(q, at(1000)), (std::vector<std::string>{"1:E", "3:F"}));
  EXPECT_FALSE(q.next().has_value());
  EXPECT_EQ(q.size(), 0u);
}

TEST(TimerQueue, CancelRemovesOnlyThatTimerAndClearsTheSlot) {
  TimerQueue q;
  TimerRef a = q.arm(at(0), milliseconds(10), 1, TimerName::A);
  TimerRef b = q.arm(at(0), milliseconds(20), 2, TimerName::B);
  TimerRef c = q.arm(at(0), milliseconds(30), 3, TimerName::D);
  q.cancel(a);
  EXPECT_FALSE(a);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.next(), at(20));
  q.cancel(c);
  q.cancel(c);  // an empty slot is a no-op
  EXPECT_EQ(pop_all(q, at(100)), std::vector<std::string>{"2:B"});
  // b fired; cancelling its (now stale) key must not touch the timer that
  // reuses its handle.
  TimerRef d = q.arm(at(100), milliseconds(40), 4, TimerName::K);
  EXPECT_EQ(d.handle, b.handle);  // the freed handle is reused first
  q.cancel(b);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.next(), at(140));
  EXPECT_EQ(pop_all(q, at(200)), std::vector<std::string>{"4:K"});
}

// A cancelled timer in the middle of its lane stays there dead: it must
// neither fire nor hide the live timers behind it, and a cancelled head
// must not leave next() pointing at it.
TEST(TimerQueue, DeadTimersInsideALaneNeverFire) {
  TimerQueue q;
  TimerRef t1 = q.arm(at(0), milliseconds(100), 1, TimerName::E);
  TimerRef t2 = q.arm(at(10), milliseconds(100), 2, TimerName::E);
  TimerRef t3 = q.arm(at(20), milliseconds(100), 3, TimerName::E);
  q.arm(at(30), milliseconds(100), 4, TimerName::E);
  q.cancel(t2);
  q.cancel(t3);
  EXPECT_EQ(q.next(), at(100));
  q.cancel(t1);  // the head: the dead ones behind it go too
  EXPECT_EQ(q.next(), at(130));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(pop_all(q, at(1000)), std::vector<std::string>{"4:E"});
}

// The lanes against a plain ordered set, over a long random run of the
// durations RFC 3261 timers use: arms, cancels (of live, fired and already
// cancelled timers) and pops at a clock that mostly moves forward and
// sometimes steps back (out-of-order arming must still be placed right).
TEST(TimerQueue, MatchesAnOrderedSetOverARandomRun) {
  const int waits_ms[] = {200, 500, 1000, 2000, 4000, 5000, 32000};
  uint64_t state = 12345;
  auto rnd = [&state](uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  };
  TimerQueue q;
  std::set<std::pair<Instant, TxnId>> reference;  // (due, arming order) → txn == arming order here
  std::vector<std::pair<TimerRef, Instant>> refs;  // every timer ever armed, with its deadline
  int now_ms = 0;
  TxnId next_txn = 1;
  size_t fired = 0;
  for (int step = 0; step < 20000; ++step) {
    const uint64_t op = rnd(10);
    if (op < 5) {
      const int back = rnd(50) == 0 ? static_cast<int>(rnd(300)) : 0;  // rarely, an earlier now
      const Instant now = at(std::max(0, now_ms - back));
      const auto wait = milliseconds(waits_ms[rnd(7)]);
      refs.emplace_back(q.arm(now, wait, next_txn, TimerName::E), now + wait);
      reference.emplace(now + wait, next_txn);
      ++next_txn;
    } else if (op < 7 && !refs.empty()) {
      const size_t i = rnd(refs.size());
      auto& [ref, due] = refs[i];
      reference.erase({due, static_cast<TxnId>(i + 1)});  // a no-op when it fired or was cancelled
      q.cancel(ref);
    } else {
      now_ms += static_cast<int>(rnd(400));
      while (auto key = q.pop_due(at(now_ms))) {
        ASSERT_FALSE(reference.empty());
        EXPECT_EQ(key->at, reference.begin()->first);
        EXPECT_EQ(key->txn, reference.begin()->second);
        EXPECT_LE(key->at, at(now_ms));
        reference.erase(reference.begin());
        ++fired;
      }
      if (!reference.empty()) {
        EXPECT_GT(reference.begin()->first, at(now_ms));
      }
    }
    ASSERT_EQ(q.size(), reference.size());
    ASSERT_EQ(q.next(), reference.empty() ? std::nullopt : std::optional<Instant>(reference.begin()->first));
  }
  EXPECT_GT(fired, 1000u);
}

}  // namespace
}  // namespace siplab::sip::test
