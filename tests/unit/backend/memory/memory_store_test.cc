// Copyright 2026 The strandq Authors.
#include "backend/memory/memory_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/chunked_fifo.h"
#include "strandq/clock.h"
#include "strandq/store.h"
#include "testutil/engine_options.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using Clk = std::chrono::steady_clock;

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = 1'000'000'000;

// A store on a ManualClock, driven the way workers drive it.
class MemoryStoreTest : public ::testing::Test {
 protected:
  void Open(EngineOptions options = {}) { store_ = NewMemoryStore(options, &clock_); }
  static EngineOptions NoBackoff(uint32_t max_attempts = 5) {
    return testing::NoBackoffOptions(max_attempts);
  }

  // Enqueues one event per "account:payload" string, as one batch.
  std::vector<EnqueueReceipt> Enqueue(std::vector<std::string> specs) {
    std::vector<NewEvent> batch;
    for (const std::string& spec : specs) {
      const size_t colon = spec.find('=');
      batch.push_back(
          {spec.substr(0, colon), colon == std::string::npos ? "" : spec.substr(colon + 1)});
    }
    auto result = store_->Enqueue(batch);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : std::vector<EnqueueReceipt>{};
  }
  std::vector<Lease> Claim(size_t max) {
    auto result = store_->Claim(max, nanoseconds(0));
    EXPECT_TRUE(result.ok());
    return result.ok() ? *result : std::vector<Lease>{};
  }
  Lease ClaimOne() {
    std::vector<Lease> leases = Claim(1);
    EXPECT_EQ(leases.size(), 1u);
    return leases.empty() ? Lease{} : leases[0];
  }
  void ExpectNothingToClaim() { EXPECT_TRUE(Claim(10).empty()); }
  Disposition Ack(const Lease& lease) { return Settle(lease, Outcome::Ack()); }
  Disposition Nack(const Lease& lease, std::string error = "boom") {
    return Settle(lease, Outcome::Nack(std::move(error)));
  }
  Disposition Settle(const Lease& lease, const Outcome& outcome) {
    auto result = store_->Complete(lease, outcome, ClaimNext::kNo);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->disposition : Disposition::kAcked;
  }
  StoreStats Stats() { return *store_->Stats(); }
  std::vector<DeadLetter> Dead() { return *store_->ListDead(1000); }

  ManualClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(MemoryStoreTest, IdsGrowFromOneAndSeqsPerAccount) {
  Open();
  auto r = Enqueue({"a=1", "b=1", "a=2"});
  EXPECT_EQ(r, (std::vector<EnqueueReceipt>{{1, 1}, {2, 1}, {3, 2}}));
  r = Enqueue({"b=2", "c=1"});
  EXPECT_EQ(r, (std::vector<EnqueueReceipt>{{4, 2}, {5, 1}}));
  Lease lease = ClaimOne();  // a: most pending, then oldest head
  EXPECT_EQ(lease.event.account, "a");
  EXPECT_EQ(lease.event.payload, "1");
  EXPECT_EQ(lease.event.enqueued_ns, clock_.WallNs());
  EXPECT_EQ(lease.event.attempt, 1u);
  EXPECT_EQ(lease.deadline_ns, clock_.MonotonicNs() + 10 * kSec * 3);  // default ttl 30s
}

TEST_F(MemoryStoreTest, ExpiredLeaseIsRedeliveredWithAttemptPlusOne) {
  Open(NoBackoff());
  Enqueue({"a=x"});
  Lease first = ClaimOne();
  EXPECT_EQ(first.event.attempt, 1u);
  clock_.Advance(10 * kSec);  // exactly at the deadline: still valid
  ExpectNothingToClaim();
  EXPECT_EQ(Stats().leased, 1u);
  clock_.Advance(1);
  Lease second = ClaimOne();
  EXPECT_EQ(second.event.id, first.event.id);
  EXPECT_EQ(second.event.seq, first.event.seq);
  EXPECT_EQ(second.event.attempt, 2u);
  EXPECT_GT(second.token, first.token);
  EXPECT_EQ(Stats().expired, 1u);
}

TEST_F(MemoryStoreTest, StaleTokenIsRefusedAfterExpiryAndRegrant) {
  Open(NoBackoff());
  Enqueue({"a=x", "a=y"});
  Lease stale = ClaimOne();
  clock_.Advance(11 * kSec);
  Lease fresh = ClaimOne();
  ASSERT_EQ(fresh.event.id, stale.event.id);

  auto complete = store_->Complete(stale, Outcome::Ack(), ClaimNext::kYes);
  EXPECT_EQ(complete.status().code(), Status::Code::kLeaseLost);
  EXPECT_EQ(store_->Complete(stale, Outcome::Nack("x"), ClaimNext::kNo).status().code(),
            Status::Code::kLeaseLost);
  Lease copy = stale;
  EXPECT_EQ(store_->Extend(copy).code(), Status::Code::kLeaseLost);
  EXPECT_EQ(copy.deadline_ns, stale.deadline_ns);

  StoreStats stats = Stats();  // nothing changed
  EXPECT_EQ(stats.pending, 2u);
  EXPECT_EQ(stats.leased, 1u);
  EXPECT_EQ(stats.acked, 0u);
  EXPECT_EQ(stats.nacked, 0u);
  EXPECT_EQ(Ack(fresh), Disposition::kAcked);
  EXPECT_EQ(ClaimOne().event.seq, 2u);
}

TEST_F(MemoryStoreTest, ExpiredLeaseIsRefusedEvenBeforeRegrant) {
  Open(NoBackoff());
  Enqueue({"a=x"});
  Lease lease = ClaimOne();
  clock_.Advance(10 * kSec + 1);
  EXPECT_EQ(store_->Complete(lease, Outcome::Ack(), ClaimNext::kNo).status().code(),
            Status::Code::kLeaseLost);
  StoreStats stats = Stats();
  EXPECT_EQ(stats.pending, 1u);
  EXPECT_EQ(stats.ready, 1u);
  EXPECT_EQ(stats.expired, 1u);
}

TEST_F(MemoryStoreTest, LeaseOfAnotherEventOrAccountIsRefused) {
  Open(NoBackoff());
  Enqueue({"a=x", "b=y"});
  Lease lease = ClaimOne();
  Lease wrong_event = lease;
  wrong_event.event.id += 1;
  EXPECT_EQ(store_->Complete(wrong_event, Outcome::Ack(), ClaimNext::kNo).status().code(),
            Status::Code::kLeaseLost);
  Lease unknown = lease;
  unknown.event.account = "nobody";
  EXPECT_EQ(store_->Extend(unknown).code(), Status::Code::kLeaseLost);
  Lease future_token = lease;
  future_token.token += 1;
  EXPECT_EQ(store_->Complete(future_token, Outcome::Ack(), ClaimNext::kNo).status().code(),
            Status::Code::kLeaseLost);
  EXPECT_EQ(Ack(lease), Disposition::kAcked);
  EXPECT_EQ(store_->Complete(lease, Outcome::Ack(), ClaimNext::kNo).status().code(),
            Status::Code::kLeaseLost);  // settled twice
  EXPECT_EQ(Stats().acked, 1u);
}

TEST_F(MemoryStoreTest, ExtendKeepsALeaseAlive) {
  Open(NoBackoff());
  Enqueue({"a=x"});
  Lease lease = ClaimOne();
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(8 * kSec);
    ASSERT_TRUE(store_->Extend(lease).ok());
    EXPECT_EQ(lease.deadline_ns, clock_.MonotonicNs() + 10 * kSec);
    ExpectNothingToClaim();
  }
  clock_.Advance(10 * kSec);
  EXPECT_EQ(Ack(lease), Disposition::kAcked);
  EXPECT_EQ(Stats().expired, 0u);
}

TEST_F(MemoryStoreTest, NackDelaysTheAccountByTheBackoff) {
  EngineOptions options = NoBackoff();
  options.retry_backoff = milliseconds(100);
  options.retry_backoff_max = milliseconds(150);
  Open(options);
  Enqueue({"a=1", "a=2", "b=1"});
  Lease a = ClaimOne();
  ASSERT_EQ(a.event.account, "a");
  EXPECT_EQ(Nack(a), Disposition::kRetrying);
  StoreStats stats = Stats();
  EXPECT_EQ(stats.delayed, 1u);
  EXPECT_EQ(stats.ready, 1u);
  EXPECT_EQ(stats.nacked, 1u);
  EXPECT_EQ(ClaimOne().event.account, "b");  // the other account is not held up

  // First retry: delay in [50ms, 100ms].
  clock_.Advance(50 * kMs - 1);
  ExpectNothingToClaim();
  int64_t waited = 50 * kMs - 1;
  std::vector<Lease> got;
  while ((got = Claim(1)).empty()) {
    clock_.Advance(kMs);
    waited += kMs;
    ASSERT_LE(waited, 100 * kMs);
  }
  EXPECT_EQ(got[0].event.id, a.event.id);
  EXPECT_EQ(got[0].event.attempt, 2u);

  // Second retry: delay in [75ms, 150ms] (200ms capped at 150ms).
  EXPECT_EQ(Nack(got[0]), Disposition::kRetrying);
  clock_.Advance(75 * kMs - 1);
  ExpectNothingToClaim();
  clock_.Advance(75 * kMs + 1);
  Lease third = ClaimOne();
  EXPECT_EQ(third.event.attempt, 3u);
  EXPECT_EQ(third.event.seq, 1u);
  EXPECT_EQ(Stats().delayed, 0u);
}

TEST_F(MemoryStoreTest, MaxAttemptsThenDeadLetterAndSkip) {
  Open(NoBackoff(/*max_attempts=*/2));
  Enqueue({"a=1", "a=2"});
  EXPECT_EQ(Nack(ClaimOne(), "first"), Disposition::kRetrying);
  clock_.Advance(kSec);
  Lease last = ClaimOne();
  EXPECT_EQ(last.event.attempt, 2u);
  EXPECT_EQ(Nack(last, "second"), Disposition::kDead);

  Lease next = ClaimOne();  // the strand goes on
  EXPECT_EQ(next.event.seq, 2u);
  std::vector<DeadLetter> dead = Dead();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].event.id, 1u);
  EXPECT_EQ(dead[0].event.account, "a");
  EXPECT_EQ(dead[0].event.seq, 1u);
  EXPECT_EQ(dead[0].event.payload, "1");
  EXPECT_EQ(dead[0].event.attempt, 2u);
  EXPECT_EQ(dead[0].error, "second");
  EXPECT_EQ(dead[0].dead_ns, clock_.WallNs());
  StoreStats stats = Stats();
  EXPECT_EQ(stats.dead, 1u);
  EXPECT_EQ(stats.dead_lettered, 1u);
  EXPECT_EQ(stats.parked, 0u);
  EXPECT_EQ(stats.pending, 1u);
}

TEST_F(MemoryStoreTest, ExpiryAtMaxAttemptsDeadLetters) {
  Open(NoBackoff(/*max_attempts=*/1));
  Enqueue({"a=1", "a=2"});
  ClaimOne();
  clock_.Advance(11 * kSec);
  EXPECT_EQ(ClaimOne().event.seq, 2u);
  std::vector<DeadLetter> dead = Dead();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].error, "lease expired");
  EXPECT_EQ(dead[0].event.attempt, 1u);
  StoreStats stats = Stats();
  EXPECT_EQ(stats.expired, 1u);
  EXPECT_EQ(stats.dead_lettered, 1u);
}

TEST_F(MemoryStoreTest, ParkStopsTheStrandUntilReplay) {
  EngineOptions options = NoBackoff(/*max_attempts=*/1);
  options.on_dead = OnDead::kPark;
  Open(options);
  Enqueue({"a=1", "a=2", "b=1"});
  Lease a = ClaimOne();
  ASSERT_EQ(a.event.account, "a");
  EXPECT_EQ(Nack(a), Disposition::kDead);
  EXPECT_EQ(ClaimOne().event.account, "b");
  ExpectNothingToClaim();
  Enqueue({"a=3"});  // new events wait too
  ExpectNothingToClaim();
  StoreStats stats = Stats();
  EXPECT_EQ(stats.parked, 1u);
  EXPECT_EQ(stats.pending, 3u);  // a2, a3 and b1 (leased)
  EXPECT_EQ(stats.ready, 0u);
  EXPECT_FALSE(stats.drained());

  const uint64_t id = a.event.id;
  EXPECT_EQ(*store_->ReplayDead({&id, 1}, ReplayAt::kHead), 1u);
  Lease again = ClaimOne();
  EXPECT_EQ(again.event.id, id);
  EXPECT_EQ(again.event.seq, 1u);
  EXPECT_EQ(again.event.attempt, 1u);  // attempts start over
  EXPECT_EQ(Stats().parked, 0u);
  EXPECT_EQ(Ack(again), Disposition::kAcked);
  EXPECT_EQ(ClaimOne().event.seq, 2u);
}

TEST_F(MemoryStoreTest, ParkedStrandWithNoEventsStaysParked) {
  EngineOptions options = NoBackoff(/*max_attempts=*/1);
  options.on_dead = OnDead::kPark;
  Open(options);
  Enqueue({"a=1"});
  EXPECT_EQ(Nack(ClaimOne()), Disposition::kDead);
  EXPECT_EQ(Stats().parked, 1u);
  EXPECT_EQ(Stats().accounts, 0u);
  Enqueue({"a=2"});
  ExpectNothingToClaim();
  EXPECT_EQ(*store_->PurgeDead({}), 1u);  // purge unparks
  Lease lease = ClaimOne();
  EXPECT_EQ(lease.event.seq, 2u);
  EXPECT_EQ(Stats().parked, 0u);
  EXPECT_EQ(Stats().dead, 0u);
}

TEST_F(MemoryStoreTest, ReplayAtTailKeepsIdAndSeq) {
  Open(NoBackoff(/*max_attempts=*/1));
  Enqueue({"a=1", "a=2", "a=3"});
  Lease first = ClaimOne();
  EXPECT_EQ(Nack(first), Disposition::kDead);
  const uint64_t id = first.event.id;
  EXPECT_EQ(*store_->ReplayDead({&id, 1}, ReplayAt::kTail), 1u);
  EXPECT_TRUE(Dead().empty());
  std::vector<uint64_t> seqs;
  for (int i = 0; i < 3; ++i) {
    Lease lease = ClaimOne();
    seqs.push_back(lease.event.seq);
    if (lease.event.id == id) {
      EXPECT_EQ(lease.event.payload, "1");
    }
    Ack(lease);
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{2, 3, 1}));
  EXPECT_TRUE(Stats().drained());
}

TEST_F(MemoryStoreTest, ReplayAtHeadKeepsOrderAndNeverBreaksALiveLease) {
  Open(NoBackoff(/*max_attempts=*/1));
  Enqueue({"a=1", "a=2", "a=3", "a=4"});
  const Lease l1 = ClaimOne();
  Nack(l1);
  const Lease l2 = ClaimOne();
  Nack(l2);
  const Lease l3 = ClaimOne();  // in flight while we replay
  ASSERT_EQ(l3.event.seq, 3u);
  const std::vector<uint64_t> ids = {l2.event.id, l1.event.id, 999};  // any order; 999 unknown
  EXPECT_EQ(*store_->ReplayDead(ids, ReplayAt::kHead), 2u);
  EXPECT_EQ(Stats().pending, 4u);
  Lease extended = l3;
  ASSERT_TRUE(store_->Extend(extended).ok());
  EXPECT_EQ(Ack(l3), Disposition::kAcked);
  std::vector<uint64_t> seqs;
  while (true) {
    std::vector<Lease> leases = Claim(1);
    if (leases.empty()) break;
    seqs.push_back(leases[0].event.seq);
    Ack(leases[0]);
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2, 4}));
}

TEST_F(MemoryStoreTest, ReplayAtHeadOfAnIdleStrandGoesFirst) {
  Open(NoBackoff(/*max_attempts=*/1));
  Enqueue({"a=1", "b=1"});
  std::vector<Lease> leases = Claim(2);
  ASSERT_EQ(leases.size(), 2u);
  for (const Lease& lease : leases) Nack(lease);
  Enqueue({"a=2"});
  const uint64_t id = leases[0].event.account == "a" ? leases[0].event.id : leases[1].event.id;
  EXPECT_EQ(*store_->ReplayDead({&id, 1}, ReplayAt::kHead), 1u);
  Lease lease = ClaimOne();
  EXPECT_EQ(lease.event.id, id);
  EXPECT_EQ(lease.event.seq, 1u);
  EXPECT_EQ(Dead().size(), 1u);
}

TEST_F(MemoryStoreTest, PurgeByIdAndAll) {
  Open(NoBackoff(/*max_attempts=*/1));
  Enqueue({"a=1", "b=1", "c=1"});
  std::vector<Lease> leases = Claim(3);
  ASSERT_EQ(leases.size(), 3u);
  for (const Lease& lease : leases) Nack(lease, "e" + lease.event.account);
  std::vector<DeadLetter> dead = Dead();
  ASSERT_EQ(dead.size(), 3u);
  std::vector<DeadLetter> two = *store_->ListDead(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].event.id, dead[1].event.id);
  EXPECT_EQ(two[1].error, dead[1].error);
  const std::vector<uint64_t> some = {dead[1].event.id, 12345, dead[1].event.id};
  EXPECT_EQ(*store_->PurgeDead(some), 1u);
  dead = Dead();
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(*store_->PurgeDead({}), 2u);
  EXPECT_TRUE(Dead().empty());
  EXPECT_EQ(*store_->PurgeDead({}), 0u);
  EXPECT_EQ(Stats().dead, 0u);
  EXPECT_EQ(Stats().dead_lettered, 3u);
}

TEST_F(MemoryStoreTest, LongestPolicyPicksTheLongestStrand) {
  Open(NoBackoff());
  Enqueue({"a=1", "a=2", "a=3", "b=1", "b=2", "b=3", "b=4", "b=5", "c=1"});
  std::vector<Lease> leases = Claim(3);
  ASSERT_EQ(leases.size(), 3u);
  EXPECT_EQ(leases[0].event.account, "b");
  EXPECT_EQ(leases[1].event.account, "a");
  EXPECT_EQ(leases[2].event.account, "c");
  // b still has the most once its head is done; claim_next hands it back at once.
  auto next = store_->Complete(leases[0], Outcome::Ack(), ClaimNext::kYes);
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(next->next.has_value());
  EXPECT_EQ(next->next->event.account, "b");
  EXPECT_EQ(next->next->event.seq, 2u);
}

TEST_F(MemoryStoreTest, OldestPolicyPicksTheOldestHead) {
  EngineOptions options = NoBackoff();
  options.policy = Policy::kOldest;
  Open(options);
  Enqueue({"c=1", "a=1", "a=2", "a=3", "b=1", "b=2", "b=3", "b=4", "b=5"});
  std::vector<Lease> leases = Claim(3);
  ASSERT_EQ(leases.size(), 3u);
  EXPECT_EQ(leases[0].event.account, "c");
  EXPECT_EQ(leases[1].event.account, "a");
  EXPECT_EQ(leases[2].event.account, "b");
  Enqueue({"d=1"});
  Ack(leases[2]);  // b's next head (id 6) is older than d's (id 10)
  EXPECT_EQ(ClaimOne().event.account, "b");
  EXPECT_EQ(ClaimOne().event.account, "d");
}

TEST_F(MemoryStoreTest, BatchIsAtomic) {
  EngineOptions options = NoBackoff();
  options.max_payload_bytes = 4;
  Open(options);
  std::vector<NewEvent> bad_account = {{"a", "1"}, {"b", "2"}, {"no spaces", "3"}};
  auto r = store_->Enqueue(bad_account);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("event 2: account 'no spaces'", 0), 0u)
      << r.status().message();

  std::vector<NewEvent> too_large = {{"a", "1234"}, {"b", "12345"}};
  r = store_->Enqueue(too_large);
  EXPECT_EQ(r.status().code(), Status::Code::kTooLarge);
  EXPECT_EQ(r.status().message(), "event 1: payload of 5 bytes exceeds the limit of 4 bytes");

  StoreStats stats = Stats();
  EXPECT_EQ(stats.pending, 0u);
  EXPECT_EQ(stats.enqueued, 0u);
  EXPECT_EQ(stats.accounts, 0u);
  ExpectNothingToClaim();
  EXPECT_EQ(Enqueue({"a=1234"})[0], (EnqueueReceipt{1, 1}));  // no id or seq was used up
}

TEST_F(MemoryStoreTest, StatsGaugesAreExact) {
  EngineOptions options = NoBackoff(/*max_attempts=*/2);
  options.retry_backoff = seconds(1);
  options.retry_backoff_max = seconds(1);
  options.on_dead = OnDead::kPark;
  Open(options);
  EXPECT_TRUE(Stats().drained());
  Enqueue({"a=1", "a=2", "b=1", "c=1", "d=1", "e=1", "e=2"});
  StoreStats s = Stats();
  EXPECT_EQ(s.pending, 7u);
  EXPECT_EQ(s.accounts, 5u);
  EXPECT_EQ(s.ready, 5u);
  EXPECT_EQ(s.enqueued, 7u);

  std::vector<Lease> l = Claim(4);  // a, e (2 each), then b, c
  ASSERT_EQ(l.size(), 4u);
  Ack(l[0]);   // a: one left, ready again
  Nack(l[1]);  // e: delayed
  Nack(l[2]);  // b: delayed
  // c stays leased; d stays ready.
  s = Stats();
  EXPECT_EQ(s.pending, 6u);
  EXPECT_EQ(s.accounts, 5u);
  EXPECT_EQ(s.ready, 2u);
  EXPECT_EQ(s.leased, 1u);
  EXPECT_EQ(s.delayed, 2u);
  EXPECT_EQ(s.acked, 1u);
  EXPECT_EQ(s.nacked, 2u);
  EXPECT_FALSE(s.drained());

  clock_.Advance(2 * kSec);  // delays over
  s = Stats();
  EXPECT_EQ(s.delayed, 0u);
  EXPECT_EQ(s.ready, 4u);
  l = Claim(10);
  ASSERT_EQ(l.size(), 4u);
  for (const Lease& lease : l) {
    if (lease.event.account == "b") {
      EXPECT_EQ(Nack(lease), Disposition::kDead);  // second attempt: dead, b parks
    } else {
      Ack(lease);
    }
  }
  clock_.Advance(11 * kSec);  // c's lease expires: attempt 1 of 2, so c is ready again
  s = Stats();
  EXPECT_EQ(s.expired, 1u);
  EXPECT_EQ(s.parked, 1u);
  EXPECT_EQ(s.dead, 1u);
  EXPECT_EQ(s.dead_lettered, 1u);
  EXPECT_EQ(s.leased, 0u);
  EXPECT_EQ(s.ready, 2u);  // c again, e's second event
  EXPECT_EQ(s.pending, 2u);
  EXPECT_EQ(s.accounts, 2u);
  for (const Lease& lease : Claim(10)) Ack(lease);
  s = Stats();
  EXPECT_TRUE(s.drained());
  EXPECT_EQ(s.pending, 0u);
  EXPECT_EQ(s.accounts, 0u);
  EXPECT_EQ(s.acked, 6u);
}

TEST_F(MemoryStoreTest, TokensOnlyGrow) {
  Open(NoBackoff(/*max_attempts=*/100));
  Enqueue({"a=1", "a=2"});
  uint64_t last = 0;
  for (int i = 0; i < 10; ++i) {
    Lease lease = ClaimOne();
    EXPECT_GT(lease.token, last);
    last = lease.token;
    if (i % 3 == 0) {
      clock_.Advance(11 * kSec);
    } else {
      Nack(lease);
    }
  }
}

TEST_F(MemoryStoreTest, ClaimOfZeroAndEmptyBatch) {
  Open();
  EXPECT_TRUE(Enqueue({}).empty());
  Enqueue({"a=1"});
  EXPECT_TRUE(store_->Claim(0, seconds(10))->empty());
  EXPECT_EQ(Stats().ready, 1u);
}

TEST_F(MemoryStoreTest, AStoppedClaimerGetsNothingButCompletionsGoOn) {
  Open(NoBackoff());
  Enqueue({"a=1", "a=2", "b=1"});
  Lease lease = ClaimOne();
  std::stop_source stop;
  stop.request_stop();
  const auto start = Clk::now();
  EXPECT_TRUE(store_->Claim(1, seconds(10), stop.get_token())->empty());
  EXPECT_LT(Clk::now() - start, seconds(5));
  ASSERT_TRUE(store_->Extend(lease).ok());
  auto done = store_->Complete(lease, Outcome::Ack(), ClaimNext::kNo);
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(done->next.has_value());
  EXPECT_EQ(Stats().acked, 1u);
}

TEST_F(MemoryStoreTest, OpenStoreByUrl) {
  EXPECT_TRUE(OpenStore("mem:", EngineOptions()).ok());
  EXPECT_TRUE(OpenStore("mem", EngineOptions()).ok());
  auto bad = OpenStore("memory://", EngineOptions());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "unknown store URL 'memory://': expected mem:, sqlite:PATH or "
            "redis://[user:pass@]host:port[/db][?prefix=NAME]");
  EngineOptions invalid;
  invalid.max_attempts = 0;
  EXPECT_EQ(OpenStore("mem:", invalid).status().code(), Status::Code::kInvalidArgument);
}

TEST(SystemClockTest, ReadsRealTime) {
  Clock* clock = SystemClock();
  ASSERT_EQ(clock, SystemClock());
  const int64_t a = clock->MonotonicNs();
  std::this_thread::sleep_for(milliseconds(2));
  EXPECT_GE(clock->MonotonicNs() - a, 2 * kMs);
  const int64_t wall = clock->WallNs();
  EXPECT_GT(wall, int64_t{1'700'000'000} * kSec);  // after 2023
}

// ---- Blocking, with the real clock and short waits ----

EngineOptions RealTime(int64_t ttl_ms, int64_t backoff_ms) {
  EngineOptions options;
  options.lease_ttl = milliseconds(ttl_ms);
  options.retry_backoff = milliseconds(backoff_ms);
  options.retry_backoff_max = milliseconds(backoff_ms);
  return options;
}

TEST(MemoryStoreBlockingTest, ClaimTimesOutEmpty) {
  auto store = NewMemoryStore(RealTime(1000, 10));
  const auto start = Clk::now();
  auto leases = store->Claim(1, milliseconds(30));
  ASSERT_TRUE(leases.ok());
  EXPECT_TRUE(leases->empty());
  EXPECT_GE(Clk::now() - start, milliseconds(30));
}

TEST(MemoryStoreBlockingTest, BlockedClaimWakesOnEnqueue) {
  auto store = NewMemoryStore(RealTime(10000, 10));
  auto claimer = std::async(std::launch::async, [&] {
    const auto start = Clk::now();
    auto leases = store->Claim(1, seconds(10));
    return std::make_pair(std::move(leases), Clk::now() - start);
  });
  std::this_thread::sleep_for(milliseconds(50));
  std::vector<NewEvent> batch = {{"acct", "hello"}};
  ASSERT_TRUE(store->Enqueue(batch).ok());
  auto [leases, took] = claimer.get();
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].event.payload, "hello");
  EXPECT_LT(took, seconds(5));
}

TEST(MemoryStoreBlockingTest, OneEnqueueWakesAsManyClaimersAsAccounts) {
  auto store = NewMemoryStore(RealTime(10000, 10));
  std::vector<std::future<size_t>> claimers;
  for (int i = 0; i < 3; ++i) {
    claimers.push_back(std::async(std::launch::async, [&] {
      auto leases = store->Claim(1, seconds(10));
      return leases.ok() ? leases->size() : 0;
    }));
  }
  std::this_thread::sleep_for(milliseconds(50));
  std::vector<NewEvent> batch = {{"a", ""}, {"b", ""}, {"c", ""}};
  const auto start = Clk::now();
  ASSERT_TRUE(store->Enqueue(batch).ok());
  size_t total = 0;
  for (auto& claimer : claimers) total += claimer.get();
  EXPECT_EQ(total, 3u);
  EXPECT_LT(Clk::now() - start, seconds(5));
}

TEST(MemoryStoreBlockingTest, AStopRequestWakesABlockedClaim) {
  auto store = NewMemoryStore(RealTime(10000, 10));
  std::stop_source stop;
  auto claimer = std::async(std::launch::async, [&] {
    const auto start = Clk::now();
    auto leases = store->Claim(1, seconds(30), stop.get_token());
    return std::make_pair(leases.ok() && leases->empty(), Clk::now() - start);
  });
  std::this_thread::sleep_for(milliseconds(50));
  stop.request_stop();
  auto [empty, took] = claimer.get();
  EXPECT_TRUE(empty);
  EXPECT_LT(took, seconds(5));
}

TEST(MemoryStoreBlockingTest, BlockedClaimWakesWhenARetryDelayEnds) {
  auto store = NewMemoryStore(RealTime(10000, 60));
  std::vector<NewEvent> batch = {{"a", "x"}};
  ASSERT_TRUE(store->Enqueue(batch).ok());
  Lease lease = (*store->Claim(1, milliseconds(0)))[0];
  ASSERT_TRUE(store->Complete(lease, Outcome::Nack("later"), ClaimNext::kYes).ok());
  const auto start = Clk::now();
  auto leases = store->Claim(1, seconds(10));
  const auto took = Clk::now() - start;
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].event.attempt, 2u);
  EXPECT_GE(took, milliseconds(25));  // jittered 30-60ms from the nack
  EXPECT_LT(took, seconds(5));
}

TEST(MemoryStoreBlockingTest, BlockedClaimWakesWhenALeaseExpires) {
  auto store = NewMemoryStore(RealTime(50, 10));
  std::vector<NewEvent> batch = {{"a", "x"}};
  ASSERT_TRUE(store->Enqueue(batch).ok());
  Lease dropped = (*store->Claim(1, milliseconds(0)))[0];
  auto leases = store->Claim(1, seconds(10));
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].event.attempt, 2u);
  EXPECT_EQ(store->Complete(dropped, Outcome::Ack(), ClaimNext::kNo).status().code(),
            Status::Code::kLeaseLost);
}

TEST(MemoryStoreBlockingTest, ANewEarlierTimerWakesASleeperWithALaterOne) {
  // The sleeper first waits for a 10s lease deadline; a nack with a 30ms backoff on another
  // account must shorten its wait.
  auto store = NewMemoryStore(RealTime(10000, 30));
  std::vector<NewEvent> batch = {{"a", "x"}, {"b", "y"}};
  ASSERT_TRUE(store->Enqueue(batch).ok());
  std::vector<Lease> leases = *store->Claim(2, milliseconds(0));
  ASSERT_EQ(leases.size(), 2u);
  auto claimer = std::async(std::launch::async, [&] {
    const auto start = Clk::now();
    auto got = store->Claim(1, seconds(10));
    return std::make_pair(got.ok() ? got->size() : 0, Clk::now() - start);
  });
  std::this_thread::sleep_for(milliseconds(30));
  ASSERT_TRUE(store->Complete(leases[0], Outcome::Nack("x"), ClaimNext::kNo).ok());
  auto [got, took] = claimer.get();
  EXPECT_EQ(got, 1u);
  EXPECT_LT(took, seconds(5));
}

// ---- ChunkedFifo, the strand's event queue ----

TEST(ChunkedFifoTest, KeepsOrderAcrossChunks) {
  ChunkedFifo<std::string> fifo;
  EXPECT_TRUE(fifo.empty());
  for (int i = 0; i < 2000; ++i) fifo.push_back(std::to_string(i));
  EXPECT_EQ(fifo.size(), 2000u);
  for (int i = 0; i < 1500; ++i) {
    ASSERT_EQ(fifo.front(), std::to_string(i));
    fifo.PrefetchSecond();  // a hint; must be safe at every chunk boundary
    fifo.pop_front();
  }
  for (int i = 2000; i < 2500; ++i) fifo.push_back(std::to_string(i));
  int expect = 1500;
  fifo.ForEach([&](const std::string& s) { EXPECT_EQ(s, std::to_string(expect++)); });
  EXPECT_EQ(expect, 2500);
  ChunkedFifo<std::string> moved = std::move(fifo);
  EXPECT_TRUE(fifo.empty());  // NOLINT: moved-from is empty by contract
  EXPECT_EQ(moved.size(), 1000u);
  while (!moved.empty()) moved.pop_front();
  moved.push_back("again");
  EXPECT_EQ(moved.front(), "again");
}

TEST(ChunkedFifoTest, PushFrontBeforeEverything) {
  ChunkedFifo<std::string> fifo;
  fifo.push_front("c");
  fifo.push_back("d");
  fifo.push_front("b");
  fifo.push_front("a");
  fifo.push_back("e");
  std::string all;
  fifo.ForEach([&](const std::string& s) { all += s; });
  EXPECT_EQ(all, "abcde");
  all.clear();
  while (!fifo.empty()) {
    all += fifo.front();
    fifo.PrefetchSecond();
    fifo.pop_front();
  }
  EXPECT_EQ(all, "abcde");
}

}  // namespace
}  // namespace strandq
