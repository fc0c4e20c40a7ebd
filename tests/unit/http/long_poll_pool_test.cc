// Copyright 2026 The strandq Authors.
#include "http/long_poll_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace strandq::http {
namespace {

using namespace std::chrono_literals;

// Blocks a job until its stop token is requested (a Claim with a long wait does the same).
void WaitForStop(std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait(lock, stop, [] { return false; });
}

TEST(LongPollPoolTest, AdmitsAtMostMaxJobsAndStopEndsThem) {
  LongPollPool pool(3);
  std::atomic<int> ended{0};
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(pool.TrySubmit([&](std::stop_token stop) {
      WaitForStop(stop);
      ended.fetch_add(1);
    }));
  }
  EXPECT_FALSE(pool.TrySubmit([&](std::stop_token) { ended.fetch_add(100); }));
  pool.Stop();
  EXPECT_EQ(ended.load(), 3);  // every admitted job ran to its end, the refused one never
  EXPECT_FALSE(pool.TrySubmit([&](std::stop_token) { ended.fetch_add(100); }));
  pool.Stop();  // idempotent
}

TEST(LongPollPoolTest, FinishedJobsFreeTheirPlace) {
  LongPollPool pool(1);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!pool.TrySubmit([&](std::stop_token) { ran.fetch_add(1); })) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline);
      std::this_thread::sleep_for(1ms);
    }
  }
  pool.Stop();
  EXPECT_EQ(ran.load(), 50);
}

TEST(LongPollPoolTest, QueuedJobsRunWithAStoppedTokenOnStop) {
  LongPollPool pool(64);
  std::atomic<int> stopped_runs{0};
  for (int i = 0; i < 64; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&](std::stop_token stop) {
      WaitForStop(stop);
      if (stop.stop_requested()) stopped_runs.fetch_add(1);
    }));
  }
  pool.Stop();
  EXPECT_EQ(stopped_runs.load(), 64);
}

}  // namespace
}  // namespace strandq::http
