// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "backend/memory/chunked_fifo.h"
#include "core/backoff.h"
#include "core/indexed_heap.h"
#include "core/ready_set.h"
#include "strandq/store.h"
#include "util/random.h"

namespace strandq {

// MemoryStore is the embedded Store: every strand, lease and dead letter lives in this
// process, behind one mutex. It keeps every promise of Store (see store.h): per-account FIFO,
// at most one lease per account, fencing tokens that only grow, atomic batches, and a lease
// that expires on the injected clock and is delivered again. Nothing survives the process.
// Claim blocks on a condition variable with no timer thread and no polling. Thread-safe.
class MemoryStore final : public Store {
 public:
  // `clock` (not owned; null for SystemClock()) must outlive the store. `options` should pass
  // ValidateEngineOptions; out-of-range values are clamped to the nearest usable one.
  explicit MemoryStore(const EngineOptions& options, Clock* clock = nullptr);
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  Result<std::vector<EnqueueReceipt>> Enqueue(std::span<const NewEvent> batch) override;
  Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds wait,
                                   std::stop_token stop = {}) override;
  Result<CompleteResult> Complete(const Lease& lease, const Outcome& outcome,
                                  ClaimNext claim_next) override;
  Status Extend(Lease& lease) override;
  Result<StoreStats> Stats() override;
  Result<std::vector<DeadLetter>> ListDead(size_t limit) override;
  Result<size_t> ReplayDead(std::span<const uint64_t> ids, ReplayAt at) override;
  Result<size_t> PurgeDead(std::span<const uint64_t> ids) override;
  StoreTraits Traits() const override { return {StoreTraits::Kind::kEmbedded, options_.lease_ttl}; }

  // Every pending event (ListPendingEmbedded).
  std::vector<Event> ListPending();

 private:
  // One accepted, unsettled event. Its account is the strand's; its attempt count, when it is
  // the head, is the strand's.
  struct QueuedEvent {
    uint64_t id;
    uint64_t seq;
    int64_t enqueued_ns;
    std::string payload;
  };

  enum class State : uint8_t {
    kIdle,     // no pending event, or parked: in no index
    kReady,    // in ready_
    kLeased,   // head leased until deadline_ns; in timers_
    kDelayed,  // waiting out a retry backoff until deadline_ns; in timers_
  };

  // Everything about one account. Strands are never removed and never move (they live in
  // index_'s nodes): next_seq and the grant count must keep growing for the account's life.
  struct Strand {
    const std::string* account = nullptr;  // the key in index_
    ChunkedFifo<QueuedEvent> events;       // pending events, head first
    uint64_t next_seq = 1;                 // seq of the next accepted event
    int64_t deadline_ns = 0;               // kLeased: lease deadline; kDelayed: end of delay
    uint32_t attempt = 0;                  // grants of the head event so far
    uint32_t slot = 0;                     // index in slots_
    uint32_t grants = 0;                   // leases granted so far (2^32 would wrap)
    State state = State::kIdle;
    bool parked = false;  // stopped by a dead letter (OnDead::kPark)
  };
  // The fencing token of the strand's latest grant.
  static uint64_t Token(const Strand& strand) {
    return (uint64_t{strand.grants} << 32) | strand.slot;
  }

  struct DeadEntry {
    uint32_t slot;
    QueuedEvent event;
    uint32_t attempt;
    std::string error;
    int64_t dead_ns;
    uint32_t replays = 0;  // times the event was replayed before it died
  };

  // The helpers below require mu_ to be held.
  Strand& At(uint32_t slot) { return *slots_[slot]; }
  uint32_t SlotFor(const std::string& account);
  void PushBack(uint32_t slot, QueuedEvent event);
  void PushAtHead(uint32_t slot, QueuedEvent event);
  void PopHead(uint32_t slot);
  // Puts an idle strand where it belongs: ready if it has events and is not parked.
  void Resume(uint32_t slot);
  // Updates the ready-set key of a ready strand after its events changed.
  void Rekey(uint32_t slot);
  void Unpark(uint32_t slot);
  Lease Grant(uint32_t slot, int64_t now);
  // Looks up the strand `lease` is valid for; LeaseLost if it is not valid.
  Result<uint32_t> FindLease(const Lease& lease, int64_t now);
  // Settles a failed attempt of the head of idle strand `slot`: dead letter at max_attempts,
  // else ready again: after `requested` if it is >= 0 (the handler's retry delay), else after a
  // backoff if `backoff`.
  Disposition Fail(uint32_t slot, std::string_view error, int64_t now, bool backoff,
                   std::chrono::nanoseconds requested = std::chrono::nanoseconds(-1));
  void DeadLetterHead(uint32_t slot, std::string_view error);
  // Expires leases and ends delays that are due at `now`.
  void ProcessDue(int64_t now);
  // Wakes blocked Claim callers that can now make progress.
  void WakeWaiters();
  int64_t Deadline(int64_t now, std::chrono::nanoseconds after) const;

  const EngineOptions options_;  // constant after construction
  Clock* const clock_;
  const Backoff backoff_;

  std::mutex mu_;
  std::condition_variable cv_;  // Claim waits here; signalled under mu_
  // State below is guarded by mu_.
  std::unordered_map<std::string, Strand> index_;  // by account
  std::vector<Strand*> slots_;                     // by slot
  ReadySet ready_;
  // Strands in kLeased (key: deadline + 1, the first instant it is expired) or kDelayed (key:
  // end of the delay), by slot.
  IndexedHeap<int64_t, std::less<int64_t>> timers_;
  std::list<DeadEntry> dead_;  // oldest first
  // Pending events that were replayed from the dead letters: id -> times replayed (Event::replay).
  // Kept beside the strands so that an event's record stays small; empty in most runs.
  std::unordered_map<uint64_t, uint32_t> replays_;
  std::unordered_map<uint64_t, std::list<DeadEntry>::iterator> dead_by_id_;
  Random random_;  // jitter
  uint64_t last_id_ = 0;
  StoreStats stats_;    // all but `ready` and `dead`, which are read from the indexes
  size_t waiters_ = 0;  // Claim callers blocked on cv_
  // The latest timer a blocked Claim sleeps until (INT64_MAX: one sleeps with no timer;
  // INT64_MIN: none sleeps on a timer). A new timer earlier than this must wake them.
  int64_t sleepers_timer_ns_ = INT64_MIN;
};

}  // namespace strandq
