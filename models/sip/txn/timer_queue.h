// Transaction timers as deadlines (DESIGN.md: timers are deadlines inside the
// core, not scheduler events).  Ordered by instant, then by arming order so
// timers due at the same instant fire in the order they were set.
//
// An indexed binary heap: every armed timer owns a handle whose position in
// the heap is tracked, so cancel() removes it in O(log n) without searching,
// and handles are recycled, so a steady stream of transactions arms and
// cancels timers without allocating (a node-based std::set cost one
// allocation per timer).
#pragma once

#include <cstdint>
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
  explicit operator bool() const { return seq != 0; }
  bool refers_to(const TimerKey& key) const { return seq != 0 && seq == key.seq; }
};

class TimerQueue {
 public:
  TimerRef arm(Instant at, TxnId txn, TimerName timer) {
    uint32_t handle;
    if (free_.empty()) {
      handle = static_cast<uint32_t>(position_.size());
      position_.push_back(kNotQueued);
    } else {
      handle = free_.back();
      free_.pop_back();
    }
    TimerKey key{at, next_seq_++, txn, timer, handle};
    heap_.push_back(key);
    position_[handle] = heap_.size() - 1;
    sift_up(heap_.size() - 1);
    return TimerRef{key.seq, handle};
  }
  // Cancels the timer `slot` refers to (if any) and clears the slot.
  void cancel(TimerRef& slot) {
    if (slot) remove(slot);
    slot = TimerRef{};
  }
  std::optional<Instant> next() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.front().at;
  }
  // Removes and returns the earliest timer due at or before `now`.
  std::optional<TimerKey> pop_due(Instant now) {
    if (heap_.empty() || heap_.front().at > now) return std::nullopt;
    const TimerKey key = heap_.front();
    remove_at(0);
    return key;
  }
  std::size_t size() const { return heap_.size(); }

 private:
  static constexpr std::size_t kNotQueued = SIZE_MAX;

  // A stale reference — its timer fired or was cancelled, the handle maybe
  // reused by another (other seq) — is ignored.
  void remove(const TimerRef& ref) {
    if (ref.handle >= position_.size()) return;
    const std::size_t at = position_[ref.handle];
    if (at == kNotQueued || heap_[at].seq != ref.seq) return;
    remove_at(at);
  }
  void remove_at(std::size_t at) {
    const uint32_t handle = heap_[at].handle;
    position_[handle] = kNotQueued;
    free_.push_back(handle);
    const std::size_t last = heap_.size() - 1;
    if (at != last) {
      heap_[at] = heap_[last];
      position_[heap_[at].handle] = at;
      heap_.pop_back();
      // The moved entry may belong above or below its new place.
      if (at > 0 && heap_[at] < heap_[(at - 1) / 2]) {
        sift_up(at);
      } else {
        sift_down(at);
      }
    } else {
      heap_.pop_back();
    }
  }
  void sift_up(std::size_t i) {
    const TimerKey moving = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!(moving < heap_[parent])) break;
      place(i, heap_[parent]);
      i = parent;
    }
    place(i, moving);
  }
  void sift_down(std::size_t i) {
    const TimerKey moving = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1] < heap_[child]) ++child;
      if (!(heap_[child] < moving)) break;
      place(i, heap_[child]);
      i = child;
    }
    place(i, moving);
  }
  void place(std::size_t i, const TimerKey& key) {
    heap_[i] = key;
    position_[key.handle] = i;
  }

  std::vector<TimerKey> heap_;
  std::vector<std::size_t> position_;  // handle → index in heap_, kNotQueued when free
  std::vector<uint32_t> free_;         // recycled handles
  uint64_t next_seq_ = 1;  // 0 is TimerRef's "no timer"
};

}  // namespace siplab::sip
