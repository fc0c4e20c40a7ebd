// Copyright 2026 The strandq Authors.
// The proof a WorkerPool's log gives on the embedded store: dead letters replayed while the
// pool runs (--on-dead skip and park), and the unconfirmed lines of PoolOptions::record_first.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "strandq/handler.h"
#include "strandq/store.h"
#include "strandq/verifier.h"
#include "strandq/worker_pool.h"
#include "strandq/workload.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;

std::vector<WorkloadEvent> Workload() {
  SeedOptions o;
  o.events = 200;
  o.accounts = 20;
  o.seed = 3;
  return *GenerateSeedWorkload(o);
}

// Fails every attempt of an event with an even id until it is replayed; acks the rest.
class FailsUntilReplayed final : public Handler {
 public:
  void Start(const Event& event, boost::asio::io_context&, Completion done,
             const Cancellation&) override {
    done(event.id % 2 == 0 && event.replay == 0 ? Outcome::Nack("declined") : Outcome::Ack());
  }
};

PoolOptions Options() {
  PoolOptions options;
  options.workers = 4;
  options.threads = 2;
  options.store_threads = 1;
  options.lookahead = 1;
  return options;
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 5000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

// One pool runs while the dead letters are replayed (Stop() interrupts a store for good, so
// the embedded store has one pool's life): one proof over its log.
VerifyReport ReplayFlow(OnDead on_dead) {
  EngineOptions engine;
  engine.max_attempts = 2;
  engine.retry_backoff = 1ms;
  engine.retry_backoff_max = 1ms;
  engine.on_dead = on_dead;
  std::unique_ptr<Store> store = NewMemoryStore(engine);
  const std::vector<WorkloadEvent> events = Workload();
  EXPECT_TRUE(EnqueueWorkload(*store, events).ok());
  MemoryLogSink log;
  FailsUntilReplayed handler;
  WorkerPool pool(*store, handler, &log, Options());
  std::thread runner([&] { EXPECT_TRUE(pool.Run().ok()); });
  // Replay the dead letters until there are none (with park, a strand stops again at its next
  // failing event).
  size_t replayed = 0;
  for (int round = 0; round < 100; ++round) {
    EXPECT_TRUE(WaitFor([&] { return store->Stats()->drained(); }));
    auto letters = store->ListDead(SIZE_MAX);
    EXPECT_TRUE(letters.ok());
    std::vector<uint64_t> dead;
    for (const DeadLetter& d : *letters) dead.push_back(d.event.id);
    if (dead.empty()) break;
    EXPECT_EQ(*store->ReplayDead(dead, ReplayAt::kHead), dead.size());
    replayed += dead.size();
  }
  EXPECT_GT(replayed, 0u);
  EXPECT_TRUE(WaitFor([&] {
    StoreStats stats = *store->Stats();
    return stats.drained() && stats.pending == 0;
  }));
  pool.Stop();
  runner.join();
  VerifyOptions options;
  options.input = &events;
  auto records = log.Records();
  VerifyReport report = Verify(records, options);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(report.replayed, replayed);
  EXPECT_EQ(report.acked, events.size());
  return report;
}

TEST(WorkerPoolProofTest, ReplayWithSkipRunsAfterLaterEventsAndVerifies) {
  EXPECT_GT(ReplayFlow(OnDead::kSkip).replayed_late, 0u);
}

TEST(WorkerPoolProofTest, ReplayWithParkKeepsOrderAndVerifies) {
  EXPECT_EQ(ReplayFlow(OnDead::kPark).replayed_late, 0u);
}

TEST(WorkerPoolProofTest, RecordFirstWritesEachAttemptBeforeAndAfterItsStoreCall) {
  std::unique_ptr<Store> store = NewMemoryStore(EngineOptions{});
  const std::vector<WorkloadEvent> events = Workload();
  ASSERT_TRUE(EnqueueWorkload(*store, events).ok());
  MemoryLogSink log;
  auto handler = *MakeHandler("noop", {});
  PoolOptions options = Options();
  options.stop_when_drained = true;
  options.record_first = true;
  WorkerPool pool(*store, *handler, &log, options);
  ASSERT_TRUE(pool.Run().ok());
  const std::vector<AttemptRecord> records = log.Records();
  ASSERT_EQ(records.size(), 2 * events.size());
  size_t unconfirmed = 0;
  for (const AttemptRecord& r : records) unconfirmed += r.unconfirmed;
  EXPECT_EQ(unconfirmed, events.size());
  VerifyOptions verify;
  verify.input = &events;
  VerifyReport report = Verify(records, verify);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(report.attempts, events.size());
  EXPECT_EQ(report.unconfirmed, 0u);  // every one has its final line
}

}  // namespace
}  // namespace strandq
