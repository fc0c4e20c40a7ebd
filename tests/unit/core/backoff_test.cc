// Copyright 2026 The strandq Authors.
#include "core/backoff.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>

namespace strandq {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(BackoffTest, CeilingDoublesFromBaseUpToMax) {
  Backoff backoff(milliseconds(100), seconds(1));
  EXPECT_EQ(backoff.Ceiling(0), nanoseconds(0));
  EXPECT_EQ(backoff.Ceiling(1), milliseconds(100));
  EXPECT_EQ(backoff.Ceiling(2), milliseconds(200));
  EXPECT_EQ(backoff.Ceiling(3), milliseconds(400));
  EXPECT_EQ(backoff.Ceiling(4), milliseconds(800));
  EXPECT_EQ(backoff.Ceiling(5), seconds(1));
  EXPECT_EQ(backoff.Ceiling(64), seconds(1));
  EXPECT_EQ(backoff.Ceiling(std::numeric_limits<uint32_t>::max()), seconds(1));
}

TEST(BackoffTest, NeverOverflows) {
  const nanoseconds huge(std::numeric_limits<int64_t>::max());
  Backoff backoff(seconds(3), huge);
  for (uint32_t n = 1; n < 200; ++n) {
    EXPECT_GT(backoff.Ceiling(n).count(), 0) << n;
    EXPECT_LE(backoff.Ceiling(n), huge) << n;
    EXPECT_GE(backoff.Ceiling(n + 1), backoff.Ceiling(n)) << n;
  }
  EXPECT_EQ(backoff.Ceiling(100), huge);
}

TEST(BackoffTest, ZeroBaseMeansNoDelay) {
  Backoff backoff(nanoseconds(0), seconds(1));
  Random random(1);
  for (uint32_t n = 0; n < 10; ++n) EXPECT_EQ(backoff.Delay(n, random), nanoseconds(0));
}

TEST(BackoffTest, JitterStaysBetweenHalfAndFull) {
  Backoff backoff(milliseconds(10), seconds(5));
  Random random(42);
  for (uint32_t n = 1; n <= 12; ++n) {
    const nanoseconds ceiling = backoff.Ceiling(n);
    nanoseconds lo = ceiling, hi(0);
    for (int i = 0; i < 2000; ++i) {
      const nanoseconds d = backoff.Delay(n, random);
      ASSERT_GE(d * 2, ceiling) << n;
      ASSERT_LE(d, ceiling) << n;
      lo = std::min(lo, d);
      hi = std::max(hi, d);
    }
    // The whole range is used, not a corner of it.
    EXPECT_LT(lo.count(), ceiling.count() * 0.55) << n;
    EXPECT_GT(hi.count(), ceiling.count() * 0.95) << n;
  }
}

TEST(BackoffTest, TinyCeilingsReachBothEnds) {
  Backoff backoff(nanoseconds(1), nanoseconds(3));
  Random random(7);
  bool saw[4] = {};
  for (int i = 0; i < 200; ++i) {
    const int64_t d = backoff.Delay(2, random).count();  // ceiling 2: [1, 2]
    ASSERT_GE(d, 1);
    ASSERT_LE(d, 2);
    saw[d] = true;
  }
  EXPECT_TRUE(saw[1] && saw[2]);
  EXPECT_EQ(backoff.Delay(1, random), nanoseconds(1));  // ceiling 1: exactly 1
}

TEST(BackoffTest, DeterministicGivenTheRandom) {
  Backoff backoff(milliseconds(100), seconds(30));
  Random a(99), b(99);
  for (uint32_t n = 1; n < 50; ++n) EXPECT_EQ(backoff.Delay(n, a), backoff.Delay(n, b));
}

TEST(BackoffTest, NegativeSettingsCountAsZero) {
  Backoff backoff(milliseconds(-5), milliseconds(-1));
  Random random(3);
  EXPECT_EQ(backoff.Ceiling(3), nanoseconds(0));
  EXPECT_EQ(backoff.Delay(3, random), nanoseconds(0));
}

TEST(BackoffTest, DrawsSpanTheJitterRange) {
  Backoff backoff(nanoseconds(1), nanoseconds(3));
  EXPECT_EQ(backoff.Delay(2, uint64_t{0}), nanoseconds(1));  // ceiling 2: [1, 2]
  EXPECT_EQ(backoff.Delay(2, ~uint64_t{0}), nanoseconds(2));
  Backoff wide(milliseconds(100), seconds(30));
  for (uint64_t id = 1; id < 200; ++id) {
    const auto d = wide.Delay(3, JitterDraw(5, id, 3));  // ceiling 400 ms: [200, 400]
    ASSERT_GE(d, milliseconds(200));
    ASSERT_LE(d, milliseconds(400));
  }
}

TEST(BackoffTest, JitterDrawDependsOnSeedEventAndAttemptOnly) {
  EXPECT_EQ(JitterDraw(1, 2, 3), JitterDraw(1, 2, 3));
  EXPECT_NE(JitterDraw(1, 2, 3), JitterDraw(2, 2, 3));
  EXPECT_NE(JitterDraw(1, 2, 3), JitterDraw(1, 3, 3));
  EXPECT_NE(JitterDraw(1, 2, 3), JitterDraw(1, 2, 4));
}

}  // namespace
}  // namespace strandq
