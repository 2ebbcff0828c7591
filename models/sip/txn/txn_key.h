// A transaction's matching key (matching.h), held inside the transaction.
// Transactions outlive their last message by seconds (Timers K and J), so
// a key of their own on the heap would be one more allocation of fresh
// memory, and one more cold cache line at every lookup, per transaction.
// Keys longer than the inline room (long foreign branches or hostnames)
// go to the heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace siplab::sip {

class TxnKey {
 public:
  TxnKey() = default;
  TxnKey(const TxnKey&) = delete;
  TxnKey& operator=(const TxnKey&) = delete;

  TxnKey& operator=(std::string_view key) {
    heap_.reset();
    char* to = inline_;
    if (key.size() > kInline) {
      heap_ = std::make_unique_for_overwrite<char[]>(key.size());
      to = heap_.get();
    }
    if (!key.empty()) std::memcpy(to, key.data(), key.size());
    size_ = static_cast<uint32_t>(key.size());
    return *this;
  }

  operator std::string_view() const { return {heap_ ? heap_.get() : inline_, size_}; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

 private:
  static constexpr std::size_t kInline = 64;
  char inline_[kInline];
  uint32_t size_ = 0;
  std::unique_ptr<char[]> heap_;  // set when the key is longer than kInline
};

}  // namespace siplab::sip
