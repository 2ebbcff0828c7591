// A hash index from a transaction key (matching.h) to the transaction.
//
// Open addressing with linear probing and backward-shift deletion (no
// tombstones, so a long run of transactions never degrades lookups).  A
// slot is 16 bytes: the key's full hash and a pointer to the indexed item,
// whose `key` member holds the key; a lookup reads one slot and compares
// key bytes only on a full-hash match.  The node-based std::unordered_map
// it replaces read three or four scattered cache lines per lookup (bucket,
// the node before, the node, the key), which made lookups the biggest
// single cost of a node holding thousands of transactions waiting for
// Timer J or K.
//
// Items are not owned: an indexed item must stay at its address, with its
// key unchanged, until it is erased (the stack's transactions never move).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace siplab::sip {

// The default key hash.
struct StdKeyHash {
  uint64_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

template <typename T, typename Hash = StdKeyHash>
class KeyIndex {
 public:
  // The item indexed under `key`, or nullptr.
  T* find(std::string_view key) const {
    if (size_ == 0) return nullptr;
    const std::size_t i = locate(key, hash(key));
    return i == kAbsent ? nullptr : slots_[i].item;
  }
  // Indexes `item` under its key; false (and no change) when the key is
  // already taken.
  bool insert(T* item) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const std::string_view key = item->key;
    const uint64_t h = hash(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.item) {
        s = Slot{h, item};
        ++size_;
        return true;
      }
      if (s.hash == h && std::string_view(s.item->key) == key) return false;
    }
  }
  // Removes `item`'s key when it maps to `item` (another transaction may
  // have taken the key over); true when removed.
  bool erase(const T* item) {
    if (size_ == 0) return false;
    const std::string_view key = item->key;
    std::size_t i = locate(key, hash(key));
    if (i == kAbsent || slots_[i].item != item) return false;
    // Backward shift: pull later members of the probe run into the hole
    // unless that would move one before its home slot.
    for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      const Slot& next = slots_[j];
      if (!next.item) break;
      const std::size_t home = next.hash & mask_;
      // `next` may fill the hole at i when i lies cyclically in [home, j).
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        slots_[i] = next;
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
    T* item = nullptr;  // null: free
  };
  static constexpr std::size_t kAbsent = SIZE_MAX;

  static uint64_t hash(std::string_view key) { return Hash{}(key); }

  std::size_t locate(std::string_view key, uint64_t h) const {
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.item) return kAbsent;
      if (s.hash == h && std::string_view(s.item->key) == key) return i;
    }
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (!s.item) continue;
      std::size_t i = s.hash & mask_;
      while (slots_[i].item) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace siplab::sip
