#include "models/sip/txn/key_index.h"

#include "models/common/random.h"
#include "models/sip/transport/branch.h"
#include "models/sip/txn/sequence_index.h"

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
// Random inserts and erases of `keys` into an `Index` (KeyIndex or
// SequenceIndex), checked against std::map.
template <typename Index>
void churn_against_reference(const std::vector<std::string>& keys, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Index index;
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

TEST(KeyIndex, AgreesWithAReferenceMapUnderRandomChurn) {
  std::mt19937_64 rng(42);
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back("z9hG4bK" + std::to_string(rng()) + "\nOPTIONS");
  churn_against_reference<KeyIndex<Item>>(keys, 42);
}

// The client index's keys: the stack's own numbered branches, an INVITE
// and its CANCEL sharing one; plus keys without a number and numbers far
// from the others.
TEST(SequenceIndex, AgreesWithAReferenceMapUnderChurn) {
  SeededRandom random(5);
  std::vector<std::string> keys;
  for (uint64_t n = 1; n <= 200; ++n) {
    const std::string branch = make_branch(random, n);
    keys.push_back(branch + "\nINVITE");
    keys.push_back(branch + "\nCANCEL");
  }
  for (int i = 0; i < 50; ++i) keys.push_back("z9hG4bK" + random.token(10) + "\nOPTIONS");
  keys.push_back(make_branch(random, 1'000'000) + "\nOPTIONS");   // past the window's reach
  keys.push_back(make_branch(random, 4'000'000) + "\nOPTIONS");
  keys.push_back("no-newline");
  churn_against_reference<SequenceIndex<Item>>(keys, 7);
}

TEST(SequenceIndex, TheWindowClosesBehindTheItemsThatEnd) {
  SeededRandom random(9);
  std::vector<std::unique_ptr<Item>> items;
  SequenceIndex<Item> index;
  for (uint64_t n = 10; n < 110; ++n) {
    items.push_back(std::make_unique<Item>(Item{make_branch(random, n) + "\nOPTIONS", static_cast<int>(n)}));
    ASSERT_TRUE(index.insert(items.back().get()));
  }
  EXPECT_EQ(index.window_size(), 100u);
  // An INVITE's CANCEL shares its number: indexed beside the window.
  Item cancel{items[5]->key.substr(0, items[5]->key.find('\n')) + "\nCANCEL", -1};
  ASSERT_TRUE(index.insert(&cancel));
  EXPECT_EQ(index.find(cancel.key), &cancel);
  EXPECT_EQ(index.find(items[5]->key), items[5].get());
  // Items end out of order: the window's front moves past every ended one
  // only when the oldest ends.
  for (std::size_t i = 1; i < 50; ++i) ASSERT_TRUE(index.erase(items[i].get()));
  EXPECT_EQ(index.window_size(), 100u);
  ASSERT_TRUE(index.erase(items[0].get()));
  EXPECT_EQ(index.window_size(), 50u);
  EXPECT_EQ(index.find(items[60]->key), items[60].get());
  EXPECT_EQ(index.find(items[3]->key), nullptr);
  EXPECT_EQ(index.size(), 51u);  // 50 in the window, the CANCEL beside it
  // A same-key item that is not the indexed one is not erased.
  Item same_key{items[70]->key, -2};
  EXPECT_FALSE(index.erase(&same_key));
  EXPECT_FALSE(index.insert(&same_key));
  EXPECT_EQ(index.find(items[70]->key), items[70].get());
}

}  // namespace
}  // namespace siplab::sip
