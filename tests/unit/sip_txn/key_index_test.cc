#include "models/sip/txn/key_index.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace siplab::sip {
namespace {

struct Item {
  std::string key;
  int value = 0;
};

TEST(KeyIndex, FindsWhatWasInsertedAndKeepsTheFirstItem) {
  Item a{"z9hG4bKa\nINVITE", 1}, b{"z9hG4bKb\nINVITE", 3}, a2{"z9hG4bKa\nINVITE", 2};
  KeyIndex<Item> index;
  EXPECT_EQ(index.find(a.key), nullptr);
  EXPECT_TRUE(index.insert(&a));
  EXPECT_FALSE(index.insert(&a2));
  EXPECT_TRUE(index.insert(&b));
  EXPECT_EQ(index.find("z9hG4bKa\nINVITE"), &a);
  EXPECT_EQ(index.find("z9hG4bKb\nINVITE"), &b);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.find("z9hG4bKa\nCANCEL"), nullptr);
}

TEST(KeyIndex, EraseRemovesOnlyTheIndexedItem) {
  Item a{"k", 7}, other{"k", 8};
  KeyIndex<Item> index;
  index.insert(&a);
  EXPECT_FALSE(index.erase(&other));  // same key, not the indexed item
  EXPECT_EQ(index.find("k"), &a);
  EXPECT_TRUE(index.erase(&a));
  EXPECT_EQ(index.find("k"), nullptr);
  EXPECT_FALSE(index.erase(&a));
  EXPECT_TRUE(index.empty());
}

// Random inserts and erases against std::map: probe runs that wrap around
// the table's end and the backward shift on erase must keep every key
// findable.
TEST(KeyIndex, AgreesWithAReferenceMapUnderRandomChurn) {
  std::mt19937_64 rng(42);
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back("z9hG4bK" + std::to_string(rng()) + "\nOPTIONS");
  KeyIndex<Item> index;
  std::map<std::string, std::unique_ptr<Item>> reference;  // key → the indexed item
  std::vector<std::unique_ptr<Item>> strays;                 // items whose insert was refused
  for (int step = 0; step < 60000; ++step) {
    const std::string& key = keys[rng() % keys.size()];
    auto it = reference.find(key);
    if (rng() % 2) {
      auto item = std::make_unique<Item>(Item{key, step});
      EXPECT_EQ(index.insert(item.get()), it == reference.end());
      if (it == reference.end()) {
        reference.emplace(key, std::move(item));
      } else {
        strays.push_back(std::move(item));
      }
    } else if (it != reference.end()) {
      if (rng() % 4 == 0 && !strays.empty()) {
        Item same_key{key, -1};
        EXPECT_FALSE(index.erase(&same_key));
      } else {
        EXPECT_TRUE(index.erase(it->second.get()));
        reference.erase(it);
      }
    }
    ASSERT_EQ(index.size(), reference.size());
    if (step % 97 == 0) {
      for (const std::string& k : keys) {
        auto ref = reference.find(k);
        ASSERT_EQ(index.find(k), ref == reference.end() ? nullptr : ref->second.get()) << "step " << step;
      }
    }
  }
}

}  // namespace
}  // namespace siplab::sip
