// Copyright 2026 The strandq Authors.
#include "runtime/start_race.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace strandq {
namespace {

TEST(StartRaceTest, ACompletionInsideStartIsLeftForTheSlotsThread) {
  StartRace race;
  race.Begin(1);
  EXPECT_FALSE(race.Completed(1, Outcome::Nack("early")).has_value());
  auto outcome = race.StartReturned(1, std::nullopt);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->error, "early");
  EXPECT_FALSE(race.Completed(1, Outcome::Ack()).has_value()) << "a second call is ignored";
}

TEST(StartRaceTest, ACompletionAfterStartFinishesTheAttemptItself) {
  StartRace race;
  race.Begin(1);
  EXPECT_FALSE(race.StartReturned(1, std::nullopt).has_value());
  auto outcome = race.Completed(1, Outcome::Ack());
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->acked());
  EXPECT_FALSE(race.Completed(1, Outcome::Ack()).has_value());
}

TEST(StartRaceTest, StartThrowingWinsAndALateCompletionIsIgnored) {
  StartRace race;
  race.Begin(1);
  auto outcome = race.StartReturned(1, Outcome::Nack("threw"));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->error, "threw");
  EXPECT_FALSE(race.Completed(1, Outcome::Ack()).has_value());
}

TEST(StartRaceTest, AStaleCompletionCannotTouchALaterAttempt) {
  StartRace race;
  race.Begin(1);
  EXPECT_FALSE(race.StartReturned(1, std::nullopt).has_value());
  ASSERT_TRUE(race.Completed(1, Outcome::Ack()).has_value());
  race.Begin(2);
  EXPECT_FALSE(race.Completed(1, Outcome::Nack("stale")).has_value());
  EXPECT_FALSE(race.StartReturned(2, std::nullopt).has_value());  // attempt 2 still runs
  EXPECT_TRUE(race.Completed(2, Outcome::Ack()).has_value());
}

// A Completion on another thread racing Start returning: exactly one side finishes each
// attempt, with the Completion's outcome.
TEST(StartRaceTest, ExactlyOneSideFinishesEachAttemptUnderRaces) {
  constexpr uint64_t kAttempts = 20000;
  StartRace race;
  std::atomic<uint64_t> started{0};
  std::atomic<uint64_t> by_completion{0};
  uint64_t by_starter = 0;
  std::thread completer([&] {
    for (uint64_t g = 1; g <= kAttempts; ++g) {
      while (started.load(std::memory_order_acquire) < g) std::this_thread::yield();
      if (race.Completed(g, Outcome::Nack(std::to_string(g)))) by_completion.fetch_add(1);
    }
  });
  for (uint64_t g = 1; g <= kAttempts; ++g) {
    // The previous attempt must be finished before the next begins, as in a pool.
    while (g > 1 && by_starter + by_completion.load() < g - 1) std::this_thread::yield();
    race.Begin(g);
    started.store(g, std::memory_order_release);
    auto outcome = race.StartReturned(g, std::nullopt);
    if (outcome) {
      EXPECT_EQ(outcome->error, std::to_string(g));
      ++by_starter;
    }
  }
  completer.join();
  EXPECT_EQ(by_starter + by_completion.load(), kAttempts);
}

}  // namespace
}  // namespace strandq
