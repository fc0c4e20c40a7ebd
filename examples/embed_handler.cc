// Copyright 2026 The strandq Authors.
// Embedding strandq: a program with its own C++ handler. Events of one account are handled one
// at a time, in order; different accounts run in parallel on the pool's slots.
//
//   build/embed_handler            # processes 2,000 events over 50 accounts and verifies them

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>

#include "strandq/handler.h"
#include "strandq/store.h"
#include "strandq/verifier.h"
#include "strandq/worker_pool.h"
#include "strandq/workload.h"

namespace {

// A handler that keeps a running balance per account. It blocks (as most business code does),
// so it derives from BlockingHandler and runs on its own threads. Because strandq never hands
// out two events of one account at once, the per-account check needs no lock of its own; the
// map itself is shared by accounts, so it is guarded.
class BalanceHandler : public strandq::BlockingHandler {
 public:
  BalanceHandler() : BlockingHandler(/*threads=*/8) {}

  strandq::Outcome Handle(const strandq::Event& event) override {
    std::lock_guard lock(mu_);
    uint64_t& last = last_seq_[event.account];
    if (event.seq != last + 1) {
      order_broken_ = true;
      return strandq::Outcome::Nack("out of order");
    }
    last = event.seq;
    return strandq::Outcome::Ack();
  }

  bool order_broken() const { return order_broken_.load(); }

 private:
  std::mutex mu_;
  std::map<std::string, uint64_t> last_seq_;  // guarded by mu_
  std::atomic<bool> order_broken_{false};
};

}  // namespace

int main() {
  strandq::EngineOptions engine;  // DESIGN.md defaults: policy longest, lease TTL 30 s, ...
  auto store = strandq::OpenStore("mem:", engine);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }

  strandq::SeedOptions seed;
  seed.events = 2000;
  seed.accounts = 50;
  auto workload = strandq::GenerateSeedWorkload(seed);
  if (strandq::Status s = strandq::EnqueueWorkload(**store, *workload); !s.ok()) {
    std::fprintf(stderr, "enqueue: %s\n", s.ToString().c_str());
    return 1;
  }

  BalanceHandler handler;
  strandq::MemoryLogSink log;
  strandq::PoolOptions pool_options;
  pool_options.workers = 16;
  pool_options.stop_when_drained = true;
  strandq::WorkerPool pool(**store, handler, &log, pool_options);
  if (strandq::Status s = pool.Run(); !s.ok()) {
    std::fprintf(stderr, "run: %s\n", s.ToString().c_str());
    return 1;
  }

  auto records = log.Records();
  strandq::VerifyOptions verify;
  verify.input = &*workload;
  strandq::VerifyReport report = strandq::Verify(records, verify);
  std::printf("%s", strandq::FormatVerifyReport(report).c_str());
  return report.ok() && !handler.order_broken() ? 0 : 1;
}
