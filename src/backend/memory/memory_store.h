// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <vector>

#include "core/store_model.h"
#include "strandq/store.h"

namespace strandq {

// MemoryStore is the embedded Store: the StoreModel (core/store_model.h, the rules of every
// store) behind one mutex, on the injected clock, plus blocking. Every strand, lease and dead
// letter lives in this process; nothing survives it. Claim blocks on a condition variable with
// no timer thread and no polling. Thread-safe.
class MemoryStore final : public Store {
 public:
  // `clock` (not owned; null for SystemClock()) must outlive the store. `options` should pass
  // ValidateEngineOptions; out-of-range values are clamped to the nearest usable one.
  // `jitter_seed` seeds the retry jitter (JitterDraw); nullopt: the clock's wall time.
  explicit MemoryStore(const EngineOptions& options, Clock* clock = nullptr,
                       std::optional<uint64_t> jitter_seed = std::nullopt);
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  Result<std::vector<EnqueueReceipt>> Enqueue(std::span<const NewEvent> batch) override;
  // The model's step under the lock: a repeat from another thread waits for the lock and is
  // then answered replayed, so this store never answers InProgress.
  Result<EnqueueOnceResult> EnqueueOnce(std::string_view key,
                                        std::span<const NewEvent> batch) override;
  Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds wait,
                                   std::stop_token stop = {}) override;
  Result<CompleteResult> Complete(const Lease& lease, const Outcome& outcome,
                                  ClaimNext claim_next) override;
  // One step: settles every lease, then grants the best ready accounts (StoreModel).
  std::vector<Result<CompleteResult>> CompleteMany(std::span<const Settlement> settlements,
                                                   ClaimNext claim_next) override;
  Status Extend(Lease& lease) override;
  Result<StoreStats> Stats() override;
  Result<std::vector<DeadLetter>> ListDead(size_t limit) override;
  Result<size_t> ReplayDead(std::span<const uint64_t> ids, ReplayAt at) override;
  Result<size_t> PurgeDead(std::span<const uint64_t> ids) override;
  StoreTraits Traits() const override {
    return {StoreTraits::Kind::kEmbedded, model_.options().lease_ttl};
  }

  // Every pending event (ListPendingEmbedded).
  std::vector<Event> ListPending();

 private:
  // The current instant on clock_.
  ModelTime Now() const { return {clock_->MonotonicNs(), clock_->WallNs()}; }
  // Wakes blocked Claim callers that can now make progress (mu_ held).
  void WakeWaiters();

  Clock* const clock_;

  std::mutex mu_;
  std::condition_variable cv_;  // Claim waits here; signalled under mu_
  // State below is guarded by mu_.
  StoreModel model_;
  size_t waiters_ = 0;  // Claim callers blocked on cv_
  // The latest timer a blocked Claim sleeps until (INT64_MAX: one sleeps with no timer;
  // INT64_MIN: none sleeps on a timer). A new timer earlier than this must wake them.
  int64_t sleepers_timer_ns_ = INT64_MIN;
};

}  // namespace strandq
