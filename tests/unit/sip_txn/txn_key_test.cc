#include "models/sip/txn/txn_key.h"

#include <gtest/gtest.h>

#include <string>

namespace siplab::sip {
namespace {

TEST(TxnKey, HoldsShortKeysInlineAndLongOnesOnTheHeap) {
  TxnKey key;
  EXPECT_TRUE(key.empty());
  EXPECT_EQ(std::string_view(key), "");
  const std::string short_key = "z9hG4bKabcdefghijkl.1\n10.0.0.1:5060\nOPTIONS";
  key = short_key;
  EXPECT_EQ(std::string_view(key), short_key);
  const std::string_view inline_view = key;
  const std::string long_key = "z9hG4bK" + std::string(200, 'x') + "\nhost.example.com:5060\nINVITE";
  key = long_key;
  EXPECT_EQ(std::string_view(key), long_key);
  EXPECT_NE(std::string_view(key).data(), inline_view.data());  // on the heap now
  key = short_key;  // and back inline
  EXPECT_EQ(std::string_view(key).data(), inline_view.data());
  EXPECT_EQ(std::string_view(key), short_key);
  key = std::string(60, 'k');  // exactly the inline room
  EXPECT_EQ(std::string_view(key).data(), inline_view.data());
  EXPECT_EQ(key.size(), 60u);
  key = std::string(61, 'k');  // one more: the heap
  EXPECT_NE(std::string_view(key).data(), inline_view.data());
  EXPECT_EQ(std::string_view(key), std::string(61, 'k'));
  key = std::string_view();
  EXPECT_TRUE(key.empty());
}

TEST(TxnKey, TakesAPartOfItselfInlineOrOnTheHeap) {
  TxnKey key;
  const std::string long_key = std::string(100, 'a') + "\nb";
  key = long_key;
  key = std::string_view(key).substr(50);  // heap to heap, from the old block
  EXPECT_EQ(std::string_view(key), long_key.substr(50));
  key = std::string_view(key).substr(40);  // heap to inline
  EXPECT_EQ(std::string_view(key), long_key.substr(90));
  key = std::string_view(key).substr(1);  // inline to inline
  EXPECT_EQ(std::string_view(key), long_key.substr(91));
}

}  // namespace
}  // namespace siplab::sip
