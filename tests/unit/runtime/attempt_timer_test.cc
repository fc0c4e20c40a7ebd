// Copyright 2026 The strandq Authors.
#include "runtime/attempt_timer.h"

#include <gtest/gtest.h>

namespace strandq {
namespace {

TEST(AttemptTimerTest, AnAttemptIsTimedFromWhenItWasFirstSeen) {
  AttemptTimer timer(2, /*timeout_ns=*/100);
  EXPECT_FALSE(timer.Expired(0, 1, 1000));  // first seen: the clock starts
  EXPECT_FALSE(timer.Expired(0, 1, 1099));
  EXPECT_TRUE(timer.Expired(0, 1, 1100));
  EXPECT_FALSE(timer.Expired(1, 1, 1100)) << "slots are timed apart";
}

TEST(AttemptTimerTest, ANewAttemptOfTheSlotStartsAgain) {
  AttemptTimer timer(1, 100);
  EXPECT_FALSE(timer.Expired(0, 1, 0));
  EXPECT_FALSE(timer.Expired(0, 2, 150));  // attempt 1 ended; 2 is seen first now
  EXPECT_FALSE(timer.Expired(0, 2, 249));
  EXPECT_TRUE(timer.Expired(0, 2, 250));
}

}  // namespace
}  // namespace strandq
