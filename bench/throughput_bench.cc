// Copyright 2026 The strandq Authors.
// Raw engine throughput with a no-op handler: events/s from the first enqueue to the last ack,
// for N events over A accounts, beside two baselines measured in the same process:
//   - "handoff": the same events pushed through one mutex-protected deque and popped by the
//     same number of threads (the floor cost of any shared queue, with no ordering at all);
//   - "store only": the store's Claim/Complete loop driven directly by T threads, no pool.
// The gap between the three says where the time goes (store work vs. pool/runtime overhead).
//
// Usage: throughput_bench [--events N] [--accounts A] [--threads T] [--repeat R] [--log PATH]
// Prints one line per repetition and a median line, tab-separated.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "strandq/event_log.h"
#include "strandq/handler.h"
#include "strandq/store.h"
#include "strandq/worker_pool.h"
#include "strandq/workload.h"

namespace {

using Clock = std::chrono::steady_clock;
using strandq::NewEvent;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::vector<NewEvent> MakeEvents(size_t events, size_t accounts) {
  strandq::SeedOptions o;
  o.events = events;
  o.accounts = accounts;
  o.seed = 1;
  auto workload = *strandq::GenerateSeedWorkload(o);
  std::vector<NewEvent> out;
  out.reserve(workload.size());
  for (auto& e : workload) out.push_back({std::move(e.account), std::move(e.payload)});
  return out;
}

void EnqueueAll(strandq::Store& store, const std::vector<NewEvent>& events) {
  constexpr size_t kBatch = 10'000;
  for (size_t i = 0; i < events.size(); i += kBatch) {
    std::span<const NewEvent> batch(events.data() + i, std::min(kBatch, events.size() - i));
    if (!store.Enqueue(batch).ok()) std::abort();
  }
}

// Events/s through the whole engine: enqueue, WorkerPool with the noop handler, ack.
double Engine(const std::vector<NewEvent>& events, size_t threads, const std::string& log_path,
              double* enqueue_share) {
  auto store = strandq::NewMemoryStore({});
  auto handler = *strandq::MakeHandler("noop", {});
  std::unique_ptr<strandq::LogSink> log;
  if (!log_path.empty()) log = std::move(*strandq::OpenJsonlLog(log_path));
  strandq::PoolOptions po;
  po.workers = 10'000;
  po.threads = threads;
  po.stop_when_drained = true;
  const auto start = Clock::now();
  EnqueueAll(*store, events);
  const auto enqueued = Clock::now();
  strandq::WorkerPool pool(*store, *handler, log.get(), po);
  if (!pool.Run().ok()) std::abort();
  const auto end = Clock::now();
  if (pool.Progress().acked != events.size()) std::abort();
  *enqueue_share = Seconds(enqueued - start) / Seconds(end - start);
  return events.size() / Seconds(end - start);
}

// Events/s through the store alone: T threads loop Claim(1) / Complete(ack, claim_next).
double StoreOnly(const std::vector<NewEvent>& events, size_t threads) {
  auto store = strandq::NewMemoryStore({});
  const auto start = Clock::now();
  EnqueueAll(*store, events);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (true) {
        auto claimed = store->Claim(1, std::chrono::nanoseconds(0));
        if (!claimed.ok() || claimed->empty()) return;
        std::optional<strandq::Lease> lease = std::move(claimed->front());
        while (lease) {
          auto done = store->Complete(*lease, strandq::Outcome::Ack(), strandq::ClaimNext::kYes);
          if (!done.ok()) std::abort();
          lease = std::move(done->next);
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  const auto end = Clock::now();
  if (store->Stats()->acked != events.size()) std::abort();
  return events.size() / Seconds(end - start);
}

// Events/s through one mutex + deque, popped by T threads: the baseline.
double Handoff(const std::vector<NewEvent>& events, size_t threads) {
  std::mutex mu;
  std::deque<NewEvent> queue;
  const auto start = Clock::now();
  for (const auto& e : events) {
    std::lock_guard lock(mu);
    queue.push_back(e);
  }
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (true) {
        NewEvent e;
        {
          std::lock_guard lock(mu);
          if (queue.empty()) return;
          e = std::move(queue.front());
          queue.pop_front();
        }
        if (e.account.empty()) std::abort();
      }
    });
  }
  for (auto& w : workers) w.join();
  return events.size() / Seconds(Clock::now() - start);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  size_t events = 1'000'000, accounts = 10'000, threads = 2, repeat = 5;
  std::string log_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--events")
      events = std::strtoull(value, nullptr, 10);
    else if (flag == "--accounts")
      accounts = std::strtoull(value, nullptr, 10);
    else if (flag == "--threads")
      threads = std::strtoull(value, nullptr, 10);
    else if (flag == "--repeat")
      repeat = std::strtoull(value, nullptr, 10);
    else if (flag == "--log")
      log_path = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  const auto input = MakeEvents(events, accounts);
  std::printf("run\tengine_ev_s\tstore_only_ev_s\thandoff_ev_s\tengine/handoff\tenqueue_share\n");
  std::vector<double> engine, store_only, handoff, ratio, share;
  for (size_t r = 0; r < repeat; ++r) {
    double enqueue_share = 0;
    engine.push_back(Engine(input, threads, log_path, &enqueue_share));
    store_only.push_back(StoreOnly(input, threads));
    handoff.push_back(Handoff(input, threads));
    ratio.push_back(engine.back() / handoff.back());
    share.push_back(enqueue_share);
    std::printf("%zu\t%.0f\t%.0f\t%.0f\t%.2f\t%.2f\n", r + 1, engine.back(), store_only.back(),
                handoff.back(), ratio.back(), enqueue_share);
  }
  std::printf("median\t%.0f\t%.0f\t%.0f\t%.2f\t%.2f\n", Median(engine), Median(store_only),
              Median(handoff), Median(ratio), Median(share));
  return 0;
}
