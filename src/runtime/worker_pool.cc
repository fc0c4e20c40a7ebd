// Copyright 2026 The strandq Authors.
#include "strandq/worker_pool.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <thread>

#include "runtime/ticker.h"
#include "runtime/worker_pool_impl.h"
#include "util/hostname.h"

namespace strandq {
namespace {

PoolOptions WithDefaults(PoolOptions o) {
  o.workers = std::max<size_t>(o.workers, 1);
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  if (o.worker_id.empty()) o.worker_id = DefaultWorkerId();
  return o;
}

}  // namespace

std::string DefaultWorkerId() { return HostName() + ":" + std::to_string(getpid()); }

WorkerPool::Impl::Impl(Store& s, Handler& h, LogSink* l, PoolOptions o)
    : store(s),
      handler(h),
      log(l),
      options(WithDefaults(std::move(o))),
      clock(options.clock != nullptr ? options.clock : SystemClock()),
      completions(options.store_threads, options.settle_batch),
      slots(options.workers),
      dispatch(options.workers, options.lookahead, *clock),
      attempt_timer(options.workers, options.handler_timeout.count()) {
  for (size_t i = 0; i < slots.size(); ++i)
    slots[i].worker = options.worker_id + ":" + std::to_string(i);
}

void WorkerPool::Impl::ClaimLoop() {
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

void WorkerPool::Impl::Distribute(Lease lease) {
  std::optional<size_t> index = dispatch.TakeFreeSlotOrReserve(lease);
  if (!index) return;  // reserved
  // Held by the slot (and so extended by the ticker) while it waits for an I/O thread.
  Assign(slots[*index], std::move(lease));
  asio::post(io, [this, index = *index] { RunSlot(index); });
}

void WorkerPool::Impl::MaybeStopDrained() {
  if (dispatch.busy() != 0) return;  // (the reserve is empty while a slot is free)
  auto stats = store.Stats();
  if (stats.ok() && stats->drained() && dispatch.busy() == 0) RequestStop();
}

void WorkerPool::Impl::RunSlot(size_t index) {
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

std::optional<Outcome> WorkerPool::Impl::StartHandler(Slot& slot, size_t index) {
  const uint64_t generation = ++slot.generation;
  // The race first: once NextAttempt renews the attempt record, the ticker may time the attempt
  // out at once, and that outcome must find the race expecting it.
  slot.race.Begin(generation);
  std::shared_ptr<HandlerAttempt> attempt = NextAttempt(slot, index, generation);
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

std::shared_ptr<HandlerAttempt> WorkerPool::Impl::NextAttempt(Slot& slot, size_t index,
                                                              uint64_t generation) {
  // The event is read without the slot lock: the ticker writes only the deadline, and
  // the lease is replaced only after the attempt was settled.
  std::shared_ptr<HandlerAttempt> attempt =
      HandlerAttempt::Next(slot.attempt, slot.lease.event(), index, generation);
  slot.start_ns = clock->WallNs();
  std::lock_guard lock(slot.mu);
  slot.attempt = attempt;
  return attempt;
}

void WorkerPool::Impl::OnDone(size_t index, uint64_t generation, Outcome outcome) {
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

Status WorkerPool::Impl::Run() {
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
  ticker.Start(Ticker::PeriodFor(options.lease_ttl, options.handler_timeout), [this] { OnTick(); });
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
