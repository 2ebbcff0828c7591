// Transaction timers as deadlines (DESIGN.md: timers are deadlines inside the
// core, not scheduler events).  Ordered by instant, then by arming order so
// timers due at the same instant fire in the order they were set.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <tuple>

#include "models/common/time.h"
#include "models/sip/txn/txn_types.h"

namespace siplab::sip {

struct TimerKey {
  Instant at{};
  uint64_t seq = 0;
  TxnId txn = kNoTxn;
  TimerName timer = TimerName::A;

  friend bool operator<(const TimerKey& a, const TimerKey& b) {
    return std::tie(a.at, a.seq) < std::tie(b.at, b.seq);
  }
};

class TimerQueue {
 public:
  TimerKey arm(Instant at, TxnId txn, TimerName timer) {
    TimerKey key{at, next_seq_++, txn, timer};
    set_.insert(key);
    return key;
  }
  // Cancels the timer held in `slot` (if any) and clears the slot.
  void cancel(std::optional<TimerKey>& slot) {
    if (slot) set_.erase(*slot);
    slot.reset();
  }
  std::optional<Instant> next() const {
    if (set_.empty()) return std::nullopt;
    return set_.begin()->at;
  }
  // Removes and returns the earliest timer due at or before `now`.
  std::optional<TimerKey> pop_due(Instant now) {
    if (set_.empty() || set_.begin()->at > now) return std::nullopt;
    TimerKey key = *set_.begin();
    set_.erase(set_.begin());
    return key;
  }
  std::size_t size() const { return set_.size(); }

 private:
  std::set<TimerKey> set_;
  uint64_t next_seq_ = 0;
};

}  // namespace siplab::sip
