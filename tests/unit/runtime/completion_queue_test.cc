// Copyright 2026 The strandq Authors.
#include "runtime/completion_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace strandq {
namespace {

FinishedAttempt Of(size_t index) {
  FinishedAttempt a;
  a.index = index;
  return a;
}

TEST(CompletionQueueTest, TheFirstPushersDrainTheRestWait) {
  CompletionQueue queue(/*max_drainers=*/2, /*max_batch=*/10);
  EXPECT_TRUE(queue.Push(Of(0)));
  EXPECT_TRUE(queue.Push(Of(1)));
  EXPECT_FALSE(queue.Push(Of(2)));  // two drainers run: one of them takes it
  auto batch = queue.TakeBatch();
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].index, 0u);
  EXPECT_EQ(batch[2].index, 2u);
  EXPECT_TRUE(queue.TakeBatch().empty());  // this drainer stops
  EXPECT_TRUE(queue.Push(Of(3)));          // so a new pusher drains
}

TEST(CompletionQueueTest, BatchesAreBoundedAndInOrder) {
  CompletionQueue queue(1, 3);
  EXPECT_TRUE(queue.Push(Of(0)));
  for (size_t i = 1; i < 7; ++i) EXPECT_FALSE(queue.Push(Of(i)));
  std::vector<size_t> sizes, order;
  for (auto batch = queue.TakeBatch(); !batch.empty(); batch = queue.TakeBatch()) {
    sizes.push_back(batch.size());
    for (const auto& a : batch) order.push_back(a.index);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6}));
}

// Many threads push and drain as a pool's I/O threads do: every attempt is taken exactly once.
TEST(CompletionQueueTest, ConcurrentPushersLoseNothing) {
  constexpr size_t kThreads = 4, kEach = 5000, kDrainers = 2;
  CompletionQueue queue(kDrainers, 8);
  std::vector<std::atomic<int>> taken(kThreads * kEach);
  auto drain = [&] {
    for (auto batch = queue.TakeBatch(); !batch.empty(); batch = queue.TakeBatch()) {
      for (const auto& a : batch) taken[a.index].fetch_add(1);
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < kEach; ++i) {
        if (queue.Push(Of(t * kEach + i))) drain();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < taken.size(); ++i) ASSERT_EQ(taken[i].load(), 1) << "attempt " << i;
}

}  // namespace
}  // namespace strandq
