// Copyright 2026 The strandq Authors.
#include "runtime/ticker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace strandq {
namespace {

using namespace std::chrono_literals;

TEST(TickerTest, PeriodFollowsTheLeaseTtlAndTheHandlerTimeout) {
  EXPECT_EQ(Ticker::PeriodFor(30s, 0s), 5s);
  EXPECT_EQ(Ticker::PeriodFor(30s, 8s), 1s);    // a timeout shorter than the TTL
  EXPECT_EQ(Ticker::PeriodFor(30s, 5min), 5s);  // a longer one changes nothing
  EXPECT_EQ(Ticker::PeriodFor(1ms, 0s), 166666ns);
  EXPECT_EQ(Ticker::PeriodFor(1us, 1us), 100us);  // floor
}

TEST(TickerTest, TicksUntilStoppedAndNotAfter) {
  std::atomic<int> ticks{0};
  Ticker ticker;
  ticker.Start(1ms, [&] { ticks.fetch_add(1); });
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (ticks.load() < 3 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(1ms);
  }
  ticker.Stop();
  const int at_stop = ticks.load();
  EXPECT_GE(at_stop, 3);
  std::this_thread::sleep_for(5ms);
  EXPECT_EQ(ticks.load(), at_stop);
  ticker.Stop();  // twice is harmless
}

TEST(TickerTest, StopDoesNotWaitForTheNextPeriod) {
  Ticker ticker;
  ticker.Start(1h, [] {});
  const auto start = std::chrono::steady_clock::now();
  ticker.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);  // woken, not timed out
}

}  // namespace
}  // namespace strandq
