#include "models/sip/txn/id_table.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <vector>

namespace siplab::sip {
namespace {

// Counts live objects, so the test sees every construction matched by a
// destruction.
struct Counted {
  static inline int live = 0;
  uint64_t id = 0;
  std::unique_ptr<int> owned = std::make_unique<int>(7);  // a member that frees memory
  Counted() { ++live; }
  ~Counted() { --live; }
};

TEST(IdTable, FindsWhatWasCreatedUntilErased) {
  IdTable<Counted> table;
  EXPECT_EQ(table.find(1), nullptr);
  Counted& a = table.create(1);
  a.id = 1;
  Counted& b = table.create(2);
  b.id = 2;
  EXPECT_EQ(table.find(1), &a);
  EXPECT_EQ(table.find(2), &b);
  EXPECT_EQ(table.find(0), nullptr);
  EXPECT_EQ(table.find(3), nullptr);
  EXPECT_EQ(table.size(), 2u);
  table.erase(1);
  EXPECT_EQ(table.find(1), nullptr);
  EXPECT_EQ(table.find(2), &b);  // objects never move
  table.erase(1);                // erasing twice is harmless
  EXPECT_EQ(table.size(), 1u);
  Counted& c = table.create(5);  // ids may skip
  EXPECT_EQ(table.find(5), &c);
  EXPECT_EQ(table.find(4), nullptr);
  std::vector<Counted*> seen;
  table.for_each([&](Counted& x) { seen.push_back(&x); });
  EXPECT_EQ(seen, (std::vector<Counted*>{&b, &c}));  // in id order
  EXPECT_EQ(Counted::live, 2);
}

TEST(IdTable, DestroysWhatIsLeftAndReusesFreedSlots) {
  {
    IdTable<Counted> table;
    for (uint64_t id = 1; id <= 200; ++id) table.create(id).id = id;
    for (uint64_t id = 1; id <= 100; ++id) table.erase(id);
    EXPECT_EQ(Counted::live, 100);
    Counted* slot_of_150 = table.find(150);
    table.erase(150);
    table.create(201).id = 201;
    EXPECT_EQ(table.find(201), slot_of_150);  // the last freed slot is taken first
    EXPECT_EQ(table.size(), 100u);
  }
  EXPECT_EQ(Counted::live, 0);  // the table destroyed the 100 left
}

TEST(IdTable, AgreesWithAReferenceMapWhenObjectsEndOutOfOrder) {
  std::mt19937_64 rng(3);
  IdTable<Counted> table;
  std::map<uint64_t, Counted*> reference;
  uint64_t next = 1;
  for (int step = 0; step < 50000; ++step) {
    if (rng() % 3 != 0 || reference.empty()) {
      Counted& c = table.create(next);
      c.id = next;
      reference[next] = &c;
      next += 1 + rng() % 2;
    } else {
      // Mostly the oldest ends first (Timer K/J), sometimes any.
      auto it = rng() % 4 ? reference.begin() : std::next(reference.begin(), static_cast<long>(rng() % reference.size()));
      table.erase(it->first);
      reference.erase(it);
    }
    ASSERT_EQ(table.size(), reference.size());
    if (step % 501 == 0) {
      for (uint64_t id = 0; id <= next; ++id) {
        auto it = reference.find(id);
        const Counted* found = table.find(id);
        ASSERT_EQ(found, it == reference.end() ? nullptr : it->second) << "id " << id;
        if (found) {
          ASSERT_EQ(found->id, id);
        }
      }
    }
  }
  EXPECT_EQ(static_cast<std::size_t>(Counted::live), reference.size());
}

}  // namespace
}  // namespace siplab::sip
