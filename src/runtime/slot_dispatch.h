// Copyright 2026 The strandq Authors.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "strandq/clock.h"
#include "strandq/store.h"

namespace strandq {

// A lease claimed ahead, held until a slot takes it.
struct ReservedLease {
  Lease lease;
  int64_t last_extend_ns = 0;  // monotonic: granted or last extended
};

// Which slots of a pool are free, which are busy, the leases claimed ahead (the reserve, at
// most `lookahead` wanted), and whether the pool is stopping, with the waits on them.
// Guarantees: the reserve holds leases only while no slot is free (a free slot is given a
// lease first; a slot being released takes a reserved lease before it is freed); a slot is
// busy from the moment a lease is placed on it until it is released; a reserved lease that ran
// out is never handed out. Thread-safe: any thread may call any method; each says who does.
class SlotDispatch {
 public:
  // Slots 0..slots-1, all free; slot 0 is used first. `clock` must outlive this.
  SlotDispatch(size_t slots, size_t lookahead, Clock& clock);

  // Any thread (Stop, a drained pool). True for the first call only. Wakes every wait.
  bool Stop();
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // The claimer thread: blocks until a slot is free or the reserve is below lookahead, and
  // returns how many leases to claim (free slots + what the reserve lacks); 0 once stopping.
  size_t WaitForDemand();
  // The claimer thread, after a failed claim: blocks for `pause` or until Stop.
  void PauseUnlessStopped(std::chrono::nanoseconds pause);

  // Any thread holding a lease that no slot waits for (the claimer; a settled detached
  // attempt's next lease). Returns a free slot, now busy, for the caller to give `lease` to;
  // if none is free, moves `lease` into the reserve and returns nullopt.
  std::optional<size_t> TakeFreeSlotOrReserve(Lease& lease);
  // Any thread (an I/O thread whose attempt ended): the oldest reserved lease that has not run
  // out. Leases that ran out while reserved are dropped: the store delivers them again.
  std::optional<ReservedLease> TakeReserved();
  // Any thread (slot `index` has no next lease): a reserved lease for the slot to run (it stays
  // busy), or nullopt after the slot was freed.
  std::optional<ReservedLease> RefillOrFree(size_t index);
  // Any thread (settling attempts whose slots have moved on): whether a lease more would be
  // used now, by a free slot or a reserve below lookahead.
  bool WantsLeases() const;
  // Any thread: slots busy now.
  uint64_t busy() const { return busy_.load(std::memory_order_acquire); }
  // Any thread (the slot's, before it runs a reserved lease): an attempt settled detached from
  // its slot is on its way to the store; its next lease may still take a free slot. The pool
  // is not idle until the matching DetachedSettled (the I/O thread that settled it, after
  // distributing that lease).
  void DetachedStarted();
  void DetachedSettled();

  // Run's thread: block until Stop, and until no slot is busy and no detached attempt is
  // being settled.
  void WaitStopped();
  void WaitIdle();

  // The ticker thread: copies of the reserved leases last extended `period` ns or more before
  // `now`; after extending each, it reports with Extended (by token: one may be taken
  // meanwhile). `ok`: the store extended it (its new deadline is in `lease`).
  std::vector<Lease> ReservedDue(int64_t now, int64_t period);
  void Extended(const Lease& lease, int64_t now, bool ok);

 private:
  std::optional<ReservedLease> TakeReservedLocked();

  const size_t lookahead_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;         // a slot freed, the reserve emptied, stop, or idle
  std::vector<size_t> free_;           // guarded by mu_
  std::deque<ReservedLease> reserve_;  // guarded by mu_
  std::atomic<bool> stopping_{false};  // written under mu_
  std::atomic<uint64_t> busy_{0};      // written under mu_
  uint64_t detached_ = 0;              // guarded by mu_
};

}  // namespace strandq
