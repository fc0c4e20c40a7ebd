// Copyright 2026 The strandq Authors.
#include "runtime/worker_pool_impl.h"
#include "strandq/duration.h"

namespace strandq {

void WorkerPool::Impl::Tick() {
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

void WorkerPool::Impl::TimeOutHandlers() {
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

void WorkerPool::Impl::OnTick() {
  Tick();
  if (options.handler_timeout.count() > 0) TimeOutHandlers();
}

}  // namespace strandq
