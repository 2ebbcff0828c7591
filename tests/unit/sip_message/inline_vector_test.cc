// InlineVector: the inline slots, the spill to the heap and back (clear),
// copies and moves in both modes.
#include "models/sip/message/inline_vector.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace siplab::sip {
namespace {

struct Pair {
  int a = 7;  // a default value emplace_back() must produce
  int b = 0;
};

std::vector<int> firsts(const InlineVector<Pair, 3>& v) {
  std::vector<int> out;
  for (const Pair& p : v) out.push_back(p.a);
  return out;
}

TEST(InlineVector, KeepsOrderAcrossTheSpill) {
  InlineVector<Pair, 3> v;
  for (int i = 0; i < 5; ++i) v.push_back(Pair{i, -i});
  EXPECT_EQ(v.size(), 5u);
  EXPECT_EQ(firsts(v), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(v[4].b, -4);
  EXPECT_EQ(v.span().size(), 5u);
}

TEST(InlineVector, EmplaceBackGivesADefaultValueInBothModes) {
  InlineVector<Pair, 2> v;
  for (int i = 0; i < 4; ++i) {
    Pair& p = v.emplace_back();
    EXPECT_EQ(p.a, 7) << i;
    EXPECT_EQ(p.b, 0) << i;
    p.b = i;
  }
  EXPECT_EQ(v[0].b, 0);
  EXPECT_EQ(v[3].b, 3);
  EXPECT_EQ(&v.back(), &v[3]);
}

TEST(InlineVector, EmplaceBackWithValuesBuildsThemInBothModes) {
  InlineVector<Pair, 3> v;
  for (int i = 0; i < 5; ++i) {
    Pair& p = v.emplace_back(i, 10 * i);
    EXPECT_EQ(p.a, i);
    EXPECT_EQ(p.b, 10 * i);
  }
  EXPECT_EQ(firsts(v), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(v[4].b, 40);
}

TEST(InlineVector, EmplaceForOverwriteKeepsWhatTheCallerWritesInBothModes) {
  InlineVector<Pair, 2> v;
  for (int i = 0; i < 5; ++i) {
    Pair& p = v.emplace_back_for_overwrite();
    p.a = 10 * i;
    p.b = -i;
  }
  ASSERT_EQ(v.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(v[static_cast<std::size_t>(i)].a, 10 * i);
    EXPECT_EQ(v[static_cast<std::size_t>(i)].b, -i);
  }
  // A failed fill is taken off again; the next one takes its place.
  v.clear();
  v.emplace_back_for_overwrite() = Pair{1, 1};
  v.emplace_back_for_overwrite();
  v.pop_back();
  v.emplace_back_for_overwrite() = Pair{2, 2};
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].a, 2);
  EXPECT_EQ(v.back().b, 2);
}

TEST(InlineVector, ClearAfterASpillReturnsToTheInlineSlots) {
  InlineVector<Pair, 3> v;
  for (int i = 0; i < 6; ++i) v.push_back(Pair{i, 0});
  v.clear();
  EXPECT_TRUE(v.empty());
  v.push_back(Pair{40, 0});
  v.push_back(Pair{41, 0});
  EXPECT_EQ(firsts(v), (std::vector<int>{40, 41}));
  // The element lives inside the object again.
  const auto* self = reinterpret_cast<const char*>(&v);
  const auto* first = reinterpret_cast<const char*>(v.data());
  EXPECT_TRUE(first >= self && first < self + sizeof v);
}

TEST(InlineVector, PopBackInBothModes) {
  InlineVector<Pair, 3> v;
  for (int i = 0; i < 4; ++i) v.push_back(Pair{i, 0});
  v.pop_back();
  v.pop_back();
  EXPECT_EQ(firsts(v), (std::vector<int>{0, 1}));
  v.push_back(Pair{9, 0});
  EXPECT_EQ(firsts(v), (std::vector<int>{0, 1, 9}));
}

TEST(InlineVector, CopiesAndMovesInBothModes) {
  for (int n : {2, 5}) {
    InlineVector<Pair, 3> v;
    for (int i = 0; i < n; ++i) v.push_back(Pair{i, 0});
    InlineVector<Pair, 3> copy(v);
    EXPECT_EQ(firsts(copy), firsts(v)) << n;
    InlineVector<Pair, 3> moved(std::move(v));
    EXPECT_EQ(firsts(moved), firsts(copy)) << n;
    EXPECT_TRUE(v.empty()) << n;  // NOLINT(bugprone-use-after-move): the documented state
    v.push_back(Pair{1, 0});
    EXPECT_EQ(firsts(v), (std::vector<int>{1})) << n;
    InlineVector<Pair, 3> assigned;
    assigned = std::move(moved);
    EXPECT_EQ(firsts(assigned), firsts(copy)) << n;
    EXPECT_TRUE(moved.empty()) << n;  // NOLINT(bugprone-use-after-move)
  }
}

}  // namespace
}  // namespace siplab::sip
