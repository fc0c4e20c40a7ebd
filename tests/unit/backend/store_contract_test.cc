// Copyright 2026 The strandq Authors.
// The Store contract (store.h), checked through the Store interface only, against every
// backend. To add a backend, extend OpenBackend() and the INSTANTIATE list at the bottom;
// redis runs on a private redis-server the test starts (install-deps installs it). Time is real (a
// remote store keeps its own clock), so lease tests use short TTLs and short sleeps.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "backend/redis/redis_store.h"
#include "backend/redis/redis_url.h"
#include "strandq/store.h"
#include "testutil/engine_options.h"
#include "testutil/redis_server.h"
#include "testutil/shared_redis_store.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Opens a fresh, empty store of backend `name`.
Result<std::unique_ptr<Store>> OpenBackend(const std::string& name, const EngineOptions& options) {
  if (name == "mem") return OpenStore("mem:", options);
  if (name == "redis") {
    static int namespaces = 0;
    testing::RedisServer& redis = testing::SharedRedis();
    if (!redis.ok()) return Status::Unavailable(redis.Error());
    return OpenStore(redis.Url("contract" + std::to_string(++namespaces)), options);
  }
  if (name == "redis_scripts") {
    // The EVALSHA scripts a Redis 6.2 server runs (this server has functions).
    static int namespaces = 0;
    RedisStoreOptions redis_options;
    redis_options.functions = false;
    return testing::OpenSharedRedisStore("scripts" + std::to_string(++namespaces), options,
                                         redis_options);
  }
  if (name == "sqlite") {
    static testing::TempDir dir;
    static int files = 0;
    return OpenStore("sqlite:" + dir.File("contract" + std::to_string(++files) + ".db"), options);
  }
  return Status::InvalidArgument("no such test backend: " + name);
}

class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Opens the store under test; returns false (and fails the test) if it cannot.
  bool Open(EngineOptions options) {
    auto store = OpenBackend(GetParam(), options);
    if (!store.ok()) {
      ADD_FAILURE() << store.status().ToString();
      return false;
    }
    store_ = std::move(*store);
    return true;
  }
  static EngineOptions Fast(uint32_t max_attempts = 5) {
    return testing::NoBackoffOptions(max_attempts);
  }

  std::vector<EnqueueReceipt> Enqueue(const std::vector<NewEvent>& batch) {
    auto r = store_->Enqueue(batch);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<EnqueueReceipt>{};
  }
  std::vector<Lease> Claim(size_t max) {
    auto r = store_->Claim(max, nanoseconds(0));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<Lease>{};
  }
  Lease ClaimOne() {
    std::vector<Lease> leases = Claim(1);
    EXPECT_EQ(leases.size(), 1u);
    return leases.empty() ? Lease{} : leases[0];
  }
  CompleteResult Complete(const Lease& lease, const Outcome& outcome,
                          ClaimNext claim_next = ClaimNext::kNo) {
    auto r = store_->Complete(lease, outcome, claim_next);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CompleteResult{};
  }
  StoreStats Stats() {
    auto r = store_->Stats();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : StoreStats{};
  }

  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, ReceiptsGrowInAcceptanceOrder) {
  ASSERT_TRUE(Open(Fast()));
  auto first = Enqueue({{"a", "1"}, {"b", "1"}, {"a", "2"}});
  auto second = Enqueue({{"b", "2"}});
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_LT(first[0].id, first[1].id);
  EXPECT_LT(first[1].id, first[2].id);
  EXPECT_LT(first[2].id, second[0].id);
  EXPECT_EQ(first[0].seq, 1u);
  EXPECT_EQ(first[1].seq, 1u);
  EXPECT_EQ(first[2].seq, 2u);
  EXPECT_EQ(second[0].seq, 2u);
}

TEST_P(StoreContractTest, EachAccountIsProcessedInAcceptanceOrder) {
  ASSERT_TRUE(Open(Fast()));
  std::map<std::string, std::vector<std::string>> sent;
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<NewEvent> events;
    for (int i = 0; i < 7; ++i) {
      const std::string account = "acct" + std::to_string((batch * 7 + i) % 4);
      const std::string payload = std::to_string(batch) + "/" + std::to_string(i);
      events.push_back({account, payload});
      sent[account].push_back(payload);
    }
    Enqueue(events);
  }
  std::map<std::string, std::vector<std::string>> seen;
  std::map<std::string, uint64_t> last_seq;
  for (;;) {
    std::vector<Lease> leases = Claim(3);
    if (leases.empty()) break;
    for (const Lease& lease : leases) {
      EXPECT_EQ(lease.event.seq, last_seq[lease.event.account] + 1);
      last_seq[lease.event.account] = lease.event.seq;
      seen[lease.event.account].push_back(lease.event.payload);
      EXPECT_EQ(lease.event.attempt, 1u);
      Complete(lease, Outcome::Ack());
    }
  }
  EXPECT_EQ(seen, sent);
  EXPECT_TRUE(Stats().drained());
  EXPECT_EQ(Stats().pending, 0u);
}

TEST_P(StoreContractTest, AtMostOneEventOfAnAccountInFlight) {
  ASSERT_TRUE(Open(Fast()));
  Enqueue({{"a", "1"}, {"a", "2"}, {"a", "3"}, {"b", "1"}});
  std::vector<Lease> leases = Claim(10);
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_NE(leases[0].event.account, leases[1].event.account);
  EXPECT_TRUE(Claim(10).empty());
  const Lease& a = leases[0].event.account == "a" ? leases[0] : leases[1];
  EXPECT_EQ(a.event.seq, 1u);
  Complete(a, Outcome::Ack());
  std::vector<Lease> next = Claim(10);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].event.account, "a");
  EXPECT_EQ(next[0].event.seq, 2u);
  EXPECT_EQ(Stats().leased, 2u);
}

TEST_P(StoreContractTest, AStaleTokenIsRefusedAndChangesNothing) {
  EngineOptions options = Fast();
  options.lease_ttl = milliseconds(50);
  ASSERT_TRUE(Open(options));
  Enqueue({{"a", "1"}, {"a", "2"}});
  const Lease stale = ClaimOne();
  std::this_thread::sleep_for(milliseconds(120));
  std::vector<Lease> again;
  const auto give_up = std::chrono::steady_clock::now() + seconds(10);
  while (again.empty() && std::chrono::steady_clock::now() < give_up) {
    auto r = store_->Claim(1, seconds(1));
    ASSERT_TRUE(r.ok());
    again = *r;
  }
  ASSERT_EQ(again.size(), 1u);
  const Lease fresh = again[0];
  EXPECT_EQ(fresh.event.id, stale.event.id);
  EXPECT_EQ(fresh.event.seq, 1u);
  EXPECT_EQ(fresh.event.attempt, 2u);
  EXPECT_GT(fresh.token, stale.token);

  EXPECT_EQ(store_->Complete(stale, Outcome::Ack(), ClaimNext::kYes).status().code(),
            Status::Code::kLeaseLost);
  EXPECT_EQ(store_->Complete(stale, Outcome::Nack("late"), ClaimNext::kNo).status().code(),
            Status::Code::kLeaseLost);
  Lease extend = stale;
  EXPECT_EQ(store_->Extend(extend).code(), Status::Code::kLeaseLost);
  StoreStats stats = Stats();
  EXPECT_EQ(stats.pending, 2u);
  EXPECT_EQ(stats.acked, 0u);
  EXPECT_GE(stats.expired, 1u);

  // The fresh lease is unaffected (extend it first: the TTL is short).
  Lease live = fresh;
  ASSERT_TRUE(store_->Extend(live).ok());
  EXPECT_EQ(Complete(live, Outcome::Ack()).disposition, Disposition::kAcked);
  EXPECT_EQ(ClaimOne().event.seq, 2u);
}

TEST_P(StoreContractTest, ExtendKeepsALeaseAlive) {
  EngineOptions options = Fast();
  options.lease_ttl = milliseconds(300);
  ASSERT_TRUE(Open(options));
  Enqueue({{"a", "1"}});
  Lease lease = ClaimOne();
  const int64_t first_deadline = lease.deadline_ns;
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(milliseconds(60));
    ASSERT_TRUE(store_->Extend(lease).ok()) << i;
    EXPECT_TRUE(Claim(1).empty());
  }
  EXPECT_GT(lease.deadline_ns, first_deadline);
  EXPECT_EQ(Complete(lease, Outcome::Ack()).disposition, Disposition::kAcked);
  EXPECT_EQ(Stats().expired, 0u);
}

TEST_P(StoreContractTest, CompleteClaimsTheNextInTheSameStep) {
  ASSERT_TRUE(Open(Fast()));
  Enqueue({{"a", "1"}, {"a", "2"}, {"b", "1"}});
  Lease lease = ClaimOne();
  std::vector<std::pair<std::string, uint64_t>> order = {{lease.event.account, lease.event.seq}};
  for (;;) {
    CompleteResult r = Complete(lease, Outcome::Ack(), ClaimNext::kYes);
    EXPECT_EQ(r.disposition, Disposition::kAcked);
    if (!r.next) break;
    lease = *r.next;
    order.push_back({lease.event.account, lease.event.seq});
  }
  ASSERT_EQ(order.size(), 3u);
  // The just-completed account is a candidate too: a's second event follows directly
  // under the default policy (most pending first).
  EXPECT_EQ(order[0], (std::pair<std::string, uint64_t>{"a", 1}));
  EXPECT_EQ(order[1], (std::pair<std::string, uint64_t>{"a", 2}));
  EXPECT_EQ(order[2], (std::pair<std::string, uint64_t>{"b", 1}));
  EXPECT_TRUE(Stats().drained());
}

TEST_P(StoreContractTest, CompleteManySettlesEachLeaseAndHandsOverTheNextOnes) {
  ASSERT_TRUE(Open(Fast()));
  Enqueue({{"a", "1"}, {"a", "2"}, {"b", "1"}, {"b", "2"}, {"c", "1"}});
  std::vector<Lease> leases = Claim(3);
  ASSERT_EQ(leases.size(), 3u);
  std::map<std::string, Lease> by_account;
  for (const Lease& l : leases) by_account[l.event.account] = l;
  ASSERT_EQ(by_account.size(), 3u);
  EXPECT_EQ(Complete(by_account["c"], Outcome::Ack()).disposition, Disposition::kAcked);

  // a acked, c's settled lease again (refused on its own), b nacked (ready again at once).
  const std::vector<Settlement> batch = {{by_account["a"], Outcome::Ack()},
                                         {by_account["c"], Outcome::Ack()},
                                         {by_account["b"], Outcome::Nack("boom")}};
  auto results = store_->CompleteMany(batch, ClaimNext::kYes);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].ok()) << results[0].status().ToString();
  EXPECT_EQ(results[0]->disposition, Disposition::kAcked);
  EXPECT_EQ(results[1].status().code(), Status::Code::kLeaseLost);
  ASSERT_TRUE(results[2].ok()) << results[2].status().ToString();
  EXPECT_EQ(results[2]->disposition, Disposition::kRetrying);
  // Each settled lease got a next one: a's second event and b's first again, on two leases.
  std::set<std::tuple<std::string, uint64_t, uint32_t>> next;
  for (size_t i : {0, 2}) {
    ASSERT_TRUE(results[i]->next.has_value()) << i;
    const Event& e = results[i]->next->event;
    next.insert({e.account, e.seq, e.attempt});
  }
  EXPECT_EQ(next,
            (std::set<std::tuple<std::string, uint64_t, uint32_t>>{{"a", 2, 1}, {"b", 1, 2}}));
  StoreStats stats = Stats();
  EXPECT_EQ(stats.acked, 2u);
  EXPECT_EQ(stats.nacked, 1u);
  EXPECT_EQ(stats.leased, 2u);
  EXPECT_EQ(stats.pending, 3u);

  // Without claim_next nothing is handed over; the store drains.
  std::vector<Settlement> rest;
  for (size_t i : {0, 2}) rest.push_back({*results[i]->next, Outcome::Ack()});
  results = store_->CompleteMany(rest, ClaimNext::kNo);
  ASSERT_EQ(results.size(), 2u);
  for (auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->next.has_value());
  }
  Lease last = ClaimOne();
  EXPECT_EQ(last.event.account, "b");
  EXPECT_EQ(last.event.seq, 2u);
  Complete(last, Outcome::Ack());
  EXPECT_TRUE(Stats().drained());
  EXPECT_TRUE(store_->CompleteMany({}, ClaimNext::kYes).empty());
}

TEST_P(StoreContractTest, ThousandsOfLeasesSettleInOneCompleteMany) {
  ASSERT_TRUE(Open(Fast()));
  constexpr size_t kAccounts = 4500;  // pairs for more than Lua can unpack() at once (8000)
  std::vector<NewEvent> events;
  for (int seq = 1; seq <= 2; ++seq) {
    for (size_t a = 0; a < kAccounts; ++a) events.push_back({"a" + std::to_string(a), "x"});
  }
  Enqueue(events);
  std::vector<Lease> leases = Claim(kAccounts);
  ASSERT_EQ(leases.size(), kAccounts);
  for (ClaimNext claim_next : {ClaimNext::kYes, ClaimNext::kNo}) {
    std::vector<Settlement> batch;
    for (const Lease& l : leases) batch.push_back({l, Outcome::Ack()});
    auto results = store_->CompleteMany(batch, claim_next);
    ASSERT_EQ(results.size(), kAccounts);
    std::set<std::string> next_accounts;
    leases.clear();
    for (auto& r : results) {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->disposition, Disposition::kAcked);
      if (!r->next) continue;
      EXPECT_EQ(r->next->event.seq, 2u);
      next_accounts.insert(r->next->event.account);
      leases.push_back(*r->next);
    }
    // The first call hands every account's second event over, each to one lease.
    EXPECT_EQ(next_accounts.size(), claim_next == ClaimNext::kYes ? kAccounts : 0u);
  }
  StoreStats stats = Stats();
  EXPECT_EQ(stats.acked, 2 * kAccounts);
  EXPECT_TRUE(stats.drained());
  EXPECT_EQ(stats.pending, 0u);
}

TEST_P(StoreContractTest, ABatchIsAcceptedWholeOrNotAtAll) {
  ASSERT_TRUE(Open(Fast()));
  auto r = store_->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"b", "2"}, {"", "3"}});
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("event 2"), std::string::npos) << r.status().message();
  r = store_->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"bad/name", "2"}});
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("event 1"), std::string::npos) << r.status().message();
  StoreStats stats = Stats();
  EXPECT_EQ(stats.pending, 0u);
  EXPECT_EQ(stats.enqueued, 0u);
  EXPECT_TRUE(Claim(10).empty());
  auto ok = Enqueue({{"a", "x"}});
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].seq, 1u);
}

TEST_P(StoreContractTest, PayloadsOverTheLimitAreRefused) {
  EngineOptions options = Fast();
  options.max_payload_bytes = 16;
  ASSERT_TRUE(Open(options));
  EXPECT_EQ(Enqueue({{"a", std::string(16, 'x')}}).size(), 1u);
  auto r = store_->Enqueue(std::vector<NewEvent>{{"b", "ok"}, {"a", std::string(17, 'x')}});
  EXPECT_EQ(r.status().code(), Status::Code::kTooLarge);
  EXPECT_NE(r.status().message().find("event 1"), std::string::npos) << r.status().message();
  EXPECT_EQ(Stats().pending, 1u);
  Lease lease = ClaimOne();
  EXPECT_EQ(lease.event.payload, std::string(16, 'x'));
}

TEST_P(StoreContractTest, RetriesThenDeadLetterThenTheStrandGoesOn) {
  ASSERT_TRUE(Open(Fast(/*max_attempts=*/3)));
  Enqueue({{"a", "poison"}, {"a", "fine"}});
  Lease lease = ClaimOne();
  EXPECT_EQ(lease.event.attempt, 1u);
  EXPECT_EQ(Complete(lease, Outcome::Nack("e1")).disposition, Disposition::kRetrying);
  lease = ClaimOne();
  EXPECT_EQ(lease.event.seq, 1u);  // a retry keeps the event at the head
  EXPECT_EQ(lease.event.attempt, 2u);
  EXPECT_EQ(Complete(lease, Outcome::Nack("e2")).disposition, Disposition::kRetrying);
  lease = ClaimOne();
  EXPECT_EQ(lease.event.attempt, 3u);
  const uint64_t poison = lease.event.id;
  EXPECT_EQ(Complete(lease, Outcome::Nack("e3")).disposition, Disposition::kDead);

  auto dead = store_->ListDead(10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].event.id, poison);
  EXPECT_EQ((*dead)[0].event.account, "a");
  EXPECT_EQ((*dead)[0].event.payload, "poison");
  EXPECT_EQ((*dead)[0].event.attempt, 3u);
  EXPECT_EQ((*dead)[0].error, "e3");
  EXPECT_GT((*dead)[0].dead_ns, 0);

  lease = ClaimOne();
  EXPECT_EQ(lease.event.payload, "fine");
  EXPECT_EQ(lease.event.seq, 2u);
  StoreStats stats = Stats();
  EXPECT_EQ(stats.nacked, 3u);
  EXPECT_EQ(stats.dead, 1u);
  EXPECT_EQ(stats.dead_lettered, 1u);
}

TEST_P(StoreContractTest, APermanentFailureIsDeadLetteredAtOnce) {
  ASSERT_TRUE(Open(Fast(/*max_attempts=*/5)));
  Enqueue({{"a", "declined"}, {"a", "next"}});
  Lease lease = ClaimOne();
  EXPECT_EQ(Complete(lease, Outcome::Permanent("card declined")).disposition, Disposition::kDead);
  auto dead = store_->ListDead(10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].event.payload, "declined");
  EXPECT_EQ((*dead)[0].event.attempt, 1u);  // no retries
  EXPECT_EQ((*dead)[0].error, "permanent failure: card declined");
  EXPECT_EQ(ClaimOne().event.payload, "next");
  const StoreStats stats = Stats();
  EXPECT_EQ(stats.nacked, 1u);
  EXPECT_EQ(stats.dead_lettered, 1u);
}

TEST_P(StoreContractTest, AHandlersRetryDelayReplacesTheBackoff) {
  EngineOptions options = Fast();
  options.retry_backoff = seconds(30);  // the backoff would hold the retry for the whole test
  options.retry_backoff_max = seconds(30);
  ASSERT_TRUE(Open(options));
  Enqueue({{"a", "x"}, {"b", "y"}});
  std::vector<Lease> leases = Claim(2);
  ASSERT_EQ(leases.size(), 2u);
  std::vector<Settlement> settlements = {
      {leases[0], Outcome::NackRetryAfter("rate limited", milliseconds(100))},
      {leases[1], Outcome::Nack("backoff")}};
  for (auto& r : store_->CompleteMany(settlements, ClaimNext::kNo)) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->disposition, Disposition::kRetrying);
  }
  EXPECT_TRUE(Claim(2).empty());  // both wait: the requested delay and the backoff
  auto retried = store_->Claim(2, seconds(5));
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  ASSERT_EQ(retried->size(), 1u);  // after ~100 ms, only the one that asked for it
  EXPECT_EQ((*retried)[0].event.id, leases[0].event.id);
  EXPECT_EQ((*retried)[0].event.attempt, 2u);
}

TEST_P(StoreContractTest, DeadLettersCanBeReplayedAndPurged) {
  ASSERT_TRUE(Open(Fast(/*max_attempts=*/1)));
  Enqueue({{"a", "1"}, {"b", "1"}});
  std::vector<Lease> leases = Claim(2);
  ASSERT_EQ(leases.size(), 2u);
  for (const Lease& lease : leases) {
    EXPECT_EQ(Complete(lease, Outcome::Nack("no")).disposition, Disposition::kDead);
  }
  EXPECT_EQ(Stats().dead, 2u);
  const uint64_t replay = leases[0].event.id;
  auto moved = store_->ReplayDead({&replay, 1}, ReplayAt::kHead);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 1u);
  Lease again = ClaimOne();
  EXPECT_EQ(again.event.id, replay);
  EXPECT_EQ(again.event.seq, leases[0].event.seq);
  EXPECT_EQ(again.event.payload, "1");
  EXPECT_EQ(again.event.attempt, 1u);
  EXPECT_EQ(leases[0].event.replay, 0u);
  EXPECT_EQ(again.event.replay, 1u);  // the log tells the replay from a duplicate delivery
  // Dead again, it keeps its replay count; a second replay counts 2.
  EXPECT_EQ(Complete(again, Outcome::Nack("still no")).disposition, Disposition::kDead);
  auto dead = store_->ListDead(10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 2u);
  EXPECT_EQ(dead->back().event.replay, 1u);
  ASSERT_EQ(*store_->ReplayDead({&replay, 1}, ReplayAt::kTail), 1u);
  again = ClaimOne();
  EXPECT_EQ(again.event.id, replay);
  EXPECT_EQ(again.event.replay, 2u);
  EXPECT_EQ(again.event.payload, "1");
  EXPECT_EQ(Complete(again, Outcome::Ack()).disposition, Disposition::kAcked);

  auto purged = store_->PurgeDead({});
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);
  EXPECT_TRUE(store_->ListDead(10)->empty());
  StoreStats stats = Stats();
  EXPECT_TRUE(stats.drained());
  EXPECT_EQ(stats.dead, 0u);
  EXPECT_EQ(stats.pending, 0u);
}

TEST_P(StoreContractTest, AWaitingClaimIsWokenByEnqueue) {
  ASSERT_TRUE(Open(Fast()));
  auto claimer = std::async(std::launch::async, [&] { return store_->Claim(1, seconds(10)); });
  std::this_thread::sleep_for(milliseconds(30));
  Enqueue({{"a", "wake"}});
  auto leases = claimer.get();
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].event.payload, "wake");
}

TEST_P(StoreContractTest, AStopRequestEndsOnlyItsOwnClaim) {
  ASSERT_TRUE(Open(Fast()));
  Enqueue({{"a", "1"}, {"a", "2"}});
  Lease lease = ClaimOne();
  std::stop_source stopped, other;
  auto claimer = std::async(std::launch::async,
                            [&] { return store_->Claim(1, seconds(30), stopped.get_token()); });
  auto waiter = std::async(std::launch::async,
                           [&] { return store_->Claim(1, seconds(30), other.get_token()); });
  std::this_thread::sleep_for(milliseconds(50));
  stopped.request_stop();
  ASSERT_EQ(claimer.wait_for(seconds(10)), std::future_status::ready) << "the stop did not wake it";
  auto blocked = claimer.get();
  ASSERT_TRUE(blocked.ok());
  EXPECT_TRUE(blocked->empty());
  EXPECT_TRUE(store_->Claim(1, seconds(5), stopped.get_token())->empty()) << "stopped already";
  // The other claimer still waits, and gets the next event once the first is done.
  CompleteResult r = Complete(lease, Outcome::Ack(), ClaimNext::kNo);
  EXPECT_EQ(r.disposition, Disposition::kAcked);
  auto woken = waiter.get();
  ASSERT_TRUE(woken.ok());
  ASSERT_EQ(woken->size(), 1u);
  EXPECT_EQ((*woken)[0].event.payload, "2");
}

// What the CLI asks a store instead of reading its URL: embedded or shared, and its lease TTL.
TEST_P(StoreContractTest, TraitsSayWhatTheStoreIs) {
  EngineOptions options = Fast();
  options.lease_ttl = milliseconds(1234);
  ASSERT_TRUE(Open(options));
  const StoreTraits traits = store_->Traits();
  const bool embedded = GetParam() == "mem" || GetParam() == "sqlite";
  EXPECT_EQ(traits.embedded(), embedded);
  EXPECT_EQ(traits.kind, embedded ? StoreTraits::Kind::kEmbedded : StoreTraits::Kind::kShared);
  EXPECT_EQ(traits.durable, GetParam() != "mem");
  EXPECT_EQ(traits.lease_ttl, milliseconds(1234));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest,
                         ::testing::Values("mem", "sqlite", "redis", "redis_scripts"),
                         [](const auto& info) { return info.param; });

// The embedded store dies with its process: there is nothing to drop (the Redis store's Drop:
// redis_store_test.cc).
TEST(StoreDropTest, TheEmbeddedStoreCannotBeDropped) {
  auto store = NewMemoryStore(EngineOptions{});
  auto dropped = store->Drop();
  ASSERT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(dropped.status().message().find("nothing to drop"), std::string::npos);
}

}  // namespace
}  // namespace strandq
