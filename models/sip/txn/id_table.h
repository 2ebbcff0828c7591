// Objects by id, for ids handed out in increasing order whose objects end
// in about the order they began (the stack's transactions: each lingers a
// fixed Timer K or J after its last message).
//
// The table is a window of slots from the oldest live id on (PointerWindow),
// so a lookup is an index, not a hash; the objects live in slabs of 64,
// recycled through a free list, so creating one costs no allocation once warm and objects
// created one after another lie next to each other in memory (a node with
// thousands of transactions waiting for their timers touches them in
// order).  A long-lived object only keeps the window open: 8 bytes per id
// issued after it.  Objects never move while they live.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#include "models/sip/txn/pointer_window.h"

namespace siplab::sip {

template <typename T>
class IdTable {
 public:
  IdTable() = default;
  IdTable(const IdTable&) = delete;
  IdTable& operator=(const IdTable&) = delete;
  ~IdTable() {
    window_.for_each([](T& object) { object.~T(); });
  }

  // A default-initialized object for `id`, which must exceed every id
  // created before.  Default-, not value-initialized: T's own member
  // initializers run, but the slot is not zero-filled first (a slot is
  // usually cold memory, and T may be several cache lines of it).
  T& create(uint64_t id) {
    T* object = new (take_slot()) T;
    *window_.slot(id, std::numeric_limits<uint64_t>::max()) = object;
    ++size_;
    return *object;
  }

  T* find(uint64_t id) const { return window_.at(id); }

  // Destroys the object of `id` (if any).
  void erase(uint64_t id) {
    T* object = find(id);
    if (!object) return;
    object->~T();
    free_.push_back(object);
    window_.clear(id);
    --size_;
  }

  std::size_t size() const { return size_; }

  // Calls fn(object) for every live object, in id order.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    window_.for_each(fn);
  }

 private:
  static constexpr std::size_t kSlabObjects = 64;
  struct Slab {
    alignas(T) std::byte bytes[kSlabObjects][sizeof(T)];
  };

  void* take_slot() {
    if (!free_.empty()) {
      void* slot = free_.back();
      free_.pop_back();
      return slot;
    }
    if (used_in_slab_ == kSlabObjects || slabs_.empty()) {
      slabs_.push_back(std::make_unique_for_overwrite<Slab>());
      used_in_slab_ = 0;
    }
    return slabs_.back()->bytes[used_in_slab_++];
  }

  PointerWindow<T> window_;  // id → its object
  std::size_t size_ = 0;
  std::vector<std::unique_ptr<Slab>> slabs_;
  std::size_t used_in_slab_ = 0;
  std::vector<void*> free_;  // slots of destroyed objects, reused last-freed first
};

}  // namespace siplab::sip
