// Fifo: the cores' output queues hand elements out in the order they went in,
// whether the consumer drains them at once or lags behind.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "models/sip/transport/fifo.h"

namespace siplab::sip {
namespace {

std::vector<int> drain(Fifo<int>& q) {
  std::vector<int> out;
  while (!q.empty()) {
    out.push_back(q.front());
    q.pop_front();
  }
  return out;
}

TEST(Fifo, FirstInFirstOutAcrossRefills) {
  Fifo<int> q;
  EXPECT_TRUE(q.empty());
  q.push_back(1);
  q.push_back(2);
  q.emplace_back(3);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.front(), 1);
  q.pop_front();
  q.push_back(4);  // pushed while not yet drained
  EXPECT_EQ(drain(q), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(q.size(), 0u);
  q.push_back(5);  // after a full drain the storage is reused
  EXPECT_EQ(drain(q), (std::vector<int>{5}));
}

TEST(Fifo, ALaggingConsumerStillSeesEveryElementInOrder) {
  Fifo<int> q;
  std::vector<int> seen;
  int next = 0;
  // Two in, one out, for long enough to pass the compaction threshold many times.
  for (int round = 0; round < 500; ++round) {
    q.push_back(next++);
    q.push_back(next++);
    seen.push_back(q.front());
    q.pop_front();
  }
  EXPECT_EQ(q.size(), 500u);
  for (int v : drain(q)) seen.push_back(v);
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[i], i);
}

TEST(Fifo, DrainReadsWhatIsLeftInOrderAndEmpties) {
  Fifo<int> q;
  for (int i = 0; i < 5; ++i) q.push_back(i);
  q.pop_front();
  std::vector<int> seen;
  q.drain([&seen](const int& v) { seen.push_back(v); });
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_TRUE(q.empty());
  q.push_back(9);
  EXPECT_EQ(drain(q), (std::vector<int>{9}));
}

TEST(Fifo, MovesOutMoveOnlyElements) {
  Fifo<std::unique_ptr<std::string>> q;
  q.push_back(std::make_unique<std::string>("a"));
  q.emplace_back(std::make_unique<std::string>("b"));
  std::unique_ptr<std::string> first = std::move(q.front());
  q.pop_front();
  EXPECT_EQ(*first, "a");
  EXPECT_EQ(*q.front(), "b");
}

}  // namespace
}  // namespace siplab::sip
