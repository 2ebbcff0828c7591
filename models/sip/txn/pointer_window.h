// Pointers by number, for numbers handed out in increasing order whose
// objects end in about the order they began (transaction ids, the stack's
// branch sequence numbers): a window of slots from the oldest live number
// on, so a lookup is an index, not a hash, and neighbouring numbers share a
// cache line.  The window is a deque: it grows at the back and closes at
// the front without ever copying its slots.  A long-lived entry only keeps
// the window open: 8 bytes per number after it.  Used by IdTable and
// SequenceIndex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace siplab::sip {

template <typename T>
class PointerWindow {
 public:
  // The pointer in `n`'s slot; nullptr when the slot is empty or outside the window.
  T* at(uint64_t n) const {
    if (n < base_ || n - base_ >= slots_.size()) return nullptr;
    return slots_[n - base_];
  }
  // `n`'s slot, the window grown (at either end) to hold it; nullptr when
  // `n` lies too far outside: more than `max_gap` numbers before the
  // window's start, or `max_gap` or more past its end.
  T** slot(uint64_t n, uint64_t max_gap) {
    if (slots_.empty()) base_ = n;
    if (n < base_) {
      if (base_ - n > max_gap) return nullptr;
      slots_.insert(slots_.begin(), base_ - n, nullptr);
      base_ = n;
    }
    const uint64_t offset = n - base_;
    if (offset == slots_.size()) {  // the usual case: the next number
      slots_.push_back(nullptr);
      return &slots_.back();
    }
    if (offset > slots_.size()) {
      if (offset - slots_.size() >= max_gap) return nullptr;
      slots_.resize(offset + 1, nullptr);
    }
    return &slots_[offset];
  }
  // Empties `n`'s slot (which must be in the window) and closes the window
  // up to the oldest slot still in use.
  void clear(uint64_t n) {
    slots_[n - base_] = nullptr;
    while (!slots_.empty() && !slots_.front()) {
      slots_.pop_front();
      ++base_;
    }
  }
  // Slots from the oldest live number on, empty ones included.
  std::size_t span() const { return slots_.size(); }

  // Calls fn(object) for every pointer in the window, in number order.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (T* object : slots_)
      if (object) fn(*object);
  }

 private:
  std::deque<T*> slots_;  // slots_[i]: the pointer of number base_ + i, or null
  uint64_t base_ = 0;
};

}  // namespace siplab::sip
