// The client transaction index: key (matching.h, "<branch>\n<METHOD>") to
// transaction.
//
// Every branch the stack makes ends in its sequence number (make_branch),
// numbers are issued in increasing order, and client transactions end in
// about the order they began (each lingers a fixed Timer K or D).  So the
// index is a window of pointers by sequence number from the oldest indexed
// one on (PointerWindow, as IdTable is by id): an insert appends, a lookup is an index and
// one key comparison, an erase clears a slot.  Eight transactions share a
// cache line and nothing is ever rehashed.  The hash index it replaces
// (with a hash by sequence number) took a cache line of its own per
// transaction and was rehashed as tens of thousands of transactions waiting
// for Timer K accumulated: the most cache misses of any structure of the
// stack.
//
// A CANCEL shares its INVITE's branch (§9.1), so a key whose slot another
// key holds goes to a hash index beside the window; so does a key without
// a sequence number or with one far outside the window (branches not made
// by this stack: the index takes any key).  A long-lived transaction only
// keeps the window open: 8 bytes per number issued after it.
//
// Items are not owned: an indexed item must stay at its address, with its
// key unchanged, until it is erased (the stack's transactions never move).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "models/sip/transport/branch.h"
#include "models/sip/txn/key_index.h"
#include "models/sip/txn/pointer_window.h"

namespace siplab::sip {

template <typename T>
class SequenceIndex {
 public:
  // The item indexed under `key`, or nullptr.
  T* find(std::string_view key) const {
    if (const auto sequence = sequence_of(key)) {
      T* item = window_.at(*sequence);
      if (item && std::string_view(item->key) == key) return item;
    }
    return others_.find(key);
  }
  // Indexes `item` under its key; false (and no change) when the key is
  // already taken.
  bool insert(T* item) {
    const std::string_view key = item->key;
    const auto sequence = sequence_of(key);
    T** slot = sequence ? window_.slot(*sequence, kMaxGap) : nullptr;
    if (!slot || *slot) {
      if (slot && std::string_view((*slot)->key) == key) return false;
      return others_.insert(item);
    }
    if (!others_.empty() && others_.find(key)) return false;  // taken while its slot was
    *slot = item;
    ++in_window_;
    return true;
  }
  // Removes `item`'s key when it maps to `item`; true when removed.
  bool erase(const T* item) {
    if (const auto sequence = sequence_of(item->key); sequence && window_.at(*sequence) == item) {
      window_.clear(*sequence);
      --in_window_;
      return true;
    }
    return others_.erase(item);
  }
  std::size_t size() const { return in_window_ + others_.size(); }
  bool empty() const { return size() == 0; }
  // Slots from the oldest indexed number on (for tests: the window closes
  // behind the transactions that end).
  std::size_t window_size() const { return window_.span(); }

 private:
  // How far past the window's end a new number may lie and still open
  // slots up to it (numbers the stack skipped went to stateless requests).
  static constexpr uint64_t kMaxGap = 1 << 16;

  static std::optional<uint64_t> sequence_of(std::string_view key) {
    const std::size_t newline = key.find('\n');
    if (newline == std::string_view::npos) return std::nullopt;
    return branch_sequence(key.substr(0, newline));
  }
  PointerWindow<T> window_;  // sequence number → item
  std::size_t in_window_ = 0;
  KeyIndex<T> others_;
};

}  // namespace siplab::sip
