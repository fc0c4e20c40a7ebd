// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <vector>

#include "core/store_model.h"
#include "strandq/store.h"

namespace strandq {

// StepJournal makes the steps of a MemoryStore durable (the sqlite store). The store calls
// Record under its lock after every step that changed something, in step order, and Await
// after releasing the lock, before the step answers; a step answers only once what it changed
// (and everything before it) is durable, and fails if it could not be made durable. Record
// must not block on I/O; Await may.
class StepJournal {
 public:
  virtual ~StepJournal() = default;
  // `changes`: what the step changed; `batch`: the Enqueue batch the accepted events' payloads
  // come from (empty for other steps). Returns a ticket for Await.
  virtual uint64_t Record(ModelChanges changes, std::span<const NewEvent> batch) = 0;
  // The ticket of the latest Record: a step that only reads awaits it before answering, so it
  // never answers with what is not durable yet.
  virtual uint64_t Latest() const = 0;
  // Blocks until the step of `ticket` is durable. An error (the disk failed) is final: every
  // later Await fails too.
  virtual Status Await(uint64_t ticket) = 0;
  // Reads the payloads of `events` (their model copies are empty).
  virtual Status LoadPayloads(std::span<Event* const> events) = 0;
};

// MemoryStore is the embedded Store: the StoreModel (core/store_model.h, the rules of every
// store) behind one mutex, on the injected clock, plus blocking. Every strand, lease and dead
// letter lives in this process; nothing survives it, unless a StepJournal records every step
// (the sqlite store). Claim blocks on a condition variable with no timer thread and no polling.
// Thread-safe.
class MemoryStore final : public Store {
 public:
  // `clock` (not owned; null for SystemClock()) must outlive the store. `options` should pass
  // ValidateEngineOptions; out-of-range values are clamped to the nearest usable one.
  // `jitter_seed` seeds the retry jitter (JitterDraw); nullopt: the clock's wall time.
  explicit MemoryStore(const EngineOptions& options, Clock* clock = nullptr,
                       std::optional<uint64_t> jitter_seed = std::nullopt);
  // A durable store: `journal` (not owned, outlives the store) records every step. `restore`
  // fills the new model from the journal's record (StoreModel::Restore*); the store then
  // applies the restart rule (StoreModel::Restart) and records it.
  MemoryStore(const EngineOptions& options, Clock* clock, uint64_t jitter_seed,
              StepJournal* journal, const std::function<Status(StoreModel&)>& restore);
  // The status of the restore (OK for a store without a journal).
  const Status& restore_status() const { return restore_status_; }
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
  Result<std::vector<AccountInfo>> ListAccounts(const AccountQuery& query) override;
  Result<AccountDetail> GetAccount(std::string_view account, size_t offset, size_t limit) override;
  // A step like the others (journalled); a resume wakes the Claim callers it gave work to.
  Result<AccountInfo> SetPaused(std::string_view account, bool paused) override;
  StoreTraits Traits() const override {
    return {StoreTraits::Kind::kEmbedded,
            journal_ != nullptr,
            model_.options().lease_ttl,
            {},
            dead_at_open_};
  }

  // Every pending event (ListPendingEmbedded).
  std::vector<Event> ListPending();

 private:
  // The current instant on clock_.
  ModelTime Now() const { return {clock_->MonotonicNs(), clock_->WallNs()}; }
  // Wakes blocked Claim callers that can now make progress (mu_ held).
  void WakeWaiters();
  // Ends a step taken under `lock` (on mu_): records it (Journal), wakes waiters, unlocks, and
  // waits until it is durable, then loads the payloads of `events` (Durable).
  Status EndStep(std::unique_lock<std::mutex>& lock, std::span<Event* const> events = {},
                 std::span<const NewEvent> batch = {});
  // With a journal: records the step's changes (mu_ held) and returns what to Await.
  uint64_t Journal(std::span<const NewEvent> batch = {});
  // With a journal: waits for `ticket`, then loads the payloads of `events` (mu_ not held).
  Status Durable(uint64_t ticket, std::span<Event* const> events = {});

  Clock* const clock_;
  StepJournal* const journal_ = nullptr;
  Status restore_status_;
  uint64_t dead_at_open_ = 0;  // by the restart rule

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
