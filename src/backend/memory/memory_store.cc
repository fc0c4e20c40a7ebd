// Copyright 2026 The strandq Authors.
#include "backend/memory/memory_store.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "core/batch_fingerprint.h"

namespace strandq {

// DESIGN
// State. The StoreModel holds every strand, lease and dead letter and states every rule; this
// class adds the lock, the clock and blocking. One mutex guards the model; every public method
// is one critical section, so each step (an Enqueue batch, a Complete with its next grant) is
// atomic. Payloads are copied before the lock is taken.
//
// Time. There is no timer thread. Every step of the model first expires the leases and ends the
// delays that are due at the instant it is given, read from the injected clock under the lock:
// a lease is valid exactly while its strand is leased with that token and head and
// now <= deadline.
//
// Blocking. Claim waits on cv_ until its own deadline or the model's next due timer, whichever
// is first (real time; with a ManualClock the wait is only a bound). Every method that can make
// a strand ready ends with WakeWaiters(), which signals as many waiters as there are ready
// strands, and wakes all of them when a timer earlier than the one they sleep until appears.
// A woken caller always retries granting before it gives up, so no signal is lost.

std::unique_ptr<Store> NewMemoryStore(const EngineOptions& options, Clock* clock) {
  return std::make_unique<MemoryStore>(options, clock);
}

MemoryStore::MemoryStore(const EngineOptions& options, Clock* clock,
                         std::optional<uint64_t> jitter_seed)
    : clock_(clock != nullptr ? clock : SystemClock()),
      model_(options, jitter_seed.value_or(static_cast<uint64_t>(clock_->WallNs()))) {}

MemoryStore::MemoryStore(const EngineOptions& options, Clock* clock, uint64_t jitter_seed,
                         StepJournal* journal, const std::function<Status(StoreModel&)>& restore)
    : clock_(clock != nullptr ? clock : SystemClock()),
      journal_(journal),
      model_(options, jitter_seed) {
  restore_status_ = restore(model_);
  if (!restore_status_.ok()) return;
  model_.RecordChanges();
  std::unique_lock lock(mu_);
  model_.Restart(Now());
  ModelChanges restarted = model_.TakeChanges();
  dead_at_open_ = restarted.dead.size();
  const uint64_t ticket =
      restarted.empty() ? journal_->Latest() : journal_->Record(std::move(restarted), {});
  lock.unlock();
  restore_status_ = Durable(ticket);
}

MemoryStore::~MemoryStore() = default;

Result<std::vector<EnqueueReceipt>> MemoryStore::Enqueue(std::span<const NewEvent> batch) {
  Status valid = ValidateNewEvents(batch, model_.options().max_payload_bytes);
  if (!valid.ok()) return valid;
  // Copy the payloads before taking the lock: a big batch should not stall the workers. A
  // journal keeps them on disk instead (StepJournal::LoadPayloads).
  std::vector<std::string> payloads(batch.size());
  if (journal_ == nullptr) {
    for (size_t i = 0; i < batch.size(); ++i) payloads[i] = batch[i].payload;
  }
  std::unique_lock lock(mu_);
  auto receipts = model_.Enqueue(batch, std::move(payloads), Now());
  if (Status durable = EndStep(lock, {}, batch); !durable.ok()) return durable;
  return receipts;
}

Result<EnqueueOnceResult> MemoryStore::EnqueueOnce(std::string_view key,
                                                   std::span<const NewEvent> batch) {
  if (Status valid = ValidateIdempotencyKey(key); !valid.ok()) return valid;
  Status valid = ValidateNewEvents(batch, model_.options().max_payload_bytes);
  if (!valid.ok()) return valid;
  // The fingerprint and the copies are made before taking the lock, as for Enqueue.
  const std::string fingerprint = BatchFingerprint(batch);
  std::vector<std::string> payloads(batch.size());
  if (journal_ == nullptr) {
    for (size_t i = 0; i < batch.size(); ++i) payloads[i] = batch[i].payload;
  }
  std::unique_lock lock(mu_);
  auto result = model_.EnqueueOnce(key, fingerprint, batch, std::move(payloads), Now());
  // A replayed answer too waits until what it repeats is durable.
  if (Status durable = EndStep(lock, {}, batch); !durable.ok()) return durable;
  return result;
}

Result<std::vector<Lease>> MemoryStore::Claim(size_t max, std::chrono::nanoseconds wait,
                                              std::stop_token stop) {
  using SteadyClock = std::chrono::steady_clock;
  std::vector<Lease> leases;
  if (max == 0) return leases;
  // Waits longer than this are "forever" (and cannot overflow the time_point).
  constexpr auto kForever = std::chrono::hours(24 * 365);
  const bool forever = wait >= kForever;
  const SteadyClock::time_point give_up =
      forever ? SteadyClock::time_point::max() : SteadyClock::now() + wait;

  // Wakes this caller (only) when it is told to stop; made before taking mu_, since it runs
  // at once if the stop was requested already.
  std::stop_callback wake(stop, [this] {
    std::lock_guard lock(mu_);
    cv_.notify_all();
  });
  std::unique_lock lock(mu_);
  for (;;) {
    if (stop.stop_requested()) break;
    const ModelTime now = Now();
    leases = model_.Claim(max, now);
    if (!leases.empty()) {
      WakeWaiters();  // expiries may have readied more than we took
      break;
    }
    const SteadyClock::time_point real_now = SteadyClock::now();
    if (wait.count() <= 0 || real_now >= give_up) break;
    SteadyClock::time_point until = give_up;
    if (const std::optional<int64_t> due = model_.NextDue(); !due) {
      sleepers_timer_ns_ = std::numeric_limits<int64_t>::max();
    } else {
      // *due > now: the model's Claim took everything due.
      sleepers_timer_ns_ = std::max(sleepers_timer_ns_, *due);
      const auto timer_wait = std::chrono::nanoseconds(*due - now.mono_ns);
      if (timer_wait < give_up - real_now) until = real_now + timer_wait;
    }
    ++waiters_;
    if (until == SteadyClock::time_point::max()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, until);
    }
    if (--waiters_ == 0) sleepers_timer_ns_ = std::numeric_limits<int64_t>::min();
  }
  std::vector<Event*> events;
  for (Lease& lease : leases) events.push_back(&lease.event);
  if (Status durable = EndStep(lock, events); !durable.ok()) return durable;
  return leases;
}

Result<CompleteResult> MemoryStore::Complete(const Lease& lease, const Outcome& outcome,
                                             ClaimNext claim_next) {
  std::unique_lock lock(mu_);
  auto result = model_.Complete(lease, outcome, claim_next, Now());
  Event* next = result.ok() && result->next ? &result->next->event : nullptr;
  if (Status durable = EndStep(lock, next ? std::span(&next, 1) : std::span<Event*>());
      !durable.ok()) {
    return durable;
  }
  return result;
}

std::vector<Result<CompleteResult>> MemoryStore::CompleteMany(
    std::span<const Settlement> settlements, ClaimNext claim_next) {
  std::unique_lock lock(mu_);
  auto results = model_.CompleteMany(settlements, claim_next, Now());
  std::vector<Event*> events;
  for (auto& result : results) {
    if (result.ok() && result->next) events.push_back(&result->next->event);
  }
  if (Status durable = EndStep(lock, events); !durable.ok()) {
    for (auto& result : results) result = durable;
  }
  return results;
}

Status MemoryStore::Extend(Lease& lease) {
  std::unique_lock lock(mu_);
  Status status = model_.Extend(lease, Now());
  if (Status durable = EndStep(lock, {}); !durable.ok()) return durable;
  return status;
}

Result<StoreStats> MemoryStore::Stats() {
  std::unique_lock lock(mu_);
  StoreStats stats = model_.Stats(Now());
  if (Status durable = EndStep(lock, {}); !durable.ok()) return durable;
  return stats;
}

Result<std::vector<DeadLetter>> MemoryStore::ListDead(size_t limit) {
  std::unique_lock lock(mu_);
  auto out = model_.ListDead(limit, Now());
  std::vector<Event*> events;
  for (DeadLetter& letter : out) events.push_back(&letter.event);
  if (Status durable = EndStep(lock, events); !durable.ok()) return durable;
  return out;
}

Result<size_t> MemoryStore::ReplayDead(std::span<const uint64_t> ids, ReplayAt at) {
  std::unique_lock lock(mu_);
  const size_t moved = model_.ReplayDead(ids, at, Now());
  if (Status durable = EndStep(lock, {}); !durable.ok()) return durable;
  return moved;
}

Result<size_t> MemoryStore::PurgeDead(std::span<const uint64_t> ids) {
  std::unique_lock lock(mu_);
  const size_t deleted = model_.PurgeDead(ids, Now());
  if (Status durable = EndStep(lock, {}); !durable.ok()) return durable;
  return deleted;
}

Result<std::vector<AccountInfo>> MemoryStore::ListAccounts(const AccountQuery& query) {
  std::unique_lock lock(mu_);
  auto out = model_.ListAccounts(query, Now());
  if (Status durable = EndStep(lock, {}); !durable.ok()) return durable;
  return out;
}

Result<AccountDetail> MemoryStore::GetAccount(std::string_view account, size_t offset,
                                              size_t limit) {
  std::unique_lock lock(mu_);
  auto detail = model_.GetAccount(account, offset, limit, Now());
  std::vector<Event*> events;
  if (detail.ok()) {
    for (Event& event : detail->events) events.push_back(&event);
  }
  if (Status durable = EndStep(lock, events); !durable.ok()) return durable;
  return detail;
}

Result<AccountInfo> MemoryStore::SetPaused(std::string_view account, bool paused) {
  std::unique_lock lock(mu_);
  auto info = model_.SetPaused(account, paused, Now());
  if (Status durable = EndStep(lock, {}); !durable.ok()) return durable;
  return info;
}

std::vector<Event> MemoryStore::ListPending() {
  std::lock_guard lock(mu_);
  return model_.ListPending();
}

Result<std::vector<Event>> ListPendingEmbedded(Store& store) {
  auto* memory = dynamic_cast<MemoryStore*>(&store);
  if (memory == nullptr) return Status::InvalidArgument("not an embedded (mem:) store");
  return memory->ListPending();
}

Status MemoryStore::EndStep(std::unique_lock<std::mutex>& lock, std::span<Event* const> events,
                            std::span<const NewEvent> batch) {
  const uint64_t ticket = Journal(batch);
  WakeWaiters();
  lock.unlock();
  return Durable(ticket, events);
}

uint64_t MemoryStore::Journal(std::span<const NewEvent> batch) {
  if (journal_ == nullptr) return 0;
  ModelChanges changes = model_.TakeChanges();
  if (changes.empty()) return journal_->Latest();
  return journal_->Record(std::move(changes), batch);
}

Status MemoryStore::Durable(uint64_t ticket, std::span<Event* const> events) {
  if (journal_ == nullptr) return Status();
  if (Status durable = journal_->Await(ticket); !durable.ok()) return durable;
  if (events.empty()) return Status();
  return journal_->LoadPayloads(events);
}

void MemoryStore::WakeWaiters() {
  if (waiters_ == 0) return;
  if (const std::optional<int64_t> due = model_.NextDue(); due && *due < sleepers_timer_ns_) {
    // A timer earlier than the one they sleep until: let them all recompute their wait.
    sleepers_timer_ns_ = std::numeric_limits<int64_t>::min();
    cv_.notify_all();
    return;
  }
  const size_t n = std::min(model_.ready(), waiters_);
  if (n == waiters_) {
    cv_.notify_all();
  } else {
    for (size_t i = 0; i < n; ++i) cv_.notify_one();
  }
}

}  // namespace strandq
