// A first-in first-out queue for the cores' output queues (transmits, TU
// events, trace events), drained by poll_*() after every input.
//
// std::deque allocates a block per 512 bytes, so for elements as large as a
// TU event (a Message inside a variant, ~500 bytes) every push allocated and
// every pop freed.  This queue keeps its elements in one vector whose
// storage survives being emptied: once the driver has drained it, the next
// input's outputs reuse the same memory, and a steady run allocates nothing.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace siplab::sip {

// The subset of std::deque's interface the queues use, so a queue can
// switch between them without touching its users.
template <typename T>
class Fifo {
 public:
  void push_back(T&& value) { items_.push_back(std::move(value)); }
  void push_back(const T& value) { items_.push_back(value); }
  template <typename... Args>
  T& emplace_back(Args&&... args) {
    return items_.emplace_back(std::forward<Args>(args)...);
  }

  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  // The oldest element; the queue must not be empty.
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }

  // Hands every element to `f` in order, then empties the queue: a drain
  // that reads the elements in place instead of moving each one out.  `f`
  // must not add to this queue.
  template <typename F>
  void drain(F&& f) {
    for (std::size_t i = head_; i < items_.size(); ++i) f(items_[i]);
    items_.clear();
    head_ = 0;
  }

  // Removes the oldest element (usually after moving it out of front()).
  void pop_front() {
    ++head_;
    if (head_ == items_.size()) {
      items_.clear();  // destroys the moved-from shells, keeps the capacity
      head_ = 0;
    } else if (head_ >= kCompactAfter && head_ * 2 >= items_.size()) {
      // A consumer that never quite catches up: drop the consumed prefix so
      // the vector does not grow without bound.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

 private:
  static constexpr std::size_t kCompactAfter = 64;
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace siplab::sip
