// Copyright 2026 The strandq Authors.
#include "runtime/slot_dispatch.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace strandq {
namespace {

using namespace std::chrono_literals;

Lease LeaseOf(uint64_t id, int64_t deadline_ns) {
  Lease lease;
  lease.event.id = id;
  lease.token = id;
  lease.deadline_ns = deadline_ns;
  return lease;
}

TEST(SlotDispatchTest, FreeSlotsFirstThenTheReserve) {
  ManualClock clock;
  SlotDispatch dispatch(2, /*lookahead=*/1, clock);
  EXPECT_EQ(dispatch.WaitForDemand(), 2u + 1u);
  Lease a = LeaseOf(1, clock.MonotonicNs() + 1000), b = LeaseOf(2, a.deadline_ns),
        c = LeaseOf(3, a.deadline_ns);
  EXPECT_EQ(dispatch.TakeFreeSlotOrReserve(a), std::optional<size_t>(0));
  EXPECT_EQ(dispatch.TakeFreeSlotOrReserve(b), std::optional<size_t>(1));
  EXPECT_EQ(dispatch.busy(), 2u);
  EXPECT_EQ(dispatch.TakeFreeSlotOrReserve(c), std::nullopt);  // reserved
  // A slot released while a lease is reserved takes it and stays busy.
  auto ahead = dispatch.RefillOrFree(0);
  ASSERT_TRUE(ahead.has_value());
  EXPECT_EQ(ahead->lease.event.id, 3u);
  EXPECT_EQ(dispatch.busy(), 2u);
  EXPECT_EQ(dispatch.RefillOrFree(1), std::nullopt);  // freed now
  EXPECT_EQ(dispatch.busy(), 1u);
  EXPECT_EQ(dispatch.WaitForDemand(), 1u + 1u);
}

TEST(SlotDispatchTest, AReservedLeaseThatRanOutIsDropped) {
  ManualClock clock;
  SlotDispatch dispatch(1, 2, clock);
  Lease busy = LeaseOf(1, clock.MonotonicNs() + 1000);
  ASSERT_TRUE(dispatch.TakeFreeSlotOrReserve(busy).has_value());
  Lease soon = LeaseOf(2, clock.MonotonicNs() + 100), later = LeaseOf(3, soon.deadline_ns + 500);
  dispatch.TakeFreeSlotOrReserve(soon);
  dispatch.TakeFreeSlotOrReserve(later);
  clock.Advance(100);  // `soon` ran out while reserved
  auto taken = dispatch.TakeReserved();
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->lease.event.id, 3u);
  EXPECT_FALSE(dispatch.TakeReserved().has_value());
}

TEST(SlotDispatchTest, TheTickerExtendsReservedLeasesByToken) {
  ManualClock clock;
  SlotDispatch dispatch(1, 1, clock);
  Lease running = LeaseOf(1, clock.MonotonicNs() + 1000);
  ASSERT_TRUE(dispatch.TakeFreeSlotOrReserve(running).has_value());
  Lease ahead = LeaseOf(2, clock.MonotonicNs() + 1000);
  dispatch.TakeFreeSlotOrReserve(ahead);
  EXPECT_TRUE(dispatch.ReservedDue(clock.MonotonicNs() + 99, 100).empty());
  clock.Advance(100);
  auto due = dispatch.ReservedDue(clock.MonotonicNs(), 100);
  ASSERT_EQ(due.size(), 1u);
  due[0].deadline_ns += 5000;
  dispatch.Extended(due[0], clock.MonotonicNs(), /*ok=*/true);
  EXPECT_TRUE(dispatch.ReservedDue(clock.MonotonicNs(), 100).empty());
  clock.Advance(1000);  // past the first deadline, not the extended one
  auto taken = dispatch.TakeReserved();
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->lease.deadline_ns, due[0].deadline_ns);
}

TEST(SlotDispatchTest, StopWakesTheClaimerAndIdleWakesRun) {
  ManualClock clock;
  SlotDispatch dispatch(1, 0, clock);
  Lease lease = LeaseOf(1, clock.MonotonicNs() + 1000);
  ASSERT_TRUE(dispatch.TakeFreeSlotOrReserve(lease).has_value());
  auto claimer = std::async(std::launch::async, [&] { return dispatch.WaitForDemand(); });
  auto idle = std::async(std::launch::async, [&] { dispatch.WaitIdle(); });
  EXPECT_EQ(claimer.wait_for(20ms), std::future_status::timeout) << "no slot is free";
  EXPECT_TRUE(dispatch.Stop());
  EXPECT_FALSE(dispatch.Stop());
  EXPECT_EQ(claimer.get(), 0u);
  dispatch.WaitStopped();
  EXPECT_EQ(idle.wait_for(20ms), std::future_status::timeout) << "a slot is busy";
  EXPECT_FALSE(dispatch.RefillOrFree(0).has_value());
  idle.get();
}

// A settlement detached from its slot (lookahead) may still bring a next lease that takes a
// slot: the pool is not idle, though every slot is free, until it was settled.
TEST(SlotDispatchTest, ADetachedSettlementKeepsThePoolFromIdle) {
  ManualClock clock;
  SlotDispatch dispatch(1, 1, clock);
  Lease lease = LeaseOf(1, clock.MonotonicNs() + 1000);
  ASSERT_TRUE(dispatch.TakeFreeSlotOrReserve(lease).has_value());
  dispatch.DetachedStarted();
  EXPECT_FALSE(dispatch.RefillOrFree(0).has_value());
  EXPECT_EQ(dispatch.busy(), 0u);
  auto idle = std::async(std::launch::async, [&] { dispatch.WaitIdle(); });
  EXPECT_EQ(idle.wait_for(20ms), std::future_status::timeout) << "a detached settlement is out";
  Lease next = LeaseOf(2, clock.MonotonicNs() + 1000);
  ASSERT_TRUE(dispatch.TakeFreeSlotOrReserve(next).has_value());  // its next lease
  dispatch.DetachedSettled();
  EXPECT_EQ(idle.wait_for(20ms), std::future_status::timeout) << "the next lease is running";
  EXPECT_FALSE(dispatch.RefillOrFree(0).has_value());
  idle.get();
}

}  // namespace
}  // namespace strandq
