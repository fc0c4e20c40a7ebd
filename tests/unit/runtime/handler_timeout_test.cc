// Copyright 2026 The strandq Authors.
// WorkerPool's handler timeout (PoolOptions::handler_timeout): a hung attempt is failed and
// its lease released, its Cancellation fires, and a late Completion is ignored safely.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "strandq/handler.h"
#include "strandq/store.h"
#include "strandq/worker_pool.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;

// Never completes on its own: keeps every Completion, and counts the cancellations. With
// `complete_on_cancel` it acks from inside the cancellation (too late: it must be ignored).
class HangingHandler : public Handler {
 public:
  explicit HangingHandler(bool complete_on_cancel = false)
      : complete_on_cancel_(complete_on_cancel) {}

  void Start(const Event& event, boost::asio::io_context& /*io*/, Completion done,
             const Cancellation& cancel) override {
    std::lock_guard lock(mu_);
    kept_.push_back({&event, done});
    if (complete_on_cancel_) {
      cancel.OnCancel([this, done] {
        ++cancelled;
        done(Outcome::Ack());
      });
    } else {
      cancel.OnCancel([this] { ++cancelled; });
    }
  }

  // Completes every attempt it kept (after their timeouts), reading its event first.
  size_t CompleteLate() {
    std::lock_guard lock(mu_);
    size_t bytes = 0;
    for (auto& [event, done] : kept_) {
      bytes += event->account.size();  // still valid: `done` is alive
      done(Outcome::Ack());
    }
    kept_.clear();
    return bytes;
  }

  std::atomic<int> cancelled{0};

 private:
  const bool complete_on_cancel_;
  std::mutex mu_;
  std::vector<std::pair<const Event*, Completion>> kept_;
};

struct TimeoutCase {
  size_t store_threads = 0;
  bool complete_on_cancel = false;
};

class HandlerTimeoutTest : public ::testing::TestWithParam<TimeoutCase> {};

INSTANTIATE_TEST_SUITE_P(Modes, HandlerTimeoutTest,
                         ::testing::Values(TimeoutCase{0, false}, TimeoutCase{2, false},
                                           TimeoutCase{0, true}, TimeoutCase{2, true}),
                         [](const ::testing::TestParamInfo<TimeoutCase>& info) {
                           return std::string(info.param.store_threads == 0 ? "Inline"
                                                                            : "StoreThreads") +
                                  (info.param.complete_on_cancel ? "AckOnCancel" : "Ignores");
                         });

TEST_P(HandlerTimeoutTest, AHungAttemptIsFailedAndItsLeaseReleased) {
  EngineOptions engine;
  engine.max_attempts = 2;
  engine.retry_backoff = 1ms;
  engine.retry_backoff_max = 1ms;
  std::unique_ptr<Store> store = NewMemoryStore(engine);
  ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"b", "2"}, {"a", "3"}}).ok());
  HangingHandler handler(GetParam().complete_on_cancel);
  MemoryLogSink log;
  PoolOptions options;
  options.workers = 2;
  options.threads = 2;
  options.store_threads = GetParam().store_threads;
  options.handler_timeout = 30ms;
  options.stop_when_drained = true;
  {
    WorkerPool pool(*store, handler, &log, options);
    ASSERT_TRUE(pool.Run().ok());  // would never return: the lease is extended while it runs
    EXPECT_EQ(pool.Progress().dead, 3u);
  }
  // Two attempts of each event, each failed by the timeout, then dead-lettered.
  auto records = log.Records();
  ASSERT_EQ(records.size(), 6u);
  for (const AttemptRecord& r : records) {
    EXPECT_EQ(r.error, "handler timed out after 30ms");
    EXPECT_EQ(r.outcome,
              r.attempt == 1 ? AttemptRecord::Outcome::kNack : AttemptRecord::Outcome::kDead);
  }
  EXPECT_EQ(handler.cancelled.load(), 6);
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->dead, 3u);
  EXPECT_EQ(stats->nacked, 6u);
  EXPECT_EQ(stats->leased, 0u);
  // Late completions, after the pool is gone: ignored, and their events still readable.
  EXPECT_EQ(handler.CompleteLate(), 6u);
  EXPECT_EQ(store->Stats()->acked, 0u);
}

// Completes on a thread of its own after `delay`: a completion racing the timeout.
class RacingHandler : public Handler {
 public:
  explicit RacingHandler(std::chrono::milliseconds delay) : delay_(delay) {}
  ~RacingHandler() override {
    for (auto& t : threads_) t.join();
  }
  void Start(const Event& /*event*/, boost::asio::io_context& /*io*/, Completion done,
             const Cancellation& /*cancel*/) override {
    std::lock_guard lock(mu_);
    threads_.emplace_back([d = delay_, done] {
      std::this_thread::sleep_for(d);
      done(Outcome::Ack());
    });
  }

 private:
  const std::chrono::milliseconds delay_;
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

TEST_P(HandlerTimeoutTest, EachAttemptIsSettledOnceWhenCompletionAndTimeoutRace) {
  EngineOptions engine;
  engine.max_attempts = 20;
  engine.retry_backoff = 0ms;
  engine.retry_backoff_max = 0ms;
  std::unique_ptr<Store> store = NewMemoryStore(engine);
  std::vector<NewEvent> events;
  for (int i = 0; i < 40; ++i) events.push_back({"acct" + std::to_string(i % 8), ""});
  ASSERT_TRUE(store->Enqueue(events).ok());
  RacingHandler handler(4ms);
  MemoryLogSink log;
  PoolOptions options;
  options.workers = 8;
  options.threads = 2;
  options.store_threads = GetParam().store_threads;
  options.handler_timeout = 4ms;  // checked every 0.5 ms: about half of them time out
  options.stop_when_drained = true;
  {
    WorkerPool pool(*store, handler, &log, options);
    ASSERT_TRUE(pool.Run().ok());
  }
  // Each attempt settled once: in the store (acked or nacked, never both) and in the log.
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->pending, 0u);
  EXPECT_EQ(stats->acked + stats->dead_lettered, events.size());
  size_t acks = 0;
  for (const AttemptRecord& r : log.Records()) acks += r.outcome == AttemptRecord::Outcome::kAck;
  EXPECT_EQ(acks, stats->acked);
  EXPECT_EQ(log.Records().size(), stats->acked + stats->nacked);
}

}  // namespace
}  // namespace strandq

namespace strandq {
namespace {

// The real clock, but each wall reading takes `delay`: the slot reads it while it prepares an
// attempt, so the ticker sees the attempt running (and timed out) before its Start began, as a
// slot thread preempted at that point on a loaded machine would let it.
class SlowWallClock final : public Clock {
 public:
  explicit SlowWallClock(std::chrono::milliseconds delay) : delay_(delay) {}
  int64_t MonotonicNs() override { return SystemClock()->MonotonicNs(); }
  int64_t WallNs() override {
    std::this_thread::sleep_for(delay_);
    return SystemClock()->WallNs();
  }

 private:
  const std::chrono::milliseconds delay_;
};

class AckAtOnceHandler : public Handler {
 public:
  void Start(const Event&, boost::asio::io_context&, Completion done,
             const Cancellation&) override {
    done(Outcome::Ack());
  }
};

// A timeout that settles an attempt before its Start began is that attempt's outcome; it was
// dropped, the slot stayed busy for ever and Run never returned.
TEST(HandlerTimeoutRaceTest, ATimeoutBeforeStartBeganFinishesTheAttempt) {
  EngineOptions engine;
  engine.max_attempts = 1;
  std::unique_ptr<Store> store = NewMemoryStore(engine);
  // One slot, so that it reuses its attempt record: the ticker sees the next attempt as soon
  // as the record is renewed.
  ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>(6, NewEvent{"a", ""})).ok());
  SlowWallClock clock(20ms);
  AckAtOnceHandler handler;
  PoolOptions options;
  options.workers = 1;
  options.threads = 1;
  options.handler_timeout = 2ms;
  options.stop_when_drained = true;
  options.clock = &clock;
  WorkerPool pool(*store, handler, nullptr, options);
  auto run = std::async(std::launch::async, [&] { return pool.Run(); });
  if (run.wait_for(30s) != std::future_status::ready) {
    ADD_FAILURE() << "Run did not return: an attempt was never finished";
    std::fflush(stdout);
    std::_Exit(1);  // the pool cannot be stopped: its slot waits for ever
  }
  EXPECT_TRUE(run.get().ok());
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->pending, 0u);
}

}  // namespace
}  // namespace strandq
