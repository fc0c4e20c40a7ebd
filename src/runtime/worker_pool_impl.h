// Copyright 2026 The strandq Authors.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "runtime/attempt_ledger.h"
#include "runtime/attempt_timer.h"
#include "runtime/completion_queue.h"
#include "runtime/crash_failpoint.h"
#include "runtime/foreign_posts.h"
#include "runtime/handler_attempt.h"
#include "runtime/held_lease.h"
#include "runtime/slot_dispatch.h"
#include "runtime/start_race.h"
#include "strandq/clock.h"
#include "strandq/worker_pool.h"

namespace strandq {

namespace asio = boost::asio;

// DESIGN
// Slots are plain structs, not threads. The claimer thread gives a free slot a lease and posts
// RunSlot to the I/O loop; the handler's Completion lands in FinishSlot, which settles the lease
// and claims the next in the same store call; with a next lease the slot starts again at once,
// otherwise it is freed for the claimer (blocked in Store::Claim, woken by the store). A handler
// that completes inside Start (noop) is looped over, not recursed into, up to kMaxInlineRuns.
//
// The units (each header states its contract and which thread calls it):
//   SlotDispatch     free and busy slots, the lookahead reserve, stopping (claimer, Run)
//   HeldLease        a slot's lease from its grant to its store call; the ticker extends it
//   Ticker           the thread extending leases and timing out handlers (AttemptTimer)
//   HandlerAttempt   what a handler holds of an attempt: its event, Cancellation, settle word
//   StartRace        Start returning vs. the Completion running, per slot
//   CompletionQueue  finished attempts batched into Store::CompleteMany (store_threads > 0)
//   AttemptLedger    counters and log lines of settled attempts
//
// With store_threads > 0 (a remote store, where Complete is a network round trip), a finished
// attempt goes into the CompletionQueue; the I/O thread that queued it settles the queue unless
// store_threads such calls run already (then one of them takes it when its call returns), so a
// busy pool makes few, large calls and the pool's threads + store_threads I/O threads always
// leave `threads` of them to handlers and timers. A slot is in one place at a time (the I/O
// queue, its handler, or the store queue), so it has at most one completion in flight; it holds
// its lease there, so the ticker extends it. With store_threads = 0 FinishSlot runs inline on
// the I/O thread, one Complete per attempt, as fits the embedded store.
//
// Lookahead: a slot whose attempt ends starts a reserved lease at once; the ended attempt is
// queued "detached" with its own lease, and the next lease its call brings is distributed.
//
// Shutdown: Run waits for the claimer, then for every slot to be idle and every detached
// settlement to be settled (its next lease may take a slot; every post to the loop is made for
// a busy slot), stops the ticker, then the I/O threads, then foreign posts.
//
// Handler timeout: the ticker times out an attempt by winning its HandlerAttempt's word, fires
// its Cancellation, then hands a nack to OnDone as a Completion from a foreign thread would.
//
// Its methods are defined in worker_pool.cc (claiming, running slots, Run),
// worker_pool_settle.cc (settling attempts with the store and booking them) and
// worker_pool_ticks.cc (extending leases, timing out handlers).
struct WorkerPool::Impl {
  // A handler that completes inside Start is run again inline at most this many times.
  static constexpr int kMaxInlineRuns = 64;

  struct Slot {
    std::string worker;       // "<worker_id>:<index>", constant
    HeldLease lease;          // from the grant until FinishSlot; the ticker extends it
    int64_t start_ns = 0;     // wall clock: the current attempt's start; only the slot's path
    std::mutex mu;            // guards attempt (the ticker reads it)
    StartRace race;           // Start returning vs. the Completion running
    uint64_t generation = 0;  // of the current attempt; only the slot's path
    std::shared_ptr<HandlerAttempt> attempt;  // written only by the slot's path, under mu
  };

  // The thread constructing the WorkerPool.
  Impl(Store& s, Handler& h, LogSink* l, PoolOptions o);

  Store& store;
  Handler& handler;
  LogSink* const log;
  PoolOptions options;
  Clock* const clock;

  asio::io_context io;
  // Finished attempts waiting for their store call (store_threads > 0).
  CompletionQueue completions;
  std::vector<Slot> slots;

  // Free and busy slots, the leases claimed ahead (options.lookahead; the ticker extends
  // them), stopping.
  SlotDispatch dispatch;
  std::stop_source stop_claims;  // ends this pool's Claim calls only (the store goes on)
  AttemptTimer attempt_timer;    // the ticker thread's only
  std::mutex error_mu;
  Status first_error;  // guarded by error_mu

  AttemptLedger ledger;  // counters and log lines
  CrashFailpoint failpoint;
  // Completions from foreign threads still inside asio::post: io must outlive them.
  ForeignPosts foreign_posts;

  // Any thread (Stop, the claimer or an I/O thread finding the store drained): stops claiming.
  void RequestStop() {
    if (dispatch.Stop()) stop_claims.request_stop();
  }

  // Any thread: keeps the first store error for Run to return. An Internal error (a damaged
  // database, a write that failed for good) will not pass: the pool stops.
  void RecordError(const Status& s) {
    {
      std::lock_guard lock(error_mu);
      if (first_error.ok()) first_error = s;
    }
    if (s.code() == Status::Code::kInternal) RequestStop();
  }

  // Claimer thread: fills free slots from Store::Claim until stopped.
  void ClaimLoop();

  // Gives a lease that no slot is waiting for (a claim, or the next lease of a detached
  // completion) to a free slot, which starts it, or else to the reserve. The claimer thread, or
  // the I/O thread that settled a detached completion.
  void Distribute(Lease lease);

  // Run's thread at start, the claimer thread after an empty claim, an I/O thread after it freed
  // a slot (stop_when_drained): stops once the store is drained and no slot is busy.
  void MaybeStopDrained();

  // The slot holds `lease` (granted or last extended at `extended_ns`, default now). Called by
  // whichever thread owns the slot at that moment (the claimer for a free slot, else its I/O
  // thread).
  void Assign(Slot& slot, Lease lease, int64_t extended_ns = 0) {
    slot.lease.Assign(std::move(lease), extended_ns != 0 ? extended_ns : clock->MonotonicNs());
  }

  // Runs the handler on the slot's lease, and on its following leases for as long as they
  // complete inline (bounded), on this I/O thread. With store_threads > 0 a handler that
  // completed inline goes to the store queue instead.
  void RunSlot(size_t index);

  // An I/O thread, on the slot's path: starts the handler on the slot's lease. Returns the
  // outcome if it completed before Start returned.
  std::optional<Outcome> StartHandler(Slot& slot, size_t index);

  // An I/O thread, from StartHandler. The slot's Attempt, set up for attempt `generation` of its
  // lease: the last one reused, or a new one if the last was abandoned (its late handler may
  // still read it) or there is none.
  std::shared_ptr<HandlerAttempt> NextAttempt(Slot& slot, size_t index, uint64_t generation);

  // Any thread (the handler's Completion: an I/O thread, or a BlockingHandler's own thread).
  // The Completion of attempt `generation` of slot `index`. Ignores a second call.
  void OnDone(size_t index, uint64_t generation, Outcome outcome);

  // Any thread, from OnDone or RunSlot. Queues the slot's completion for the store; an I/O
  // thread settles the queue (this one, or one it posts to) unless store_threads calls are
  // running already. The attempt ended now, not when its call is made.
  // With a reserved lease at hand the slot starts it at once, and this attempt is settled
  // detached from the slot.
  void HandToStore(size_t index, Outcome outcome);

  // One of at most store_threads callers, on an I/O thread: settles the queued completions,
  // options.settle_batch at a time, in one Store::CompleteMany each, until the queue is empty.
  void CompleteQueued();

  // An I/O thread, from CompleteQueued. Settles `batch` in one Store::CompleteMany and books each;
  // a slot granted its next lease runs it next, from the I/O queue.
  void CompleteBatch(std::vector<FinishedAttempt>& batch);
  // Whether the store should grant next leases along with a batch of settlements.
  ClaimNext NextFor() const;

  bool RecordingFirst() const { return log != nullptr && options.record_first; }

  // An I/O thread, on the slot's path. Takes the slot's lease out of it (the ticker no longer
  // extends it) and its start time.
  Lease TakeLease(Slot& slot, int64_t& start_ns);

  // An I/O thread, on the slot's path (store_threads == 0). Settles the slot's lease and logs the
  // attempt (ended at `end_ns`). Returns true if the store granted the slot its next lease
  // (assigned to it); otherwise the slot goes back to the free list.
  bool FinishSlot(Slot& slot, size_t index, Outcome outcome, int64_t end_ns);

  // An I/O thread. Books what the store made of a settlement (`completed`): the slot's next lease,
  // the counters, the log line (appended to `lines` for the caller to write; written at once if
  // `lines` is null). Returns true if the slot has a next lease; otherwise releases it. A
  // detached settlement's slot runs another lease already: its next lease is distributed.
  bool Settle(Slot& slot, size_t index, Settlement settled, int64_t start_ns, int64_t end_ns,
              Result<CompleteResult> completed, std::vector<AttemptRecord>* lines,
              bool detached = false);

  // An I/O thread, after the slot's settlement. Frees the slot, or gives it a reserved lease to
  // run (SlotDispatch::RefillOrFree).
  void ReleaseSlot(size_t index);

  // The ticker thread. Extends the leases held for lease_ttl / 3 or more since their grant or
  // last extension.
  void Tick();

  // The ticker thread. Fails the attempts that ran for handler_timeout or more (see DESIGN). An
  // attempt is timed from when the ticker first saw it running (no clock read per attempt), so it
  // is failed between handler_timeout and handler_timeout plus two ticker periods after its start.
  void TimeOutHandlers();

  // The ticker thread, every Ticker::PeriodFor(lease_ttl, handler_timeout).
  void OnTick();

  // The caller's thread (WorkerPool::Run): starts the threads, waits for the stop, joins them.
  Status Run();
};

}  // namespace strandq
