// Copyright 2026 The strandq Authors.
#include "core/ready_set.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <new>
#include <tuple>
#include <vector>

#include "util/random.h"

// Counts heap allocations, to check that ReadySet operations do not allocate after warm-up.
namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// GCC cannot tell that these replace the global operators and warns about malloc/free.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace strandq {
namespace {

// The naive model: every ready account with its key, searched linearly.
class NaiveReadySet {
 public:
  explicit NaiveReadySet(Policy policy) : policy_(policy) {}
  void Insert(uint32_t slot, uint64_t pending, uint64_t head) { keys_[slot] = {pending, head}; }
  void Update(uint32_t slot, uint64_t pending, uint64_t head) { keys_[slot] = {pending, head}; }
  void Remove(uint32_t slot) { keys_.erase(slot); }
  bool Contains(uint32_t slot) const { return keys_.count(slot) != 0; }
  size_t size() const { return keys_.size(); }
  // The best key; with equal keys any of the tied slots is acceptable.
  std::pair<uint64_t, uint64_t> TopKey() const {
    auto best = keys_.begin()->second;
    for (const auto& [slot, key] : keys_) {
      if (First(key, best)) best = key;
    }
    return best;
  }
  std::pair<uint64_t, uint64_t> KeyOf(uint32_t slot) const { return keys_.at(slot); }
  // True if `slot` is as good a pick as any: no key goes before its key.
  bool IsBest(uint32_t slot) const { return !First(TopKey(), KeyOf(slot)); }

 private:
  bool First(std::pair<uint64_t, uint64_t> a, std::pair<uint64_t, uint64_t> b) const {
    if (policy_ == Policy::kLongest && a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  }
  Policy policy_;
  std::map<uint32_t, std::pair<uint64_t, uint64_t>> keys_;
};

TEST(ReadySetTest, LongestPicksMostPendingThenOldestHead) {
  ReadySet set(Policy::kLongest);
  set.Insert(0, 3, 50);
  set.Insert(1, 7, 90);
  set.Insert(2, 7, 20);
  set.Insert(3, 1, 1);
  EXPECT_EQ(set.size(), 4u);
  EXPECT_EQ(set.Pop(), 2u);  // 7 pending, head 20
  EXPECT_EQ(set.Pop(), 1u);  // 7 pending, head 90
  EXPECT_EQ(set.Pop(), 0u);
  EXPECT_EQ(set.Pop(), 3u);
  EXPECT_TRUE(set.empty());
}

TEST(ReadySetTest, OldestPicksSmallestHeadIgnoringLength) {
  ReadySet set(Policy::kOldest);
  set.Insert(0, 3, 50);
  set.Insert(1, 7, 90);
  set.Insert(2, 100, 20);
  set.Insert(3, 1, 1);
  EXPECT_EQ(set.Pop(), 3u);
  EXPECT_EQ(set.Pop(), 2u);
  EXPECT_EQ(set.Pop(), 0u);
  EXPECT_EQ(set.Pop(), 1u);
}

TEST(ReadySetTest, UpdateMovesBothWays) {
  ReadySet set(Policy::kLongest);
  for (uint32_t i = 0; i < 10; ++i) set.Insert(i, i + 1, i);
  EXPECT_EQ(set.Top(), 9u);
  set.Update(0, 50, 0);  // grows to the top
  EXPECT_EQ(set.Top(), 0u);
  set.Update(0, 1, 0);  // shrinks back down
  EXPECT_EQ(set.Top(), 9u);
  set.Update(9, 10, 100);
  set.Update(8, 10, 99);  // tie on pending: older head wins
  EXPECT_EQ(set.Top(), 8u);
}

TEST(ReadySetTest, RemoveFromAnywhere) {
  ReadySet set(Policy::kOldest);
  for (uint32_t i = 0; i < 8; ++i) set.Insert(i, 1, 100 + i);
  set.Remove(0);
  set.Remove(5);
  set.Remove(7);
  EXPECT_FALSE(set.Contains(0));
  EXPECT_FALSE(set.Contains(5));
  EXPECT_TRUE(set.Contains(3));
  EXPECT_FALSE(set.Contains(1000));  // beyond any slot seen
  std::vector<uint32_t> order;
  while (!set.empty()) order.push_back(set.Pop());
  EXPECT_EQ(order, (std::vector<uint32_t>{1, 2, 3, 4, 6}));
}

TEST(ReadySetTest, PushPopReturnsTheBetterOfNewAndTop) {
  ReadySet set(Policy::kLongest);
  EXPECT_EQ(set.PushPop(7, 1, 1), 7u);  // empty: the new one comes straight back
  EXPECT_TRUE(set.empty());
  set.Insert(0, 5, 10);
  set.Insert(1, 3, 11);
  EXPECT_EQ(set.PushPop(2, 6, 12), 2u);  // better than the top: the set is untouched
  EXPECT_FALSE(set.Contains(2));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.PushPop(2, 5, 12), 0u);  // tie on pending, older head wins: the top leaves
  EXPECT_TRUE(set.Contains(2));
  EXPECT_FALSE(set.Contains(0));
  EXPECT_EQ(set.Pop(), 2u);
  EXPECT_EQ(set.Pop(), 1u);
}

TEST(ReadySetTest, SlotsCanComeBackAfterRemoval) {
  ReadySet set(Policy::kLongest);
  set.Insert(4, 2, 10);
  EXPECT_EQ(set.Pop(), 4u);
  EXPECT_FALSE(set.Contains(4));
  set.Insert(4, 1, 11);
  EXPECT_TRUE(set.Contains(4));
  EXPECT_EQ(set.Top(), 4u);
}

// Random operations against the naive model, for both policies, with many ties.
TEST(ReadySetTest, MatchesNaiveModel) {
  for (Policy policy : {Policy::kLongest, Policy::kOldest}) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      Random random(seed);
      ReadySet set(policy);
      NaiveReadySet model(policy);
      const uint32_t slots = 1 + static_cast<uint32_t>(random.Uniform(200));
      uint64_t next_head = 1;
      for (int step = 0; step < 3000; ++step) {
        const uint32_t slot = static_cast<uint32_t>(random.Uniform(slots));
        const uint64_t op = random.Uniform(10);
        const uint64_t pending = 1 + random.Uniform(8);  // small range: many ties
        if (!model.Contains(slot)) {
          if (op < 6) {
            set.Insert(slot, pending, next_head);
            model.Insert(slot, pending, next_head);
            next_head += random.Uniform(3);  // equal heads happen too
          } else if (op < 8) {
            // PushPop: `slot` goes in, the best one comes out.
            model.Insert(slot, pending, next_head);
            const uint32_t out = set.PushPop(slot, pending, next_head);
            ASSERT_TRUE(model.IsBest(out)) << "seed " << seed << " step " << step;
            model.Remove(out);
            next_head += random.Uniform(3);
          }
        } else if (op < 3) {
          set.Remove(slot);
          model.Remove(slot);
        } else if (op < 7) {
          const uint64_t head = model.KeyOf(slot).second + random.Uniform(2);
          set.Update(slot, pending, head);
          model.Update(slot, pending, head);
        } else if (op < 9 && model.size() > 0) {
          const uint32_t top = set.Top();
          ASSERT_TRUE(model.Contains(top));
          ASSERT_TRUE(model.IsBest(top)) << "seed " << seed << " step " << step;
          ASSERT_EQ(set.Pop(), top);
          model.Remove(top);
        }
        ASSERT_EQ(set.size(), model.size());
        ASSERT_EQ(set.Contains(slot), model.Contains(slot));
      }
      // Draining yields keys in policy order.
      while (model.size() > 0) {
        const uint32_t top = set.Pop();
        ASSERT_TRUE(model.IsBest(top)) << "seed " << seed;
        model.Remove(top);
      }
      ASSERT_TRUE(set.empty());
    }
  }
}

TEST(ReadySetTest, AllocationFreeAfterWarmUp) {
  constexpr uint32_t kSlots = 1000;
  ReadySet set(Policy::kLongest);
  for (uint32_t i = 0; i < kSlots; ++i) set.Insert(i, 1, i);  // warm-up: largest size
  while (!set.empty()) set.Pop();

  Random random(5);
  const uint64_t before = g_allocations.load();
  for (int step = 0; step < 100000; ++step) {
    const auto slot = static_cast<uint32_t>(random.Uniform(kSlots));
    if (!set.Contains(slot)) {
      set.Insert(slot, 1 + random.Uniform(50), step);
    } else if (step % 3 == 0) {
      set.Update(slot, 1 + random.Uniform(50), step);
      if (!set.Contains(kSlots - 1) && !set.empty()) set.PushPop(kSlots - 1, 25, step);
    } else if (step % 3 == 1) {
      set.Remove(slot);
    } else {
      set.Pop();
    }
  }
  EXPECT_EQ(g_allocations.load(), before);
}

}  // namespace
}  // namespace strandq
