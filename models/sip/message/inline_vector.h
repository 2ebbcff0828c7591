// A vector that keeps its first N elements inside the object and moves to
// the heap only beyond that.  The parsed-message views use it so that a
// typical message (a handful of Via, Contact and Route values, a dozen
// header rows) is parsed without a single allocation.  Elements stay
// contiguous (data()/span) in both modes.  T must be trivially copyable
// and destructible (the views are): the inline slots are raw storage, so
// creating an empty vector costs nothing and a copy is a plain byte copy.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace siplab::sip {

template <typename T, std::size_t N>
class InlineVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  InlineVector() = default;
  // Copies and moves take only the live inline elements (the rest of the
  // slots is raw storage that was never written).
  InlineVector(const InlineVector& other) : heap_(other.heap_), size_(other.size_), spilled_(other.spilled_) {
    if (!spilled_) std::memcpy(inline_, other.inline_, size_ * sizeof(T));
  }
  InlineVector& operator=(const InlineVector& other) {
    if (this != &other) {
      heap_ = other.heap_;
      size_ = other.size_;
      spilled_ = other.spilled_;
      if (!spilled_) std::memcpy(inline_, other.inline_, size_ * sizeof(T));
    }
    return *this;
  }
  // A move leaves the source empty (its heap part went to the target, so
  // its size would otherwise describe storage it no longer has).
  InlineVector(InlineVector&& other) noexcept
      : heap_(std::move(other.heap_)), size_(other.size_), spilled_(other.spilled_) {
    if (!spilled_) std::memcpy(inline_, other.inline_, size_ * sizeof(T));
    other.heap_.clear();
    other.size_ = 0;
    other.spilled_ = false;
  }
  InlineVector& operator=(InlineVector&& other) noexcept {
    if (this != &other) {
      heap_ = std::move(other.heap_);
      size_ = other.size_;
      spilled_ = other.spilled_;
      if (!spilled_) std::memcpy(inline_, other.inline_, size_ * sizeof(T));
      other.heap_.clear();
      other.size_ = 0;
      other.spilled_ = false;
    }
    return *this;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return spilled_ ? heap_.data() : slots(); }
  T* data() { return spilled_ ? heap_.data() : slots(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  const T& operator[](std::size_t i) const { return data()[i]; }
  T& operator[](std::size_t i) { return data()[i]; }
  const T& front() const { return data()[0]; }
  T& back() { return data()[size_ - 1]; }
  std::span<const T> span() const { return {data(), size_}; }

  // Appends a default value and returns it, spilling to the heap once the
  // inline slots are full.
  T& emplace_back() {
    if (!spilled_ && size_ < N) return *::new (static_cast<void*>(slots() + size_++)) T{};
    return grow() = T{};
  }
  // Appends an element whose every byte the caller is about to write (a
  // parser filling a view field by field): the inline slot is handed over
  // as it is, unwritten, where emplace_back() would first clear it.  T is
  // trivially copyable, so the caller's field stores are what creates it;
  // a caller that may not finish must pop_back() the element.
  T& emplace_back_for_overwrite() {
    if (!spilled_ && size_ < N) return *std::launder(slots() + size_++);
    return grow();
  }
  // Appends T{args...} (aggregate initialization) built in the next slot.
  template <typename... Args>
  T& emplace_back(Args&&... args) requires(sizeof...(Args) > 0) {
    if (!spilled_ && size_ < N) return *::new (static_cast<void*>(slots() + size_++)) T{std::forward<Args>(args)...};
    return grow() = T{std::forward<Args>(args)...};
  }
  // Appends a copy of v straight into the next slot, without first
  // building a default value there.
  void push_back(const T& v) {
    if (!spilled_ && size_ < N) {
      ::new (static_cast<void*>(slots() + size_++)) T(v);
      return;
    }
    grow() = v;
  }
  void pop_back() {
    --size_;
    if (spilled_) heap_.pop_back();
  }
  void clear() {
    size_ = 0;
    if (spilled_) {
      heap_.clear();
      spilled_ = false;
    }
  }

 private:
  // The slow path of an append: moves the inline elements to the heap on
  // the first overflow and returns the new last element.  Out of line, so
  // that the appends inline to a compare and a store.
  [[gnu::noinline]] T& grow() {
    if (!spilled_) {
      heap_.assign(slots(), slots() + size_);
      spilled_ = true;
    }
    ++size_;
    return heap_.emplace_back();
  }
  T* slots() { return std::launder(reinterpret_cast<T*>(inline_)); }
  const T* slots() const { return std::launder(reinterpret_cast<const T*>(inline_)); }

  alignas(T) unsigned char inline_[N * sizeof(T)];
  std::vector<T> heap_;
  std::size_t size_ = 0;
  bool spilled_ = false;  // elements live in heap_ (from the first overflow until clear())
};

}  // namespace siplab::sip
