// Transaction timers as deadlines (DESIGN.md: timers are deadlines inside the
// core, not scheduler events).  Ordered by instant, then by arming order so
// timers due at the same instant fire in the order they were set.
//
// Every transaction timer is armed as now + one of a handful of durations
// (T1·2^k up to T2, 64·T1, T4, the 100 Trying delay; RFC 3261 §17).  Timers
// armed with the same duration therefore come due in the order they were
// armed, so each duration gets a FIFO lane and the earliest timer is at the
// head of one of the few lanes: arming is an append and firing a pop, with
// no heap of tens of thousands of timers to sift.  Cancelling only marks the
// timer dead (its handle's live seq is cleared); dead timers leave their
// lane when they reach its head, and every lane's head is kept alive.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "models/common/time.h"
#include "models/sip/txn/txn_types.h"

namespace siplab::sip {

struct TimerKey {
  Instant at{};
  uint64_t seq = 0;
  TxnId txn = kNoTxn;
  TimerName timer = TimerName::A;
  uint32_t handle = 0;  // the queue's slot for this timer while it is armed

  friend bool operator<(const TimerKey& a, const TimerKey& b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  }
};

// What a transaction keeps of an armed timer: enough to cancel it and to
// recognise it when it fires (16 bytes instead of the key's 32; a node
// holds thousands of transactions with four timer slots each).
struct TimerRef {
  uint64_t seq = 0;  // the key's seq; 0: no timer
  uint32_t handle = 0;
  uint32_t lane = 0;  // which FIFO lane holds it
  explicit operator bool() const { return seq != 0; }
  bool refers_to(const TimerKey& key) const { return seq != 0 && seq == key.seq; }
};

class TimerQueue {
 public:
  // A timer due at now + wait.  `now` must not go backwards between calls
  // for the lanes to stay appends (a timer armed out of order is still
  // placed correctly, by an insertion from the lane's tail).
  TimerRef arm(Instant now, Duration wait, TxnId txn, TimerName timer) {
    uint32_t handle;
    if (free_.empty()) {
      handle = static_cast<uint32_t>(live_seq_.size());
      live_seq_.push_back(0);
    } else {
      handle = free_.back();
      free_.pop_back();
    }
    const TimerKey key{now + wait, next_seq_++, txn, timer, handle};
    live_seq_[handle] = key.seq;
    ++live_;
    const uint32_t lane = lane_for(wait);
    lanes_[lane].push(key);
    // Keep a valid cache valid: the new timer is the earliest or it is not.
    if (earliest_valid_ && (earliest_lane_ == kNoLane || key < lanes_[earliest_lane_].front())) earliest_lane_ = lane;
    return TimerRef{key.seq, handle, lane};
  }
  // Cancels the timer `slot` refers to (if any) and clears the slot.
  void cancel(TimerRef& slot) {
    if (slot && slot.handle < live_seq_.size() && live_seq_[slot.handle] == slot.seq) {
      release(slot.handle);
      Lane& lane = lanes_[slot.lane];
      if (!lane.empty() && lane.front().seq == slot.seq) {
        lane.pop();
        drop_dead_heads(lane);
        earliest_valid_ = false;
      }
    }
    slot = TimerRef{};
  }
  std::optional<Instant> next() const {
    const Lane* lane = earliest();
    if (!lane) return std::nullopt;
    return lane->front().at;
  }
  // Removes and returns the earliest timer due at or before `now`.
  std::optional<TimerKey> pop_due(Instant now) {
    const Lane* found = earliest();
    if (!found || found->front().at > now) return std::nullopt;
    Lane& lane = lanes_[earliest_lane_];
    const TimerKey key = lane.front();
    lane.pop();
    release(key.handle);
    drop_dead_heads(lane);
    earliest_valid_ = false;
    return key;
  }
  std::size_t size() const { return live_; }  // armed timers

 private:
  // Timers in due order (append at the back, pop at the front).  A deque,
  // not a ring that doubles: a lane of Timer J or K holds every
  // transaction of the last 32 s or 5 s, and a ring grown by copying (into
  // zeroed memory) cost more cache misses per transaction than the appends
  // themselves.  A deque's blocks are filled in place and freed once popped.
  class Lane {
   public:
    explicit Lane(Duration wait) : wait_(wait) {}
    Duration wait() const { return wait_; }
    bool empty() const { return keys_.empty(); }
    const TimerKey& front() const { return keys_.front(); }
    void pop() { keys_.pop_front(); }
    void push(const TimerKey& key) {
      keys_.push_back(key);
      // Out of order only when `now` went backwards: shift later ones up.
      std::size_t i = keys_.size() - 1;
      while (i > 0 && key < keys_[i - 1]) {
        keys_[i] = keys_[i - 1];
        --i;
      }
      keys_[i] = key;
    }

   private:
    Duration wait_;
    std::deque<TimerKey> keys_;
  };

  uint32_t lane_for(Duration wait) {
    for (uint32_t i = 0; i < lanes_.size(); ++i) {
      if (lanes_[i].wait() == wait) return i;
    }
    lanes_.emplace_back(wait);
    return static_cast<uint32_t>(lanes_.size() - 1);
  }
  void release(uint32_t handle) {
    live_seq_[handle] = 0;
    free_.push_back(handle);
    --live_;
  }
  bool alive(const TimerKey& key) const { return live_seq_[key.handle] == key.seq; }
  void drop_dead_heads(Lane& lane) {
    while (!lane.empty() && !alive(lane.front())) lane.pop();
  }
  // The lane whose head is the earliest timer (nullptr: none armed); the
  // answer is cached until a head changes.
  const Lane* earliest() const {
    if (!earliest_valid_) {
      earliest_lane_ = kNoLane;
      for (uint32_t i = 0; i < lanes_.size(); ++i) {
        if (lanes_[i].empty()) continue;
        if (earliest_lane_ == kNoLane || lanes_[i].front() < lanes_[earliest_lane_].front()) earliest_lane_ = i;
      }
      earliest_valid_ = true;
    }
    return earliest_lane_ == kNoLane ? nullptr : &lanes_[earliest_lane_];
  }

  static constexpr uint32_t kNoLane = UINT32_MAX;
  std::vector<Lane> lanes_;
  std::vector<uint64_t> live_seq_;  // handle → seq of the live timer in it, 0 when free
  std::vector<uint32_t> free_;      // recycled handles
  std::size_t live_ = 0;
  uint64_t next_seq_ = 1;  // 0 is TimerRef's "no timer"
  mutable uint32_t earliest_lane_ = kNoLane;
  mutable bool earliest_valid_ = false;
};

}  // namespace siplab::sip
