// Copyright 2026 The strandq Authors.
// StoreModel's transitions, each at an instant the test passes in (no clock, no threads). The
// whole Store contract runs on the model through MemoryStore (memory_store_test) and is compared
// with every store by store_differential_test; these tests pin the rules that are about time
// and jitter, which only the model states.

#include "core/store_model.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace strandq {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr int64_t kMs = 1'000'000;

EngineOptions Options(uint32_t max_attempts = 3) {
  EngineOptions options;
  options.lease_ttl = milliseconds(20);
  options.max_attempts = max_attempts;
  options.retry_backoff = milliseconds(10);
  options.retry_backoff_max = milliseconds(40);
  return options;
}

ModelTime At(int64_t ms) { return {ms * kMs, 1000 * kMs + ms * kMs}; }

void Enqueue(StoreModel& model, const std::vector<std::string>& accounts, int64_t ms) {
  std::vector<NewEvent> batch;
  std::vector<std::string> payloads;
  for (const std::string& account : accounts) {
    batch.push_back({account, "x"});
    payloads.push_back("x");
  }
  model.Enqueue(batch, std::move(payloads), At(ms));
}

TEST(StoreModelTest, ALeaseIsValidUntilItsDeadlineInclusive) {
  StoreModel model(Options(), 1);
  Enqueue(model, {"a"}, 0);
  std::vector<Lease> leases = model.Claim(1, At(0));
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].deadline_ns, 20 * kMs);
  EXPECT_EQ(model.NextDue(), 20 * kMs + 1);  // the first instant it is expired
  Lease lease = leases[0];
  EXPECT_TRUE(model.Extend(lease, At(20)).ok());
  EXPECT_EQ(lease.deadline_ns, 40 * kMs);
  EXPECT_FALSE(model.Extend(lease, {40 * kMs + 1, 0}).ok());
  // Expired: ready again at once, with attempt 2 and a larger token.
  std::vector<Lease> again = model.Claim(1, {40 * kMs + 1, 0});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].event.attempt, 2u);
  EXPECT_GT(again[0].token, lease.token);
  EXPECT_EQ(model.Complete(lease, Outcome::Ack(), ClaimNext::kNo, At(41)).status().code(),
            Status::Code::kLeaseLost);
}

TEST(StoreModelTest, ANackWaitsOutTheBackoffOfItsSeedEventAndAttempt) {
  const Backoff backoff(milliseconds(10), milliseconds(40));
  StoreModel model(Options(), 7);
  Enqueue(model, {"a"}, 0);
  Lease lease = model.Claim(1, At(0))[0];
  auto result = model.Complete(lease, Outcome::Nack("boom"), ClaimNext::kNo, At(1));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->disposition, Disposition::kRetrying);
  const nanoseconds delay = backoff.Delay(1, JitterDraw(7, lease.event.id, 1));
  EXPECT_EQ(model.NextDue(), 1 * kMs + delay.count());
  EXPECT_TRUE(model.Claim(1, {1 * kMs + delay.count() - 1, 0}).empty());
  EXPECT_EQ(model.Claim(1, {1 * kMs + delay.count(), 0}).size(), 1u);
}

TEST(StoreModelTest, AHandlersDelayReplacesTheBackoffAndPermanentDeadLettersAtOnce) {
  StoreModel model(Options(5), 7);
  Enqueue(model, {"a", "a"}, 0);
  Lease lease = model.Claim(1, At(0))[0];
  auto retried = model.Complete(lease, Outcome::NackRetryAfter("busy", milliseconds(3)),
                                ClaimNext::kNo, At(1));
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->disposition, Disposition::kRetrying);
  EXPECT_EQ(model.NextDue(), 4 * kMs);
  lease = model.Claim(1, At(4))[0];
  EXPECT_EQ(lease.event.attempt, 2u);
  auto dead = model.Complete(lease, Outcome::Permanent("declined"), ClaimNext::kNo, At(5));
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(dead->disposition, Disposition::kDead);
  const StoreStats stats = model.Stats(At(5));
  EXPECT_EQ(stats.nacked, 2u);
  EXPECT_EQ(stats.dead_lettered, 1u);
  EXPECT_EQ(model.ListDead(1, At(5))[0].error, "permanent failure: declined");
}

TEST(StoreModelTest, TheSameStepsGiveTheSameAnswers) {
  auto run = [] {
    StoreModel model(Options(2), 99);
    std::vector<std::string> out;
    Enqueue(model, {"a", "b", "a", "c"}, 0);
    for (int64_t ms = 0; ms < 200; ms += 7) {
      for (const Lease& lease : model.Claim(2, At(ms))) {
        out.push_back(lease.event.account + std::to_string(lease.event.id) + "@" +
                      std::to_string(ms) + "#" + std::to_string(lease.event.attempt));
        const Outcome outcome = lease.event.id % 2 == 0 ? Outcome::Ack() : Outcome::Nack("no");
        (void)model.Complete(lease, outcome, ClaimNext::kNo, At(ms + 1));
      }
    }
    out.push_back(std::to_string(model.Stats(At(200)).dead_lettered));
    return out;
  };
  const std::vector<std::string> first = run();
  EXPECT_EQ(first, run());
  EXPECT_EQ(first.back(), "2");  // events 1 and 3 fail twice
}

TEST(StoreModelTest, ExpiriesAtOneStepDeadLetterWithTheirWallTime) {
  StoreModel model(Options(1), 1);
  Enqueue(model, {"a", "b"}, 0);
  ASSERT_EQ(model.Claim(2, At(0)).size(), 2u);
  const StoreStats stats = model.Stats(At(21));
  EXPECT_EQ(stats.expired, 2u);
  EXPECT_EQ(stats.dead_lettered, 2u);
  for (const DeadLetter& d : model.ListDead(10, At(21))) {
    EXPECT_EQ(d.dead_ns, At(21).wall_ns);
    EXPECT_EQ(d.error, "lease expired");
  }
}

}  // namespace
}  // namespace strandq

namespace strandq {
namespace {

// The restart rule: leases and delays end; a head granted max_attempts times is dead-lettered,
// any other keeps its attempts and is delivered again with attempt + 1.
TEST(StoreModelRestartTest, LeasesAndDelaysEndAndAHeadAtMaxAttemptsDies) {
  StoreModel model(Options(/*max_attempts=*/2), 1);
  Enqueue(model, {"a", "a", "b", "c"}, 0);
  std::vector<Lease> first = model.Claim(3, At(0));
  ASSERT_EQ(first.size(), 3u);
  for (const Lease& lease : first) {
    if (lease.event.account == "b") {
      ASSERT_TRUE(model.Complete(lease, Outcome::Nack("later"), ClaimNext::kNo, At(1)).ok());
    }
  }
  model.Restart(At(2));  // a and c in flight, b delayed
  StoreStats stats = model.Stats(At(2));
  EXPECT_EQ(stats.leased, 0u);
  EXPECT_EQ(stats.delayed, 0u);
  EXPECT_EQ(stats.ready, 3u);
  std::vector<Lease> second = model.Claim(3, At(2));
  ASSERT_EQ(second.size(), 3u);
  for (const Lease& lease : second) EXPECT_EQ(lease.event.attempt, 2u) << lease.event.account;
  model.Restart(At(3));  // every head in flight at its second attempt
  stats = model.Stats(At(3));
  EXPECT_EQ(stats.dead, 3u);
  std::vector<DeadLetter> dead = model.ListDead(10, At(3));
  ASSERT_EQ(dead.size(), 3u);
  EXPECT_EQ(dead[0].error,
            "the process ended during attempt 2 (a handler that crashes its "
            "process?)");
  std::vector<Lease> third = model.Claim(3, At(3));
  ASSERT_EQ(third.size(), 1u);  // a's second event
  EXPECT_EQ(third[0].event.account, "a");
  EXPECT_EQ(third[0].event.seq, 2u);
  EXPECT_EQ(third[0].event.attempt, 1u);
}

// What a durable store writes: the steps' changes, with the accounts' records as they ended.
TEST(StoreModelRestartTest, TakeChangesHandsOverWhatTheStepsChanged) {
  StoreModel model(Options(), 1);
  model.RecordChanges();
  Enqueue(model, {"a", "b"}, 0);
  std::vector<Lease> leases = model.Claim(1, At(0));
  ASSERT_EQ(leases.size(), 1u);
  ASSERT_TRUE(model.Complete(leases[0], Outcome::Ack(), ClaimNext::kNo, At(1)).ok());
  ModelChanges changes = model.TakeChanges();
  ASSERT_EQ(changes.new_accounts.size(), 2u);
  EXPECT_EQ(changes.new_accounts[0].second, "a");
  ASSERT_EQ(changes.accepted.size(), 2u);
  EXPECT_EQ(changes.accepted[1].batch_index, 1u);
  EXPECT_EQ(changes.removed, std::vector<uint64_t>{leases[0].event.id});
  ASSERT_EQ(changes.accounts.size(), 2u);
  EXPECT_EQ(changes.totals.enqueued, 2u);
  EXPECT_EQ(changes.totals.acked, 1u);
  EXPECT_TRUE(changes.totals_changed);
  EXPECT_TRUE(model.TakeChanges().empty());  // nothing since
}

}  // namespace
}  // namespace strandq
