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
#include <vector>

namespace siplab::sip {

template <typename T, std::size_t N>
class InlineVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  InlineVector() = default;
  InlineVector(const InlineVector&) = default;
  InlineVector& operator=(const InlineVector&) = default;
  // A move leaves the source empty (its heap part went to the target, so
  // its size would otherwise describe storage it no longer has).
  InlineVector(InlineVector&& other) noexcept : heap_(std::move(other.heap_)), size_(other.size_) {
    std::memcpy(inline_, other.inline_, sizeof inline_);
    other.heap_.clear();
    other.size_ = 0;
  }
  InlineVector& operator=(InlineVector&& other) noexcept {
    if (this != &other) {
      std::memcpy(inline_, other.inline_, sizeof inline_);
      heap_ = std::move(other.heap_);
      size_ = other.size_;
      other.heap_.clear();
      other.size_ = 0;
    }
    return *this;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return heap_.empty() ? slots() : heap_.data(); }
  T* data() { return heap_.empty() ? slots() : heap_.data(); }
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
    if (heap_.empty() && size_ < N) return *::new (static_cast<void*>(slots() + size_++)) T{};
    if (heap_.empty()) heap_.assign(slots(), slots() + N);
    ++size_;
    return heap_.emplace_back();
  }
  void push_back(const T& v) { emplace_back() = v; }
  void pop_back() {
    --size_;
    if (!heap_.empty()) heap_.pop_back();
  }
  void clear() {
    size_ = 0;
    heap_.clear();
  }

 private:
  T* slots() { return std::launder(reinterpret_cast<T*>(inline_)); }
  const T* slots() const { return std::launder(reinterpret_cast<const T*>(inline_)); }

  alignas(T) unsigned char inline_[N * sizeof(T)];
  std::vector<T> heap_;
  std::size_t size_ = 0;
};

}  // namespace siplab::sip
