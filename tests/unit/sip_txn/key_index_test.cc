#include "models/sip/txn/key_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace siplab::sip {
namespace {

TEST(KeyIndex, FindsWhatWasInsertedAndKeepsTheFirstValue) {
  const std::string a = "z9hG4bKa\nINVITE", b = "z9hG4bKb\nINVITE";
  KeyIndex<int> index;
  EXPECT_EQ(index.find(a), nullptr);
  EXPECT_TRUE(index.insert(a, 1));
  EXPECT_FALSE(index.insert(a, 2));
  EXPECT_TRUE(index.insert(b, 3));
  ASSERT_NE(index.find(a), nullptr);
  EXPECT_EQ(*index.find(a), 1);
  EXPECT_EQ(*index.find(b), 3);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.find("z9hG4bKa\nCANCEL"), nullptr);
}

TEST(KeyIndex, EraseNeedsTheExpectedValue) {
  const std::string a = "k";
  KeyIndex<int> index;
  index.insert(a, 7);
  EXPECT_FALSE(index.erase(a, 8));
  EXPECT_NE(index.find(a), nullptr);
  EXPECT_TRUE(index.erase(a, 7));
  EXPECT_EQ(index.find(a), nullptr);
  EXPECT_FALSE(index.erase(a, 7));
  EXPECT_TRUE(index.empty());
}

// Random inserts and erases against std::map: probe runs that wrap around
// the table's end and the backward shift on erase must keep every key
// findable.
TEST(KeyIndex, AgreesWithAReferenceMapUnderRandomChurn) {
  std::mt19937_64 rng(42);
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back("z9hG4bK" + std::to_string(rng()) + "\nOPTIONS");
  KeyIndex<int> index;
  std::map<std::string, int> reference;
  for (int step = 0; step < 60000; ++step) {
    const std::string& key = keys[rng() % keys.size()];
    const int value = static_cast<int>(rng() % 1000);
    if (rng() % 2) {
      EXPECT_EQ(index.insert(key, value), reference.emplace(key, value).second);
    } else {
      auto it = reference.find(key);
      const bool right_value = it != reference.end() && (rng() % 4 != 0);
      const int expected = right_value ? it->second : value + 1000;
      EXPECT_EQ(index.erase(key, expected), right_value);
      if (right_value) reference.erase(it);
    }
    ASSERT_EQ(index.size(), reference.size());
    if (step % 97 == 0) {
      for (const std::string& k : keys) {
        auto it = reference.find(k);
        const int* found = index.find(k);
        ASSERT_EQ(found != nullptr, it != reference.end()) << "step " << step;
        if (found) {
          ASSERT_EQ(*found, it->second);
        }
      }
    }
  }
}

}  // namespace
}  // namespace siplab::sip
