// Copyright 2026 The strandq Authors.
#include "runtime/held_lease.h"

#include <gtest/gtest.h>

#include "strandq/clock.h"

namespace strandq {

namespace {

Lease LeaseOf(uint64_t id, uint64_t token, int64_t deadline_ns) {
  Lease lease;
  lease.event.id = id;
  lease.token = token;
  lease.deadline_ns = deadline_ns;
  return lease;
}

TEST(HeldLeaseTest, DueOncePerPeriodWhileHeld) {
  ManualClock clock;
  HeldLease held;
  EXPECT_FALSE(held.Due(clock.MonotonicNs(), 100).has_value()) << "nothing held";
  held.Assign(LeaseOf(1, 5, 1000), clock.MonotonicNs());
  EXPECT_EQ(held.event().id, 1u);
  clock.Advance(99);
  EXPECT_FALSE(held.Due(clock.MonotonicNs(), 100).has_value());
  clock.Advance(1);
  auto due = held.Due(clock.MonotonicNs(), 100);
  ASSERT_TRUE(due.has_value());
  due->deadline_ns = 2000;
  held.Extended(*due, clock.MonotonicNs(), /*ok=*/true);
  EXPECT_FALSE(held.Due(clock.MonotonicNs(), 100).has_value()) << "just extended";
  clock.Advance(100);
  EXPECT_EQ(held.Due(clock.MonotonicNs(), 100)->deadline_ns, 2000);
  EXPECT_EQ(held.Take().deadline_ns, 2000);
  EXPECT_FALSE(held.Due(clock.MonotonicNs() + 1000, 100).has_value()) << "taken";
}

TEST(HeldLeaseTest, AnExtensionOfAnEarlierLeaseIsIgnored) {
  HeldLease held;
  held.Assign(LeaseOf(1, 5, 1000), 0);
  auto old = held.Due(500, 100);
  ASSERT_TRUE(old.has_value());
  held.Take();
  held.Assign(LeaseOf(2, 6, 1500), 600);  // the slot went on meanwhile
  old->deadline_ns = 9999;
  held.Extended(*old, 700, true);
  auto now = held.Due(700, 100);
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(now->deadline_ns, 1500);
}

TEST(HeldLeaseTest, AFailedExtensionKeepsTheDeadline) {
  HeldLease held;
  held.Assign(LeaseOf(1, 5, 1000), 0);
  auto due = held.Due(500, 100);
  due->deadline_ns = 9999;
  held.Extended(*due, 500, /*ok=*/false);
  EXPECT_FALSE(held.Due(550, 100).has_value()) << "tried at 500";
  EXPECT_EQ(held.Take().deadline_ns, 1000);
}

}  // namespace
}  // namespace strandq
