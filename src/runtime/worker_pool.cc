// Copyright 2026 The strandq Authors.
#include "strandq/worker_pool.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
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
#include "runtime/ticker.h"
#include "strandq/clock.h"
#include "strandq/duration.h"
#include "util/hostname.h"

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
// Shutdown: Run waits for the claimer, then for every slot to be idle (every post to the loop
// is made for a busy slot), stops the ticker, then the I/O threads, then foreign posts.
//
// Handler timeout: the ticker times out an attempt by winning its HandlerAttempt's word, fires
// its Cancellation, then hands a nack to OnDone as a Completion from a foreign thread would.

namespace strandq {
namespace {

namespace asio = boost::asio;

constexpr int kMaxInlineRuns = 64;
// The most completions settled in one Store::CompleteMany.
constexpr size_t kMaxBatch = 64;

}  // namespace

std::string DefaultWorkerId() { return HostName() + ":" + std::to_string(getpid()); }

static PoolOptions WithDefaults(PoolOptions o) {
  o.workers = std::max<size_t>(o.workers, 1);
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  if (o.worker_id.empty()) o.worker_id = DefaultWorkerId();
  return o;
}

struct WorkerPool::Impl {
  struct Slot {
    std::string worker;       // "<worker_id>:<index>", constant
    HeldLease lease;          // from the grant until FinishSlot; the ticker extends it
    int64_t start_ns = 0;     // wall clock: the current attempt's start; only the slot's path
    std::mutex mu;            // guards attempt (the ticker reads it)
    StartRace race;           // Start returning vs. the Completion running
    uint64_t generation = 0;  // of the current attempt; only the slot's path
    std::shared_ptr<HandlerAttempt> attempt;  // written only by the slot's path, under mu
  };

  Impl(Store& s, Handler& h, LogSink* l, PoolOptions o)
      : store(s),
        handler(h),
        log(l),
        options(WithDefaults(std::move(o))),
        clock(options.clock != nullptr ? options.clock : SystemClock()),
        completions(options.store_threads, kMaxBatch),
        slots(options.workers),
        dispatch(options.workers, options.lookahead, *clock),
        attempt_timer(options.workers, options.handler_timeout.count()) {
    for (size_t i = 0; i < slots.size(); ++i)
      slots[i].worker = options.worker_id + ":" + std::to_string(i);
  }

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

  // Any thread: keeps the first store error for Run to return.
  void RecordError(const Status& s) {
    std::lock_guard lock(error_mu);
    if (first_error.ok()) first_error = s;
  }

  // Claimer thread: fills free slots from Store::Claim until stopped.
  void ClaimLoop() {
    for (;;) {
      const size_t want = dispatch.WaitForDemand();
      if (want == 0) return;  // stopping
      auto claimed = store.Claim(want, options.claim_wait, stop_claims.get_token());
      if (!claimed.ok()) {
        if (claimed.status().code() == Status::Code::kCancelled) return;
        RecordError(claimed.status());
        // The store may come back (a restarted server): wait a little, then try again.
        dispatch.PauseUnlessStopped(std::chrono::milliseconds(200));
        continue;
      }
      if (claimed->empty()) {
        if (options.stop_when_drained) MaybeStopDrained();
        continue;
      }
      for (Lease& lease : *claimed) Distribute(std::move(lease));
    }
  }

  // Gives a lease that no slot is waiting for (a claim, or the next lease of a detached
  // completion) to a free slot, which starts it, or else to the reserve. The claimer thread, or
  // the I/O thread that settled a detached completion.
  void Distribute(Lease lease) {
    std::optional<size_t> index = dispatch.TakeFreeSlotOrReserve(lease);
    if (!index) return;  // reserved
    // Held by the slot (and so extended by the ticker) while it waits for an I/O thread.
    Assign(slots[*index], std::move(lease));
    asio::post(io, [this, index = *index] { RunSlot(index); });
  }

  // Run's thread at start, the claimer thread after an empty claim, an I/O thread after it freed
  // a slot (stop_when_drained): stops once the store is drained and no slot is busy.
  void MaybeStopDrained() {
    if (dispatch.busy() != 0) return;  // (the reserve is empty while a slot is free)
    auto stats = store.Stats();
    if (stats.ok() && stats->drained() && dispatch.busy() == 0) RequestStop();
  }

  // The slot holds `lease` (granted or last extended at `extended_ns`, default now). Called by
  // whichever thread owns the slot at that moment (the claimer for a free slot, else its I/O
  // thread).
  void Assign(Slot& slot, Lease lease, int64_t extended_ns = 0) {
    slot.lease.Assign(std::move(lease), extended_ns != 0 ? extended_ns : clock->MonotonicNs());
  }

  // Runs the handler on the slot's lease, and on its following leases for as long as they
  // complete inline (bounded), on this I/O thread. With store_threads > 0 a handler that
  // completed inline goes to the store queue instead.
  void RunSlot(size_t index) {
    Slot& slot = slots[index];
    for (int run = 0;; ++run) {
      if (run == kMaxInlineRuns) {
        asio::post(io, [this, index] { RunSlot(index); });
        return;
      }
      std::optional<Outcome> outcome = StartHandler(slot, index);
      if (!outcome) return;  // the Completion will finish the slot
      if (options.store_threads > 0) {
        HandToStore(index, std::move(*outcome));
        return;
      }
      if (!FinishSlot(slot, index, std::move(*outcome), clock->WallNs())) return;
    }
  }

  // An I/O thread, on the slot's path: starts the handler on the slot's lease. Returns the
  // outcome if it completed before Start returned.
  std::optional<Outcome> StartHandler(Slot& slot, size_t index) {
    const uint64_t generation = ++slot.generation;
    std::shared_ptr<HandlerAttempt> attempt = NextAttempt(slot, index, generation);
    slot.race.Begin(generation);
    Completion done = [this, attempt, generation](Outcome outcome) {
      if (!attempt->Settle(generation)) return;  // timed out, or called twice
      OnDone(attempt->index(), generation, std::move(outcome));
    };
    std::optional<Outcome> thrown;
    try {
      handler.Start(attempt->event(), io, std::move(done), attempt->token());
    } catch (const std::exception& e) {
      thrown = Outcome::Nack(std::string("handler threw: ") + e.what());
    } catch (...) {
      thrown = Outcome::Nack("handler threw a non-exception");
    }
    if (thrown) {
      attempt->Settle(generation);  // a later Completion is ignored
      attempt->Abandon();           // what Start scheduled may still read the event
    }
    return slot.race.StartReturned(generation, std::move(thrown));
  }

  // An I/O thread, from StartHandler. The slot's Attempt, set up for attempt `generation` of its
  // lease: the last one reused, or a
  // new one if the last was abandoned (its late handler may still read it) or there is none.
  std::shared_ptr<HandlerAttempt> NextAttempt(Slot& slot, size_t index, uint64_t generation) {
    // The event is read without the slot lock: the ticker writes only the deadline, and
    // the lease is replaced only after the attempt was settled.
    std::shared_ptr<HandlerAttempt> attempt =
        HandlerAttempt::Next(slot.attempt, slot.lease.event(), index, generation);
    slot.start_ns = clock->WallNs();
    std::lock_guard lock(slot.mu);
    slot.attempt = attempt;
    return attempt;
  }

  // Any thread (the handler's Completion: an I/O thread, or a BlockingHandler's own thread).
  // The Completion of attempt `generation` of slot `index`. Ignores a second call.
  void OnDone(size_t index, uint64_t generation, Outcome outcome) {
    std::optional<Outcome> finished = slots[index].race.Completed(generation, std::move(outcome));
    if (!finished) return;  // left for StartHandler, or ignored
    outcome = std::move(*finished);
    if (options.store_threads > 0) {
      HandToStore(index, std::move(outcome));
      return;
    }
    auto finish = [this, index](Outcome outcome) {
      if (FinishSlot(slots[index], index, std::move(outcome), clock->WallNs())) RunSlot(index);
    };
    // From a timer or socket callback we are on an I/O thread already: finish here, one hop
    // less. From a foreign thread (BlockingHandler), hand over to the I/O loop.
    if (io.get_executor().running_in_this_thread()) {
      finish(std::move(outcome));
    } else {
      foreign_posts.Enter();
      asio::post(io,
                 [finish, outcome = std::move(outcome)]() mutable { finish(std::move(outcome)); });
      foreign_posts.Leave();
    }
  }

  // Any thread, from OnDone or RunSlot. Queues the slot's completion for the store; an I/O
  // thread settles the queue (this one, or one it posts to) unless
  // store_threads calls are running already. The attempt ended now, not when its call is made.
  // With a reserved lease at hand the slot starts it at once, and this attempt is settled
  // detached from the slot.
  void HandToStore(size_t index, Outcome outcome) {
    FinishedAttempt queued;
    queued.index = index;
    queued.outcome = std::move(outcome);
    queued.end_ns = clock->WallNs();
    std::optional<ReservedLease> ahead;
    if (options.lookahead > 0 && (ahead = dispatch.TakeReserved())) {
      queued.detached = true;
      queued.lease = TakeLease(slots[index], queued.start_ns);
      Assign(slots[index], std::move(ahead->lease), ahead->last_extend_ns);
    }
    const bool call = completions.Push(std::move(queued));  // else a running call takes it
    const bool on_io = io.get_executor().running_in_this_thread();
    // From a foreign thread (BlockingHandler) the work goes on on the I/O loop; Run must wait
    // for the posts to return.
    if (!on_io) foreign_posts.Enter();
    if (ahead) asio::post(io, [this, index] { RunSlot(index); });
    if (call && !on_io) asio::post(io, [this] { CompleteQueued(); });
    if (!on_io) foreign_posts.Leave();
    if (call && on_io) CompleteQueued();
  }

  // One of at most store_threads callers, on an I/O thread: settles the queued completions,
  // kMaxBatch at a time, in one Store::CompleteMany each, until the queue is empty.
  void CompleteQueued() {
    for (auto batch = completions.TakeBatch(); !batch.empty(); batch = completions.TakeBatch()) {
      CompleteBatch(batch);
    }
  }

  // An I/O thread, from CompleteQueued. Settles `batch` in one Store::CompleteMany and books each;
  // a slot granted its next lease runs it next, from the I/O queue.
  void CompleteBatch(std::vector<FinishedAttempt>& batch) {
    std::vector<Settlement> settlements(batch.size());
    std::vector<int64_t> starts(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].detached) {
        settlements[i].lease = std::move(batch[i].lease);
        starts[i] = batch[i].start_ns;
      } else {
        settlements[i].lease = TakeLease(slots[batch[i].index], starts[i]);
      }
      settlements[i].outcome = std::move(batch[i].outcome);
    }
    if (RecordingFirst()) {
      std::vector<AttemptRecord> unconfirmed(batch.size());
      for (size_t i = 0; i < batch.size(); ++i) {
        unconfirmed[i] = AttemptLedger::Unconfirmed(settlements[i], slots[batch[i].index].worker,
                                                    starts[i], batch[i].end_ns);
      }
      log->WriteMany(unconfirmed);
    }
    auto results =
        store.CompleteMany(settlements, dispatch.stopping() ? ClaimNext::kNo : ClaimNext::kYes);
    failpoint.AfterSettle();
    std::vector<AttemptRecord> lines;
    lines.reserve(log != nullptr ? batch.size() : 0);
    for (size_t i = 0; i < batch.size(); ++i) {
      const size_t index = batch[i].index;
      if (Settle(slots[index], index, std::move(settlements[i]), starts[i], batch[i].end_ns,
                 std::move(results[i]), &lines, batch[i].detached)) {
        asio::post(io, [this, index] { RunSlot(index); });
      }
    }
    if (log != nullptr) log->WriteMany(lines);
  }

  bool RecordingFirst() const { return log != nullptr && options.record_first; }

  // An I/O thread, on the slot's path. Takes the slot's lease out of it (the ticker no longer
  // extends it) and its start time.
  Lease TakeLease(Slot& slot, int64_t& start_ns) {
    start_ns = slot.start_ns;
    return slot.lease.Take();
  }

  // An I/O thread, on the slot's path (store_threads == 0). Settles the slot's lease and logs the
  // attempt (ended at `end_ns`). Returns true if the store
  // granted the slot its next lease (assigned to it); otherwise the slot goes back to the free
  // list.
  bool FinishSlot(Slot& slot, size_t index, Outcome outcome, int64_t end_ns) {
    int64_t start_ns;
    Settlement settled{TakeLease(slot, start_ns), std::move(outcome)};
    if (RecordingFirst())
      log->Write(AttemptLedger::Unconfirmed(settled, slot.worker, start_ns, end_ns));
    auto completed = store.Complete(settled.lease, settled.outcome,
                                    dispatch.stopping() ? ClaimNext::kNo : ClaimNext::kYes);
    failpoint.AfterSettle();
    return Settle(slot, index, std::move(settled), start_ns, end_ns, std::move(completed),
                  /*lines=*/nullptr);
  }

  // An I/O thread. Books what the store made of a settlement (`completed`): the slot's next lease,
  // the counters, the log line (appended to `lines` for the caller to write; written at once if
  // `lines` is null). Returns true if the slot has a next lease; otherwise releases it. A
  // detached settlement's slot runs another lease already: its next lease is distributed.
  bool Settle(Slot& slot, size_t index, Settlement settled, int64_t start_ns, int64_t end_ns,
              Result<CompleteResult> completed, std::vector<AttemptRecord>* lines,
              bool detached = false) {
    // The next lease is the slot's (and so the ticker's to extend) at once, not after the log.
    const bool has_next = completed.ok() && completed->next;
    if (has_next && detached) Distribute(std::move(*completed->next));
    if (has_next && !detached) Assign(slot, std::move(*completed->next));

    if (!completed.ok() && completed.status().code() != Status::Code::kLeaseLost) {
      RecordError(completed.status());
    }
    const AttemptRecord::Outcome logged = ledger.Book(completed);
    if (log != nullptr) {
      AttemptRecord record = AttemptLedger::Final(std::move(settled), slot.worker, start_ns, end_ns,
                                                  completed, logged);
      if (lines != nullptr) {
        lines->push_back(std::move(record));
      } else {
        log->Write(record);
      }
    }
    if (detached) return false;
    if (has_next) return true;
    ReleaseSlot(index);
    return false;
  }

  // An I/O thread, after the slot's settlement. Frees the slot, or gives it a reserved lease to
  // run (SlotDispatch::RefillOrFree).
  void ReleaseSlot(size_t index) {
    std::optional<ReservedLease> ahead = dispatch.RefillOrFree(index);
    if (ahead) {
      Assign(slots[index], std::move(ahead->lease), ahead->last_extend_ns);
      asio::post(io, [this, index] { RunSlot(index); });
      return;
    }
    if (options.stop_when_drained && !dispatch.stopping()) MaybeStopDrained();
  }

  // The ticker thread. Extends the leases held for lease_ttl / 3 or more since their grant or
  // last extension.
  void Tick() {
    const int64_t ttl = options.lease_ttl.count();
    const int64_t now = clock->MonotonicNs();
    for (Slot& slot : slots) {
      std::optional<Lease> lease = slot.lease.Due(now, ttl / 3);
      if (!lease) continue;
      const bool ok = store.Extend(*lease).ok();
      slot.lease.Extended(*lease, now, ok);
    }
    // Reserved leases too.
    for (Lease& lease : dispatch.ReservedDue(now, ttl / 3)) {
      const bool ok = store.Extend(lease).ok();
      dispatch.Extended(lease, now, ok);
    }
  }

  // The ticker thread. Fails the attempts that ran for handler_timeout or more (see DESIGN). An
  // attempt is timed from when the ticker first saw it running (no clock read per attempt), so it
  // is failed between handler_timeout and handler_timeout plus two ticker periods after its start.
  void TimeOutHandlers() {
    const std::chrono::nanoseconds timeout = options.handler_timeout;
    const int64_t now = clock->MonotonicNs();
    for (size_t i = 0; i < slots.size(); ++i) {
      std::shared_ptr<HandlerAttempt> attempt;
      uint64_t generation;
      {
        std::lock_guard lock(slots[i].mu);
        if (slots[i].attempt == nullptr) continue;
        std::optional<uint64_t> running = slots[i].attempt->Running();
        if (!running || !attempt_timer.Expired(i, *running, now)) continue;
        if (!slots[i].attempt->Settle(*running)) continue;  // it just ended
        generation = *running;
        attempt = slots[i].attempt;
      }
      HandlerAttempt::TimeOut(attempt);
      OnDone(attempt->index(), generation,
             Outcome::Nack("handler timed out after " + FormatDuration(timeout)));
    }
  }

  // The ticker thread, every Ticker::PeriodFor(lease_ttl, handler_timeout).
  void OnTick() {
    Tick();
    if (options.handler_timeout.count() > 0) TimeOutHandlers();
  }

  // The caller's thread (WorkerPool::Run): starts the threads, waits for the stop, joins them.
  Status Run() {
    auto guard = asio::make_work_guard(io);
    std::vector<std::thread> threads;
    // store_threads of them may be waiting on the store at any time (CompleteQueued).
    for (size_t i = 0; i < options.threads + options.store_threads; ++i) {
      threads.emplace_back([this] {
        // Timers of handlers (sleep:) fire up to 50us late by default; events are short.
        prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
        io.run();
      });
    }
    Ticker ticker;
    ticker.Start(Ticker::PeriodFor(options.lease_ttl, options.handler_timeout),
                 [this] { OnTick(); });
    if (options.stop_when_drained) MaybeStopDrained();
    std::thread claimer([this] { ClaimLoop(); });
    // First the claimer, so that no lease it is handing over can be missed; then the slots.
    dispatch.WaitStopped();
    claimer.join();
    dispatch.WaitIdle();
    ticker.Stop();
    guard.reset();  // every slot is idle: the loop only returns from the last posts
    io.stop();
    for (auto& t : threads) t.join();
    // The last completion's post may still be returning on its thread (asio signals after
    // unlocking); wait it out so the caller may destroy the pool right away.
    foreign_posts.WaitNone();
    Status flushed = log != nullptr ? log->Flush() : Status();
    std::lock_guard lock(error_mu);
    if (!first_error.ok()) return first_error;
    return flushed;
  }
};

WorkerPool::WorkerPool(Store& store, Handler& handler, LogSink* log, PoolOptions options)
    : impl_(std::make_unique<Impl>(store, handler, log, std::move(options))) {}

WorkerPool::~WorkerPool() = default;

Status WorkerPool::Run() { return impl_->Run(); }

void WorkerPool::Stop() { impl_->RequestStop(); }

PoolProgress WorkerPool::Progress() const {
  PoolProgress p = impl_->ledger.Progress();
  p.in_flight = impl_->dispatch.busy();
  return p;
}

}  // namespace strandq
