// A hash index from a transaction key (matching.h) to the transaction.
//
// Open addressing with linear probing and backward-shift deletion (no
// tombstones, so a long run of transactions never degrades lookups).  A
// slot holds the key's full hash, a view of the key and the value, so a
// lookup reads one slot and compares key bytes only on a full-hash match.
// The node-based std::unordered_map it replaces read three or four
// scattered cache lines per lookup (bucket, the node before, the node, the
// key), which made lookups the biggest single cost of a node holding
// thousands of transactions waiting for Timer J or K.
//
// The index does not own its keys: each key must stay valid, at the same
// address, until it is erased (the stack's keys live in its transactions,
// which never move).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace siplab::sip {

template <typename V>
class KeyIndex {
 public:
  // The value stored under `key`, or nullptr.
  V* find(std::string_view key) {
    if (size_ == 0) return nullptr;
    const uint64_t h = hash(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.hash == h && s.key == key) return &s.value;
    }
  }
  // Adds `key` → `value`; an existing key keeps its value (false).
  bool insert(std::string_view key, V value) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const uint64_t h = hash(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = Slot{h, key, std::move(value), true};
        ++size_;
        return true;
      }
      if (s.hash == h && s.key == key) return false;
    }
  }
  // Removes `key` when it maps to `expected` (another transaction may have
  // taken the key over); true when removed.
  bool erase(std::string_view key, const V& expected) {
    if (size_ == 0) return false;
    const uint64_t h = hash(key);
    std::size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return false;
      if (s.hash == h && s.key == key) break;
    }
    if (!(slots_[i].value == expected)) return false;
    // Backward shift: pull later members of the probe run into the hole
    // unless that would move one before its home slot.
    for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      Slot& next = slots_[j];
      if (!next.used) break;
      const std::size_t home = next.hash & mask_;
      // `next` may fill the hole at i when i lies cyclically in [home, j).
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        slots_[i] = std::move(next);
        i = j;
      }
    }
    slots_[i] = Slot{};
    --size_;
    return true;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string_view key;
    V value{};
    bool used = false;
  };

  static uint64_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (Slot& s : old) {
      if (!s.used) continue;
      std::size_t i = s.hash & mask_;
      while (slots_[i].used) i = (i + 1) & mask_;
      slots_[i] = std::move(s);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace siplab::sip
