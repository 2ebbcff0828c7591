// A transaction's matching key (matching.h), held inside the transaction.
// Transactions outlive their last message by seconds (Timers K and J), so
// a key of their own on the heap would be one more allocation of fresh
// memory, and one more cold cache line at every lookup, per transaction.
// Keys longer than the inline room (long foreign branches or hostnames)
// go to the heap; the pointer to them then takes the inline room's place,
// so the whole key is one cache line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace siplab::sip {

class TxnKey {
 public:
  TxnKey() {}
  TxnKey(const TxnKey&) = delete;
  TxnKey& operator=(const TxnKey&) = delete;
  ~TxnKey() { release(); }

  // `key` may view this key itself.
  TxnKey& operator=(std::string_view key) {
    if (key.size() > kInline) {
      char* to = new char[key.size()];
      std::memcpy(to, key.data(), key.size());
      release();
      std::memcpy(inline_, &to, sizeof to);
    } else {
      char kept[kInline];
      if (!key.empty()) std::memcpy(kept, key.data(), key.size());  // before release() frees what it views
      release();
      if (!key.empty()) std::memcpy(inline_, kept, key.size());
    }
    size_ = static_cast<uint32_t>(key.size());
    return *this;
  }

  operator std::string_view() const { return {on_heap() ? heap() : inline_, size_}; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

 private:
  static constexpr std::size_t kInline = 60;
  bool on_heap() const { return size_ > kInline; }
  // A heap key's pointer sits in the inline room (copied in and out: a
  // union with the pointer would align the room to 8 and cost 8 bytes).
  char* heap() const {
    char* p;
    std::memcpy(&p, inline_, sizeof p);
    return p;
  }
  void release() {
    if (on_heap()) delete[] heap();
    size_ = 0;
  }
  char inline_[kInline];
  uint32_t size_ = 0;
};

static_assert(sizeof(TxnKey) == 64);

}  // namespace siplab::sip
