// Copyright 2026 The strandq Authors.
// Randomized runs of the stores (embedded, and Redis on a private server) with the real clock: a
// producer enqueues random batches while worker threads ack, nack, stall past their lease (the
// heartbeat is dropped), vanish with a lease (a crash), hold long leases alive with Extend, and
// replay settled leases whose tokens are stale. Every attempt is logged as an AttemptRecord; the
// log must pass strandq::Verify (order, overlap, duplicate, loss against the input), every stale
// token must be refused, and the store's totals must match the log. Fixed seeds; a few seconds in
// all.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "strandq/clock.h"
#include "strandq/event_log.h"
#include "strandq/store.h"
#include "strandq/verifier.h"
#include "strandq/workload.h"
#include "testutil/redis_server.h"
#include "testutil/shared_redis_store.h"
#include "util/random.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;
using Kind = AttemptRecord::Outcome;

struct Scenario {
  uint64_t seed;
  Policy policy;
  OnDead on_dead;
  size_t events = 250;
  size_t accounts = 12;
  size_t workers = 4;
  uint32_t max_attempts = 3;
  milliseconds lease_ttl{30};
  std::string backend = "mem";  // or "redis"
};

void PrintTo(const Scenario& s, std::ostream* os) {
  *os << s.backend << ", seed " << s.seed << ", " << PolicyName(s.policy) << ", "
      << OnDeadName(s.on_dead) << ", " << s.events << " events, " << s.accounts << " accounts, "
      << s.workers << " workers";
}

// One run: the store, the log, and the workers' shared bookkeeping.
class ChaosRun {
 public:
  explicit ChaosRun(const Scenario& scenario) : s_(scenario) {
    EngineOptions options;
    options.policy = s_.policy;
    options.on_dead = s_.on_dead;
    options.lease_ttl = s_.lease_ttl;
    options.max_attempts = s_.max_attempts;
    options.retry_backoff = milliseconds(1);
    options.retry_backoff_max = milliseconds(4);
    std::string url = "mem:";
    if (s_.backend == "redis") {
      testing::RedisServer& redis = testing::SharedRedis();  // a namespace per run
      EXPECT_TRUE(redis.ok()) << redis.Error();
      url = redis.Url("chaos" + std::to_string(s_.seed));
    }
    auto store = OpenStore(url, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void Go() {
    std::vector<std::thread> threads;
    threads.emplace_back([this] { Produce(); });
    for (size_t w = 0; w < s_.workers; ++w) threads.emplace_back([this, w] { Work(w); });
    if (s_.on_dead == OnDead::kPark) threads.emplace_back([this] { Operate(); });
    for (std::thread& t : threads) t.join();
  }

  void Check() {
    auto stats = store_->Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_TRUE(stats->drained());
    EXPECT_EQ(stats->pending, 0u);
    EXPECT_EQ(stats->enqueued, s_.events);
    EXPECT_EQ(stats->parked, 0u);
    EXPECT_EQ(stale_accepted_.load(), 0u) << "a stale lease was accepted";
    EXPECT_GT(stale_refused_.load(), 0u);

    // Dead letters still listed, plus those the operator purged.
    auto listed = store_->ListDead(1'000'000);
    ASSERT_TRUE(listed.ok());
    std::vector<uint64_t> dead_ids = purged_ids_;
    for (const DeadLetter& letter : *listed) dead_ids.push_back(letter.event.id);
    EXPECT_EQ(dead_ids.size(), stats->dead_lettered);

    // The input, in acceptance order.
    std::sort(accepted_.begin(), accepted_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<WorkloadEvent> input;
    for (auto& [id, event] : accepted_) input.push_back(event);
    ASSERT_EQ(input.size(), s_.events);

    VerifyOptions options;
    options.input = &input;
    options.dead_letter_ids = dead_ids;
    const VerifyReport report = Verify(records_, options);
    EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
    EXPECT_EQ(report.events, s_.events);
    EXPECT_EQ(report.acked, stats->acked);
    EXPECT_EQ(report.acked + dead_ids.size(), s_.events);
    CheckDirectly(dead_ids);

    // The run exercised what it meant to.
    size_t lost = 0, nacked = 0;
    for (const AttemptRecord& r : records_) {
      lost += r.outcome == Kind::kLost;
      nacked += r.outcome == Kind::kNack;
    }
    EXPECT_GT(lost, 0u);
    EXPECT_GT(nacked, 0u);
    EXPECT_GT(stats->expired, 0u);
  }

 private:
  // The same guarantees, checked without the verifier: each event settled exactly once (ack
  // line or dead letter), no two attempts that were not lost overlapping in time, acks in seq
  // order, and no attempt starting while an earlier, settled attempt of its event was running.
  void CheckDirectly(const std::vector<uint64_t>& dead_ids) {
    std::map<uint64_t, int> settled;  // id -> times
    for (uint64_t id : dead_ids) ++settled[id];
    std::map<std::string, std::vector<const AttemptRecord*>> by_account;
    for (const AttemptRecord& r : records_) {
      if (r.outcome == Kind::kAck) ++settled[r.id];
      if (r.outcome == Kind::kDead) {
        EXPECT_TRUE(std::find(dead_ids.begin(), dead_ids.end(), r.id) != dead_ids.end())
            << "event " << r.id << " died but is no dead letter";
      }
      if (r.outcome != Kind::kLost) by_account[r.account].push_back(&r);
    }
    EXPECT_EQ(settled.size(), s_.events);
    for (const auto& [id, times] : settled) EXPECT_EQ(times, 1) << "event " << id;
    for (const auto& [id, event] : accepted_) EXPECT_EQ(settled.count(id), 1u) << "event " << id;

    // Fencing: an attempt that settled (not lost) held a valid lease until it completed, so
    // every later attempt of the same event was granted, and started, after it ended.
    std::map<uint64_t, std::vector<const AttemptRecord*>> by_event;
    for (const AttemptRecord& r : records_) by_event[r.id].push_back(&r);
    for (const auto& [id, attempts] : by_event) {
      for (const AttemptRecord* a : attempts) {
        if (a->outcome == Kind::kLost) continue;
        for (const AttemptRecord* b : attempts) {
          if (b->attempt > a->attempt) {
            EXPECT_GE(b->start_ns, a->end_ns)
                << "event " << id << ": attempt " << b->attempt << " started before attempt "
                << a->attempt << " (" << OutcomeName(a->outcome) << ") ended";
          }
        }
      }
    }

    for (auto& [account, attempts] : by_account) {
      std::sort(attempts.begin(), attempts.end(),
                [](auto* a, auto* b) { return a->start_ns < b->start_ns; });
      uint64_t last_acked = 0;
      for (size_t i = 0; i < attempts.size(); ++i) {
        if (i > 0) {
          EXPECT_GE(attempts[i]->start_ns, attempts[i - 1]->end_ns)
              << account << ": seq " << attempts[i]->seq << " overlaps seq "
              << attempts[i - 1]->seq;
        }
        if (attempts[i]->outcome == Kind::kAck) {
          EXPECT_GT(attempts[i]->seq, last_acked) << account;
          last_acked = attempts[i]->seq;
        }
      }
    }
  }

  void Produce() {
    Random random(s_.seed);
    size_t sent = 0;
    while (sent < s_.events) {
      std::vector<NewEvent> batch;
      const size_t runs = random.Range(1, 3);
      for (size_t r = 0; r < runs && sent + batch.size() < s_.events; ++r) {
        const std::string account = "acct-" + std::to_string(random.Uniform(s_.accounts));
        const size_t run = random.Range(1, 6);
        for (size_t i = 0; i < run && sent + batch.size() < s_.events; ++i) {
          batch.push_back({account, "p" + std::to_string(sent + batch.size())});
        }
      }
      auto receipts = store_->Enqueue(batch);
      if (!receipts.ok()) {
        ADD_FAILURE() << receipts.status().ToString();
        break;
      }
      {
        std::lock_guard lock(mu_);
        for (size_t i = 0; i < batch.size(); ++i) {
          accepted_.push_back(
              {(*receipts)[i].id,
               WorkloadEvent{batch[i].account, (*receipts)[i].seq, batch[i].payload}});
        }
      }
      sent += batch.size();
      if (random.Uniform(3) == 0) std::this_thread::sleep_for(milliseconds(1));
    }
    produced_.store(true);
  }

  // With OnDead::kPark, an operator purges dead letters now and then so strands go on.
  void Operate() {
    while (!finished_.load()) {
      std::this_thread::sleep_for(milliseconds(5));
      auto dead = store_->ListDead(1000);
      std::vector<uint64_t> ids;
      for (const DeadLetter& letter : *dead) ids.push_back(letter.event.id);
      if (ids.empty()) continue;  // PurgeDead({}) would purge letters that died since ListDead
      auto purged = store_->PurgeDead(ids);
      EXPECT_EQ(*purged, ids.size());
      std::lock_guard lock(mu_);
      purged_ids_.insert(purged_ids_.end(), ids.begin(), ids.end());
    }
  }

  void Work(size_t w) {
    Random random(s_.seed * 1000 + w);
    const std::string worker = "w" + std::to_string(w);
    std::vector<Lease> stale;  // settled or lost: their tokens must never work again
    for (;;) {
      auto claimed = store_->Claim(random.Range(1, 3), milliseconds(20));
      if (!claimed.ok()) {
        ADD_FAILURE() << claimed.status().ToString();
        break;
      }
      if (claimed->empty()) {
        if (produced_.load() && Settled()) break;
        if (std::chrono::steady_clock::now() > give_up_) {
          ADD_FAILURE() << "not settled after 30s: " << store_->Stats()->pending << " pending";
          break;
        }
        continue;
      }
      // The claimed leases are played one after another, then settled together: one by one
      // with Complete, or in one CompleteMany (sometimes with a stale lease among them); the
      // next leases handed over form the next group.
      std::vector<Lease> group = std::move(*claimed);
      while (!group.empty()) group = HandleGroup(group, worker, random, stale);
    }
    finished_.store(true);
  }

  // Nothing left to deliver, now or after the operator purges dead letters.
  bool Settled() {
    auto stats = store_->Stats();
    return stats.ok() && stats->drained() && stats->parked == 0;
  }

  // One attempt played, waiting to be settled.
  struct Played {
    Lease lease;
    AttemptRecord record;
    bool nack = false;
  };

  std::vector<Lease> HandleGroup(const std::vector<Lease>& group, const std::string& worker,
                                 Random& random, std::vector<Lease>& stale) {
    std::vector<Played> played;
    for (const Lease& lease : group) {
      if (!stale.empty() && random.Uniform(10) == 0) TryStale(stale[random.Uniform(stale.size())]);
      if (auto p = Play(lease, worker, random)) played.push_back(std::move(*p));
    }
    const ClaimNext claim_next = random.Uniform(2) == 0 ? ClaimNext::kYes : ClaimNext::kNo;
    std::vector<Result<CompleteResult>> results;
    if (played.size() > 1 && random.Uniform(2) == 0) {
      std::vector<Settlement> settlements;
      for (const Played& p : played) {
        settlements.push_back({p.lease, p.nack ? Outcome::Nack(p.record.error) : Outcome::Ack()});
      }
      // A stale lease in the batch is refused on its own; the others are not disturbed.
      size_t stale_at = settlements.size();
      if (!stale.empty() && random.Uniform(3) == 0) {
        stale_at = random.Uniform(settlements.size() + 1);
        settlements.insert(settlements.begin() + static_cast<ptrdiff_t>(stale_at),
                           {stale[random.Uniform(stale.size())], Outcome::Ack()});
      }
      results = store_->CompleteMany(settlements, claim_next);
      EXPECT_EQ(results.size(), settlements.size());
      if (stale_at < settlements.size()) {
        CountStale(results[stale_at].status());
        results.erase(results.begin() + static_cast<ptrdiff_t>(stale_at));
      }
    } else {
      for (const Played& p : played) {
        results.push_back(store_->Complete(
            p.lease, p.nack ? Outcome::Nack(p.record.error) : Outcome::Ack(), claim_next));
      }
    }
    std::vector<Lease> next;
    for (size_t i = 0; i < played.size() && i < results.size(); ++i) {
      AttemptRecord& r = played[i].record;
      auto& done = results[i];
      if (done.ok()) {
        if (!played[i].nack) {
          r.outcome = Kind::kAck;
        } else {
          r.outcome = done->disposition == Disposition::kDead ? Kind::kDead : Kind::kNack;
        }
        if (done->next) next.push_back(std::move(*done->next));
      } else {
        EXPECT_EQ(done.status().code(), Status::Code::kLeaseLost) << done.status().ToString();
        r.outcome = Kind::kLost;
        r.error = "lease lost";
      }
      stale.push_back(played[i].lease);
      if (stale.size() > 50) stale.erase(stale.begin());
      std::lock_guard lock(mu_);
      records_.push_back(std::move(r));
    }
    return next;
  }

  // Plays one attempt: returns it to be settled, or nothing for a crash.
  std::optional<Played> Play(const Lease& lease, const std::string& worker, Random& random) {
    Clock* clock = SystemClock();
    Played p{lease, {}, false};
    AttemptRecord& r = p.record;
    r.id = lease.event.id;
    r.account = lease.event.account;
    r.seq = lease.event.seq;
    r.attempt = lease.event.attempt;
    r.worker = worker;
    r.enqueued_ns = lease.event.enqueued_ns;
    r.start_ns = clock->WallNs();

    const uint64_t roll = random.Uniform(100);
    // A crash: the lease is never touched again and no line is written. Never on the last
    // attempt, so that every event has at least one line.
    if (roll < 3 && lease.event.attempt < s_.max_attempts) return std::nullopt;

    if (roll < 8) {
      // A dropped heartbeat: work past the deadline without extending.
      std::this_thread::sleep_for(s_.lease_ttl + milliseconds(15));
    } else if (roll < 12) {
      // A long handler kept alive by heartbeats.
      for (int i = 0; i < 6; ++i) {
        std::this_thread::sleep_for(s_.lease_ttl / 4);
        if (!store_->Extend(p.lease).ok()) break;  // possible only if this thread was starved
      }
    } else {
      p.nack = roll < 25;
      if (random.Uniform(2) == 0) std::this_thread::sleep_for(milliseconds(random.Uniform(2)));
    }
    if (p.nack) r.error = "nacked by " + worker;
    r.end_ns = clock->WallNs();
    return p;
  }

  void TryStale(Lease lease) {
    const bool extend = lease.event.id % 2 == 0;
    CountStale(extend ? store_->Extend(lease)
                      : store_->Complete(lease, Outcome::Ack(), ClaimNext::kYes).status());
  }
  void CountStale(const Status& s) {
    if (s.code() == Status::Code::kLeaseLost) {
      stale_refused_.fetch_add(1);
    } else {
      stale_accepted_.fetch_add(1);
    }
  }

  const Scenario s_;
  std::unique_ptr<Store> store_;
  // A run that does not settle fails instead of hanging.
  const std::chrono::steady_clock::time_point give_up_ =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::atomic<bool> produced_{false};
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> stale_refused_{0};
  std::atomic<uint64_t> stale_accepted_{0};
  std::mutex mu_;
  std::vector<AttemptRecord> records_;                        // guarded by mu_
  std::vector<std::pair<uint64_t, WorkloadEvent>> accepted_;  // guarded by mu_
  std::vector<uint64_t> purged_ids_;                          // guarded by mu_
};

class StoreRandomizedTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(StoreRandomizedTest, GuaranteesHoldUnderChaos) {
  ChaosRun run(GetParam());
  run.Go();
  run.Check();
}

INSTANTIATE_TEST_SUITE_P(
    Seeds, StoreRandomizedTest,
    ::testing::Values(
        Scenario{1, Policy::kLongest, OnDead::kSkip}, Scenario{2, Policy::kOldest, OnDead::kSkip},
        Scenario{3, Policy::kLongest, OnDead::kPark}, Scenario{4, Policy::kOldest, OnDead::kPark},
        Scenario{5, Policy::kLongest, OnDead::kSkip, 100, 3, 6, 2},
        Scenario{11, Policy::kLongest, OnDead::kSkip, 250, 12, 4, 3, milliseconds(30), "redis"},
        Scenario{12, Policy::kOldest, OnDead::kPark, 250, 12, 4, 3, milliseconds(30), "redis"},
        Scenario{13, Policy::kLongest, OnDead::kPark, 100, 3, 6, 2, milliseconds(30), "redis"}),
    [](const auto& info) {
      return info.param.backend + "_seed" + std::to_string(info.param.seed) + "_" +
             std::string(PolicyName(info.param.policy)) + "_" +
             std::string(OnDeadName(info.param.on_dead));
    });

}  // namespace
}  // namespace strandq
