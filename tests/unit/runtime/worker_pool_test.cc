// Copyright 2026 The strandq Authors.
#include "strandq/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "strandq/handler.h"
#include "strandq/store.h"
#include "strandq/verifier.h"
#include "strandq/workload.h"
#include "testutil/forwarding_store.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;

std::vector<WorkloadEvent> Seed(size_t events, size_t accounts, uint64_t seed = 1) {
  SeedOptions o;
  o.events = events;
  o.accounts = accounts;
  o.seed = seed;
  return *GenerateSeedWorkload(o);
}

// How a pool settles attempts: inline (store_threads 0), batched by 2 store calls, or batched
// with leases claimed ahead.
struct PoolMode {
  size_t store_threads = 0;
  size_t lookahead = 0;
  void Apply(PoolOptions& options) const {
    options.store_threads = store_threads;
    options.lookahead = lookahead;
  }
};

// Runs `events` through a pool to the end and returns the verifier's report.
struct Harness {
  explicit Harness(PoolMode mode = {}) { mode.Apply(pool); }
  EngineOptions engine;
  PoolOptions pool;
  MemoryLogSink log;

  VerifyReport RunAll(Handler& handler, const std::vector<WorkloadEvent>& events,
                      Store* store_override = nullptr) {
    std::unique_ptr<Store> own = NewMemoryStore(engine);
    Store& store = store_override ? *store_override : *own;
    EXPECT_TRUE(EnqueueWorkload(store, events).ok());
    pool.stop_when_drained = true;
    pool.lease_ttl = engine.lease_ttl;
    WorkerPool workers(store, handler, &log, pool);
    EXPECT_TRUE(workers.Run().ok());
    auto records = log.Records();
    VerifyOptions options;
    options.input = &events;
    return Verify(records, options);
  }
};

// Every test of this suite runs three times: store calls inline on the I/O threads
// (store_threads 0), batched by up to 2 store calls at once, and the same with 2 leases claimed
// ahead.
class WorkerPoolTest : public ::testing::TestWithParam<PoolMode> {};

INSTANTIATE_TEST_SUITE_P(StoreThreads, WorkerPoolTest,
                         ::testing::Values(PoolMode{0, 0}, PoolMode{2, 0}, PoolMode{2, 2}),
                         [](const ::testing::TestParamInfo<PoolMode>& info) {
                           const PoolMode& m = info.param;
                           if (m.store_threads == 0) return std::string("Inline");
                           return "StoreThreads" + std::to_string(m.store_threads) +
                                  (m.lookahead > 0 ? "Lookahead" + std::to_string(m.lookahead)
                                                   : std::string());
                         });

TEST_P(WorkerPoolTest, ProcessesEverythingInOrderWithSleepHandler) {
  Harness h(GetParam());
  h.pool.workers = 16;
  h.pool.threads = 2;
  auto handler = *MakeHandler("sleep:1ms", {});
  auto events = Seed(600, 40);
  VerifyReport report = h.RunAll(*handler, events);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(report.acked, events.size());
  EXPECT_EQ(report.attempts, events.size());
}

TEST_P(WorkerPoolTest, NoopHandlerCompletesInlineWithoutLosingAnything) {
  Harness h(GetParam());
  h.pool.workers = 8;
  h.pool.threads = 2;
  auto handler = *MakeHandler("noop", {});
  auto events = Seed(20'000, 300);
  VerifyReport report = h.RunAll(*handler, events);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(report.acked, events.size());
}

TEST_P(WorkerPoolTest, MoreSlotsThanAccounts) {
  Harness h(GetParam());
  h.pool.workers = 1000;
  h.pool.threads = 2;
  auto handler = *MakeHandler("sleep:1ms", {});
  auto events = Seed(200, 5);
  VerifyReport report = h.RunAll(*handler, events);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(report.acked, events.size());
}

TEST_P(WorkerPoolTest, RetriesNacksUntilAckedOrDead) {
  Harness h(GetParam());
  h.engine.max_attempts = 3;
  h.engine.retry_backoff = 1ms;
  h.engine.retry_backoff_max = 4ms;
  h.pool.workers = 16;
  h.pool.threads = 2;
  HandlerOptions ho;
  ho.fail_rate = 0.4;
  ho.seed = 5;
  auto handler = *MakeHandler("noop", ho);
  auto events = Seed(2'000, 50);
  std::unique_ptr<Store> store = NewMemoryStore(h.engine);
  VerifyReport report = h.RunAll(*handler, events, store.get());
  auto dead = *store->ListDead(SIZE_MAX);
  // The run's report cannot see dead letters made by the store; re-verify with them.
  VerifyOptions options;
  options.input = &events;
  for (const auto& d : dead) options.dead_letter_ids.push_back(d.event.id);
  auto records = h.log.Records();
  report = Verify(records, options);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_GT(report.nacked, 0u);
  EXPECT_GT(report.dead, 0u);  // 0.4^3 of 2000 events: ~128 expected
  EXPECT_EQ(report.acked + report.dead, events.size());
}

// Blocks in a thread of its own; Completion arrives from a foreign thread.
class SlowBlockingHandler : public BlockingHandler {
 public:
  explicit SlowBlockingHandler(std::chrono::milliseconds d) : BlockingHandler(8), d_(d) {}
  Outcome Handle(const Event& event) override {
    if (event.seq % 7 == 0) throw std::runtime_error("seven");
    std::this_thread::sleep_for(d_);
    return Outcome::Ack();
  }

 private:
  std::chrono::milliseconds d_;
};

TEST_P(WorkerPoolTest, BlockingHandlerAndExceptionsAsNacks) {
  Harness h(GetParam());
  h.engine.max_attempts = 2;
  h.engine.retry_backoff = 1ms;
  h.pool.workers = 8;
  h.pool.threads = 1;
  SlowBlockingHandler handler(1ms);
  auto events = Seed(300, 20);
  std::unique_ptr<Store> store = NewMemoryStore(h.engine);
  h.RunAll(handler, events, store.get());
  VerifyOptions options;
  options.input = &events;
  auto records = h.log.Records();
  VerifyReport report = Verify(records, options);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  size_t sevens = 0;
  for (const auto& e : events) sevens += e.seq % 7 == 0;
  EXPECT_EQ(report.dead, sevens);
  for (const auto& r : records) {
    if (r.outcome == AttemptRecord::Outcome::kNack) {
      EXPECT_EQ(r.error, "handler threw: seven");
    }
  }
}

TEST_P(WorkerPoolTest, HeartbeatKeepsLongHandlersLeased) {
  Harness h(GetParam());
  h.engine.lease_ttl = 150ms;  // extended every 50ms; the handler runs for 3+ TTLs
  h.pool.workers = 4;
  h.pool.threads = 2;
  auto handler = *MakeHandler("sleep:500ms", {});
  auto events = Seed(8, 4);
  std::unique_ptr<Store> store = NewMemoryStore(h.engine);
  VerifyReport report = h.RunAll(*handler, events, store.get());
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(report.attempts, events.size()) << "a lease expired despite the heartbeat";
  EXPECT_EQ(store->Stats()->expired, 0u);
}

using testing::ForwardingStore;

// A store whose Extend always reports the lease lost, as if the worker had stalled.
class NoExtendStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Status Extend(Lease&) override { return Status::LeaseLost("test: heartbeat dropped"); }
};

// A remote store's round trip: Complete takes a while.
class SlowCompleteStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<CompleteResult> Complete(const Lease& l, const Outcome& o, ClaimNext next) override {
    std::this_thread::sleep_for(1ms);
    return ForwardingStore::Complete(l, o, next);
  }
};

// Slow on the first attempt only, so the redelivery can finish within the TTL.
class SlowFirstAttempt : public Handler {
 public:
  void Start(const Event& event, boost::asio::io_context& io, Completion done,
             const Cancellation& /*cancel*/) override {
    auto d = event.attempt == 1 ? std::chrono::milliseconds(150) : std::chrono::milliseconds(1);
    auto timer = std::make_shared<boost::asio::steady_timer>(io, d);
    timer->async_wait([timer, done](const boost::system::error_code&) { done(Outcome::Ack()); });
  }
};

TEST_P(WorkerPoolTest, LostLeaseIsLoggedLostAndRedelivered) {
  Harness h(GetParam());
  h.engine.lease_ttl = 40ms;
  h.pool.workers = 4;
  h.pool.threads = 2;
  NoExtendStore store(NewMemoryStore(h.engine));
  SlowFirstAttempt handler;
  auto events = Seed(3, 3);
  VerifyReport report = h.RunAll(handler, events, &store);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(report.lost, events.size());
  EXPECT_EQ(report.acked, events.size());
  EXPECT_EQ(report.redelivered, events.size());
  for (const auto& r : h.log.Records()) {
    if (r.outcome == AttemptRecord::Outcome::kLost) {
      EXPECT_EQ(r.attempt, 1u);
    }
    if (r.outcome == AttemptRecord::Outcome::kAck) {
      EXPECT_EQ(r.attempt, 2u);
    }
  }
}

// After a Stop part-way through `events` (acked only): at least `min_done` and not all were
// processed, nothing is left leased, the rest is pending, and the log is in order.
void ExpectStoppedPartWay(Store& store, MemoryLogSink& log, size_t events, size_t min_done) {
  auto records = log.Records();
  EXPECT_GE(records.size(), min_done);
  EXPECT_LT(records.size(), events);
  for (const auto& r : records) EXPECT_EQ(r.outcome, AttemptRecord::Outcome::kAck);
  auto stats = *store.Stats();
  EXPECT_EQ(stats.leased, 0u) << "an in-flight event was abandoned";
  EXPECT_EQ(stats.pending + records.size(), events);
  VerifyReport report = Verify(records, {});
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
}

TEST_P(WorkerPoolTest, StopFinishesInFlightAndClaimsNoMore) {
  EngineOptions engine;
  auto store = NewMemoryStore(engine);
  auto events = Seed(500, 50);
  ASSERT_TRUE(EnqueueWorkload(*store, events).ok());
  auto handler = *MakeHandler("sleep:20ms", {});
  MemoryLogSink log;
  PoolOptions po;
  po.workers = 10;
  po.threads = 2;
  GetParam().Apply(po);
  WorkerPool pool(*store, *handler, &log, po);
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    pool.Stop();
  });
  EXPECT_TRUE(pool.Run().ok());
  stopper.join();
  ExpectStoppedPartWay(*store, log, events.size(), 1);
}

// Waits (up to 20 s) for `done` to hold.
template <typename Pred>
void WaitUntil(Pred done) {
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  while (!done() && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(1ms);
}

// Stopping a pool ends its own claims only: a second pool on the same store goes on to drain
// it, and a new pool started afterwards on that store works.
TEST_P(WorkerPoolTest, StoppingOnePoolLeavesAnotherOnTheSameStoreRunning) {
  EngineOptions engine;
  auto store = NewMemoryStore(engine);
  auto events = Seed(400, 40);
  ASSERT_TRUE(EnqueueWorkload(*store, events).ok());
  auto handler = *MakeHandler("sleep:2ms", {});
  PoolOptions po;
  po.workers = 4;
  po.threads = 1;
  po.claim_wait = 50ms;
  GetParam().Apply(po);
  MemoryLogSink log_a, log_b;
  WorkerPool a(*store, *handler, &log_a, po);
  WorkerPool b(*store, *handler, &log_b, po);
  std::thread run_a([&] { EXPECT_TRUE(a.Run().ok()); });
  std::thread run_b([&] { EXPECT_TRUE(b.Run().ok()); });
  WaitUntil([&] { return a.Progress().acked > 0 && b.Progress().acked > 0; });
  a.Stop();
  run_a.join();
  const uint64_t b_at_stop = b.Progress().acked;
  WaitUntil([&] { return store->Stats()->drained(); });
  b.Stop();
  run_b.join();
  EXPECT_EQ(store->Stats()->acked, events.size()) << "the other pool stopped too";
  EXPECT_GT(b.Progress().acked, b_at_stop);
  EXPECT_EQ(a.Progress().acked + b.Progress().acked, events.size());

  auto more = Seed(50, 5, 2);
  ASSERT_TRUE(EnqueueWorkload(*store, more).ok());
  WorkerPool c(*store, *handler, nullptr, po);
  std::thread run_c([&] { EXPECT_TRUE(c.Run().ok()); });
  WaitUntil([&] { return c.Progress().acked == more.size(); });
  c.Stop();
  run_c.join();
  EXPECT_EQ(c.Progress().acked, more.size()) << "a new pool on the store claimed nothing";
}

// Holds each attempt's Completion until the test releases it.
class HeldHandler : public Handler {
 public:
  void Start(const Event&, boost::asio::io_context&, Completion done,
             const Cancellation&) override {
    std::lock_guard lock(mu_);
    done_ = std::move(done);
  }
  bool started() {
    std::lock_guard lock(mu_);
    return done_ != nullptr;
  }
  void Finish() {
    Completion done;
    {
      std::lock_guard lock(mu_);
      done = std::move(done_);
    }
    done(Outcome::Ack());
  }

 private:
  std::mutex mu_;
  Completion done_;
};

// Counts Extend calls.
class CountingExtendStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Status Extend(Lease& l) override {
    Status s = ForwardingStore::Extend(l);
    extends.fetch_add(1);
    return s;
  }
  std::atomic<int> extends{0};
};

// A pool on a ManualClock (shared with the store): its ticker keeps a lease alive through many
// TTLs of manual time, and its attempts are timed on that clock.
TEST_P(WorkerPoolTest, TheTickerKeepsLeasesAliveOnThePoolsClock) {
  ManualClock clock;
  EngineOptions engine;
  engine.lease_ttl = 300ms;
  CountingExtendStore store(NewMemoryStore(engine, &clock));
  std::vector<NewEvent> batch = {{"a", "x"}};
  ASSERT_TRUE(store.Enqueue(batch).ok());
  HeldHandler handler;
  PoolOptions po;
  po.lease_ttl = engine.lease_ttl;  // the ticker wakes every 50 ms of real time
  po.handler_timeout = 0ns;
  po.stop_when_drained = true;
  po.clock = &clock;
  GetParam().Apply(po);
  MemoryLogSink log;
  WorkerPool pool(store, handler, &log, po);
  std::thread run([&] { EXPECT_TRUE(pool.Run().ok()); });
  WaitUntil([&] { return handler.started(); });
  int extended_until_ms = 0;
  for (int i = 1; i <= 10; ++i) {  // 2.5 s of manual time: 8 TTLs
    clock.Advance(std::chrono::nanoseconds(250ms).count());
    WaitUntil([&] { return store.extends.load() >= i; });
    if (store.extends.load() < i) break;
    extended_until_ms = i * 250;
  }
  handler.Finish();
  run.join();
  EXPECT_EQ(extended_until_ms, 2500) << "the lease was not kept alive";
  EXPECT_EQ(pool.Progress().acked, 1u);
  EXPECT_EQ(pool.Progress().lost, 0u);
  // The attempt was timed on the pool's clock: it started before the first step, ended after
  // the last.
  auto records = log.Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].start_ns, ManualClock().WallNs());
  EXPECT_EQ(records[0].end_ns, clock.WallNs());
}

// Breaks the Completion contract: calls `done` twice, or schedules it and then throws.
class MisbehavingHandler : public Handler {
 public:
  void Start(const Event& event, boost::asio::io_context& io, Completion done,
             const Cancellation& /*cancel*/) override {
    auto timer = std::make_shared<boost::asio::steady_timer>(io, std::chrono::milliseconds(1));
    timer->async_wait([timer, done](const boost::system::error_code&) {
      done(Outcome::Ack());
      done(Outcome::Nack("second call"));
    });
    if (event.seq % 3 == 0) throw std::runtime_error("after scheduling");
  }
};

TEST_P(WorkerPoolTest, ExtraCompletionsAreIgnored) {
  Harness h(GetParam());
  h.engine.max_attempts = 1;
  h.pool.workers = 6;
  h.pool.threads = 2;
  MisbehavingHandler handler;
  auto events = Seed(300, 30);
  std::unique_ptr<Store> store = NewMemoryStore(h.engine);
  h.RunAll(handler, events, store.get());
  auto records = h.log.Records();
  EXPECT_EQ(records.size(), events.size()) << "each attempt must be settled exactly once";
  VerifyOptions options;
  options.input = &events;
  VerifyReport report = Verify(records, options);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  for (const auto& r : records) {
    EXPECT_NE(r.error, "second call");
    const bool thrown = r.seq % 3 == 0;
    EXPECT_EQ(r.outcome, thrown ? AttemptRecord::Outcome::kDead : AttemptRecord::Outcome::kAck);
  }
}

// Pauses after the inner Claim granted leases, widening the window in which the claimer holds
// leases that no slot has yet.
class SlowHandoverStore : public NoExtendStore {
 public:
  using NoExtendStore::NoExtendStore;
  Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds wait,
                                   std::stop_token stop = {}) override {
    auto leases = NoExtendStore::Claim(max, wait, stop);
    if (leases.ok() && !leases->empty()) {
      granted.store(true);
      std::this_thread::sleep_for(100ms);
    }
    return leases;
  }
  std::atomic<bool> granted{false};
};

TEST_P(WorkerPoolTest, StopDuringAHandoverStillFinishesTheLease) {
  EngineOptions engine;
  SlowHandoverStore store(NewMemoryStore(engine));
  ASSERT_TRUE(store.Enqueue(std::vector<NewEvent>{{"a", ""}}).ok());
  auto handler = *MakeHandler("noop", {});
  MemoryLogSink log;
  PoolOptions po;
  po.workers = 2;
  GetParam().Apply(po);
  WorkerPool pool(store, *handler, &log, po);
  std::thread stopper([&] {
    while (!store.granted.load()) std::this_thread::sleep_for(1ms);
    pool.Stop();  // while the claimer still holds the lease
  });
  EXPECT_TRUE(pool.Run().ok());
  stopper.join();
  EXPECT_EQ(pool.Progress().in_flight, 0u);
  EXPECT_EQ(store.Stats()->leased, 0u) << "Run returned with a lease in flight";
  ASSERT_EQ(log.Records().size(), 1u);
  EXPECT_EQ(log.Records()[0].outcome, AttemptRecord::Outcome::kAck);
}

// Blocks its I/O thread for a while on the first event it sees (deliberately breaking the
// "Start must not block" rule), so that every other slot's lease waits in the I/O queue.
class BlockTheLoopOnceHandler : public Handler {
 public:
  void Start(const Event&, boost::asio::io_context&, Completion done,
             const Cancellation& /*cancel*/) override {
    if (!blocked_.exchange(true)) std::this_thread::sleep_for(600ms);
    done(Outcome::Ack());
  }

 private:
  std::atomic<bool> blocked_{false};
};

TEST_P(WorkerPoolTest, LeasesWaitingForTheLoopAreExtended) {
  Harness h(GetParam());
  // The loop is blocked for several TTLs; the margin of a TTL over the extension period absorbs
  // a loaded machine's scheduling delays.
  h.engine.lease_ttl = 150ms;
  h.engine.max_attempts = 1;
  h.pool.workers = 10;
  h.pool.threads = 1;
  BlockTheLoopOnceHandler handler;
  auto events = Seed(100, 10);
  std::unique_ptr<Store> store = NewMemoryStore(h.engine);
  VerifyReport report = h.RunAll(handler, events, store.get());
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(store->Stats()->expired, 0u) << "a lease expired while its slot waited to start";
  EXPECT_EQ(report.acked, events.size());
}

TEST_P(WorkerPoolTest, DrainedEmptyStoreReturnsAtOnce) {
  auto store = NewMemoryStore({});
  auto handler = *MakeHandler("noop", {});
  PoolOptions po;
  po.workers = 3;
  GetParam().Apply(po);
  po.stop_when_drained = true;
  WorkerPool pool(*store, *handler, nullptr, po);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(pool.Run().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);  // a hang guard, not a speed test
  EXPECT_EQ(pool.Progress().acked, 0u);
}

TEST_P(WorkerPoolTest, WorkerIdNamesTheSlot) {
  Harness h(GetParam());
  h.pool.workers = 2;
  h.pool.worker_id = "hostx:42";
  auto handler = *MakeHandler("noop", {});
  auto events = Seed(10, 2);
  h.RunAll(*handler, events);
  for (const auto& r : h.log.Records()) {
    EXPECT_TRUE(r.worker == "hostx:42:0" || r.worker == "hostx:42:1") << r.worker;
  }
}

TEST_P(WorkerPoolTest, SlowCompleteKeepsOrderAndLosesNothing) {
  Harness h(GetParam());
  h.pool.workers = 20;
  h.pool.threads = 1;
  SlowCompleteStore store(NewMemoryStore(h.engine));
  auto handler = *MakeHandler("sleep:1ms", {});
  auto events = Seed(400, 30);
  VerifyReport report = h.RunAll(*handler, events, &store);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(report.acked, events.size());
  EXPECT_EQ(report.attempts, events.size());
}

TEST_P(WorkerPoolTest, StopWhileCompletionsAreInTheStoreFinishesThem) {
  EngineOptions engine;
  SlowCompleteStore store(NewMemoryStore(engine));
  auto events = Seed(2'000, 100);
  ASSERT_TRUE(EnqueueWorkload(store, events).ok());
  auto handler = *MakeHandler("noop", {});
  MemoryLogSink log;
  PoolOptions po;
  po.workers = 16;
  po.threads = 2;
  GetParam().Apply(po);
  WorkerPool pool(store, *handler, &log, po);
  std::thread stopper([&] {
    while (pool.Progress().acked < 20) std::this_thread::sleep_for(1ms);
    pool.Stop();  // slots are waiting in Complete, or queued for it
  });
  EXPECT_TRUE(pool.Run().ok());
  stopper.join();
  EXPECT_EQ(pool.Progress().in_flight, 0u);
  ExpectStoppedPartWay(store, log, events.size(), 20);
}

// Account "a" completes at once; "b"'s first event runs until a's Complete has begun, and its
// second event can only start after b1's Complete granted it.
class WaitForCompletingHandler : public Handler {
 public:
  explicit WaitForCompletingHandler(std::atomic<bool>& a_completing)
      : a_completing_(a_completing) {}
  void Start(const Event& event, boost::asio::io_context& io, Completion done,
             const Cancellation& /*cancel*/) override {
    if (event.account != "b") {
      done(Outcome::Ack());
      return;
    }
    if (event.seq == 2) {
      b2_started.store(true);
      done(Outcome::Ack());
      return;
    }
    Poll(std::make_shared<boost::asio::steady_timer>(io), std::move(done));
  }
  std::atomic<bool> b2_started{false};

 private:
  void Poll(std::shared_ptr<boost::asio::steady_timer> timer, Completion done) {
    if (a_completing_.load()) {
      done(Outcome::Ack());
      return;
    }
    timer->expires_after(1ms);
    timer->async_wait([this, timer, done = std::move(done)](const boost::system::error_code&) {
      Poll(timer, done);
    });
  }
  std::atomic<bool>& a_completing_;
};

// Complete of account "a" blocks until b's second event has started (or a hang guard expires).
class BlockingCompleteStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<CompleteResult> Complete(const Lease& l, const Outcome& o, ClaimNext next) override {
    if (l.event.account == "a" && handler != nullptr) {
      a_completing.store(true);
      const auto give_up = std::chrono::steady_clock::now() + 20s;  // a hang guard only
      while (!handler->b2_started.load() && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(1ms);
      }
      b2_started_during_complete.store(handler->b2_started.load());
    }
    return ForwardingStore::Complete(l, o, next);
  }
  std::atomic<bool> a_completing{false};
  std::atomic<bool> b2_started_during_complete{false};
  WaitForCompletingHandler* handler = nullptr;
};

// Records the most settlements a pool hands to one CompleteMany.
class BatchSizeStore : public ForwardingStore {
 public:
  BatchSizeStore(std::unique_ptr<Store> inner, Store* raw)
      : ForwardingStore(std::move(inner)), raw_(raw) {}
  std::vector<Result<CompleteResult>> CompleteMany(std::span<const Settlement> settlements,
                                                   ClaimNext next) override {
    size_t seen = largest.load();
    while (settlements.size() > seen && !largest.compare_exchange_weak(seen, settlements.size())) {
    }
    return raw_->CompleteMany(settlements, next);
  }
  std::atomic<size_t> largest{0};

 private:
  Store* raw_;
};

TEST(WorkerPoolStoreThreadsTest, SettleBatchBoundsEachStoreCall) {
  Harness h(PoolMode{1, 0});
  h.pool.workers = 1000;  // many attempts end while one call is in the store
  h.pool.threads = 1;
  h.pool.settle_batch = 8;
  std::unique_ptr<Store> inner = NewMemoryStore(h.engine);
  Store* raw = inner.get();
  BatchSizeStore store(std::move(inner), raw);
  auto handler = *MakeHandler("noop", {});
  auto events = Seed(20'000, 2'000);
  VerifyReport report = h.RunAll(*handler, events, &store);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
  EXPECT_EQ(report.acked, events.size());
  EXPECT_GT(store.largest.load(), 0u);
  EXPECT_LE(store.largest.load(), 8u);
}

TEST(WorkerPoolStoreThreadsTest, ABlockedCompleteDoesNotHoldBackOtherSlots) {
  EngineOptions engine;
  BlockingCompleteStore store(NewMemoryStore(engine));
  WaitForCompletingHandler handler(store.a_completing);
  store.handler = &handler;
  ASSERT_TRUE(store.Enqueue(std::vector<NewEvent>{{"b", ""}, {"b", ""}, {"a", ""}}).ok());
  MemoryLogSink log;
  PoolOptions po;
  po.workers = 2;
  po.threads = 1;  // one I/O thread: a Complete blocking it would stop b's timer and start
  po.store_threads = 2;
  po.stop_when_drained = true;
  WorkerPool pool(store, handler, &log, po);
  EXPECT_TRUE(pool.Run().ok());
  EXPECT_TRUE(store.b2_started_during_complete.load())
      << "b's next event did not start while a's Complete was blocked";
  auto records = log.Records();
  EXPECT_EQ(records.size(), 3u);
  VerifyReport report = Verify(records, {});
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
}

}  // namespace
}  // namespace strandq

namespace strandq {
namespace {

// Leases claimed ahead stay about `lookahead`: a settlement whose slot has already moved on to
// a reserved lease brings no next lease while the reserve is full, so the pool never hoards the
// accounts that other pools could run (and that a crash would deliver again). On a durable
// store, whose completions take a commit.
TEST(WorkerPoolLookaheadTest, ThePoolHoldsAboutSlotsPlusLookaheadLeases) {
  testing::TempDir dir;
  EngineOptions engine;
  auto store = OpenStore("sqlite:" + dir.File("q.db") + "?sync=normal", engine);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto events = Seed(3'000, 300);
  ASSERT_TRUE(EnqueueWorkload(**store, events).ok());
  PoolOptions po;
  po.workers = 8;
  po.threads = 1;
  po.store_threads = 1;
  po.lookahead = 2;
  po.stop_when_drained = true;
  po.lease_ttl = engine.lease_ttl;
  auto handler = *MakeHandler("sleep:3ms", {});
  MemoryLogSink log;
  std::atomic<bool> done{false};
  uint64_t most_leased = 0;
  std::thread watcher([&] {
    while (!done.load()) {
      if (auto stats = (*store)->Stats(); stats.ok()) {
        most_leased = std::max(most_leased, stats->leased);
      }
      std::this_thread::sleep_for(200us);
    }
  });
  WorkerPool pool(**store, *handler, &log, po);
  EXPECT_TRUE(pool.Run().ok());
  done = true;
  watcher.join();
  // Busy slots, the reserve, and attempts on their way to the store (about one per slot). Under
  // a sanitizer the pool's own work is slower than the handler's and attempts queue up for the
  // store, so only the optimized build holds the pool to the bound.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  EXPECT_LE(most_leased, po.workers * 2 + po.lookahead + 2);
#endif
  VerifyOptions options;
  options.input = &events;
  VerifyReport report = Verify(log.Records(), options);
  EXPECT_TRUE(report.ok()) << FormatVerifyReport(report);
}

}  // namespace
}  // namespace strandq

namespace strandq {
namespace {

// A store that fails for good after its first few claims and completions (a damaged database,
// a write that failed): Internal, which retrying will not cure.
class BrokenAfterAFewCallsStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds wait,
                                   std::stop_token stop) override {
    if (Broken()) return kBroken;
    return ForwardingStore::Claim(std::min<size_t>(max, 1), wait, stop);
  }
  Result<CompleteResult> Complete(const Lease& l, const Outcome& o, ClaimNext next) override {
    if (Broken()) return kBroken;
    return ForwardingStore::Complete(l, o, next);
  }
  std::vector<Result<CompleteResult>> CompleteMany(std::span<const Settlement> settlements,
                                                   ClaimNext next) override {
    if (Broken()) return std::vector<Result<CompleteResult>>(settlements.size(), kBroken);
    return ForwardingStore::CompleteMany(settlements, next);
  }

 private:
  inline static const Status kBroken = Status::Internal("the database file is damaged");
  bool Broken() { return calls_.fetch_add(1) >= 6; }
  std::atomic<int> calls_{0};
};

TEST(WorkerPoolErrorsTest, AnInternalStoreErrorStopsThePoolInsteadOfRetryingForever) {
  EngineOptions engine;
  BrokenAfterAFewCallsStore store(NewMemoryStore(engine));
  ASSERT_TRUE(EnqueueWorkload(store, Seed(200, 20)).ok());
  auto handler = *MakeHandler("sleep:1ms", {});
  MemoryLogSink log;
  PoolOptions po;
  po.workers = 4;
  po.threads = 1;
  po.stop_when_drained = true;
  WorkerPool pool(store, *handler, &log, po);
  auto ran = std::async(std::launch::async, [&] { return pool.Run(); });
  if (ran.wait_for(10s) != std::future_status::ready) {
    pool.Stop();
    ADD_FAILURE() << "the pool kept retrying a store that failed for good";
  }
  const Status status = ran.get();
  EXPECT_EQ(status.code(), Status::Code::kInternal) << status.ToString();
}

}  // namespace
}  // namespace strandq
