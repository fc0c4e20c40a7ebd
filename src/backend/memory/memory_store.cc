// Copyright 2026 The strandq Authors.
#include "backend/memory/memory_store.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <string>
#include <utility>

namespace strandq {

// DESIGN
// State. One mutex guards everything; every public method is one critical section, so each
// step (an Enqueue batch, a Complete with its next grant) is atomic. Each account has a
// Strand, found through index_ (account -> strand) and kept forever, because an account's
// seq numbers and fencing tokens must keep growing. Strands are also numbered by a dense slot
// (slots_) that the ready set and the timers index; a token is (grants << 32 | slot), so it
// grows with every grant of the account and leads Complete and Extend to the strand without
// hashing the account name (the name is still compared). A strand holds its pending events in a
// ChunkedFifo of compact records {id, seq, enqueued_ns, payload}: no per-event account
// string, no per-event node. Only the head can be leased, so the attempt count, the lease
// token and the deadline are per strand. A strand is in exactly one state:
//   idle     no pending event, or parked by a dead letter; in no index
//   ready    in ready_, the ReadySet ordered by the policy
//   leased   its head is leased; in timers_ keyed by deadline + 1
//   delayed  waiting out a retry backoff; in timers_ keyed by the end of the delay
// Ready strands are granted by popping ready_; the grant bumps the head's attempt and the
// strand's grant count (so its token) and files the deadline in timers_. Complete with
// claim_next, the hot path, puts the acked strand back and takes the best one in a single heap
// pass (ReadySet::PushPop), or none when the acked strand is still the best.
//
// Memory. Per queued event: its 56-byte record in a chunk plus the payload's heap block when
// it exceeds std::string's inline 15 bytes; per account: one hash node holding the Strand.
// Payloads are copied before the lock is taken.
//
// Time. There is no timer thread. Every public method first pops the timers that are due on
// the injected clock (ProcessDue): an expired lease counts as a failed attempt (dead letter
// at max_attempts, else ready at once with the same head), an ended delay makes its strand
// ready. A lease is therefore valid exactly while its strand is leased with that token and
// head and now <= deadline. Delays and deadlines use the clock's monotonic time; enqueued_ns
// and dead_ns its wall time.
//
// Blocking. Claim waits on cv_ until its own deadline or the earliest timer, whichever is
// first (real time; with a ManualClock the wait is only a bound). Every method that can make
// a strand ready ends with WakeWaiters(), which signals as many waiters as there are ready
// strands, and wakes all of them when a timer earlier than the one they sleep until appears.
// A woken caller always retries granting before it gives up, so no signal is lost.
//
// Dead letters keep the event (payload included), its attempt count and last error, oldest
// first, indexed by id. Replay puts them back with attempt 0: at the tail, or at the head;
// but a head already in progress (leased, delayed or attempted) stays the head, and replayed
// events go right behind it, so no live lease is broken. A replayed event's replay count
// (Event::replay) is kept in replays_ by id while it is pending and in its dead entry while it
// is dead.

namespace {

constexpr uint32_t kNoSlot = std::numeric_limits<uint32_t>::max();

EngineOptions Clamp(EngineOptions options) {
  options.lease_ttl = std::max(options.lease_ttl, std::chrono::nanoseconds(1));
  options.max_attempts = std::max<uint32_t>(options.max_attempts, 1);
  options.retry_backoff = std::max(options.retry_backoff, std::chrono::nanoseconds(0));
  options.retry_backoff_max = std::max(options.retry_backoff_max, options.retry_backoff);
  return options;
}

}  // namespace

std::unique_ptr<Store> NewMemoryStore(const EngineOptions& options, Clock* clock) {
  return std::make_unique<MemoryStore>(options, clock);
}

MemoryStore::MemoryStore(const EngineOptions& options, Clock* clock)
    : options_(Clamp(options)),
      clock_(clock != nullptr ? clock : SystemClock()),
      backoff_(options_.retry_backoff, options_.retry_backoff_max),
      ready_(options_.policy),
      random_(static_cast<uint64_t>(clock_->WallNs())) {}

MemoryStore::~MemoryStore() = default;

// ---- Public API ----

Result<std::vector<EnqueueReceipt>> MemoryStore::Enqueue(std::span<const NewEvent> batch) {
  Status valid = ValidateNewEvents(batch, options_.max_payload_bytes);
  if (!valid.ok()) return valid;
  // Copy the payloads before taking the lock: a big batch should not stall the workers.
  std::vector<QueuedEvent> staged;
  staged.reserve(batch.size());
  for (const NewEvent& event : batch) staged.push_back({0, 0, 0, event.payload});
  std::vector<EnqueueReceipt> receipts;
  receipts.reserve(batch.size());

  std::lock_guard lock(mu_);
  ProcessDue(clock_->MonotonicNs());
  const int64_t wall = clock_->WallNs();
  uint32_t slot = kNoSlot;
  for (size_t i = 0; i < batch.size(); ++i) {
    // Batches usually hold runs of one account: look it up once per run.
    if (slot == kNoSlot || batch[i].account != *At(slot).account) {
      if (slot != kNoSlot) Rekey(slot);
      slot = SlotFor(batch[i].account);
    }
    Strand& strand = At(slot);
    QueuedEvent& event = staged[i];
    event.id = ++last_id_;
    event.seq = strand.next_seq++;
    event.enqueued_ns = wall;
    receipts.push_back({event.id, event.seq});
    PushBack(slot, std::move(event));
    if (strand.state == State::kIdle) Resume(slot);
  }
  if (slot != kNoSlot) Rekey(slot);
  stats_.enqueued += batch.size();
  WakeWaiters();
  return receipts;
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
    if (stop.stop_requested()) return leases;
    const int64_t now = clock_->MonotonicNs();
    ProcessDue(now);
    if (!ready_.empty()) {
      leases.reserve(std::min(max, ready_.size()));
      while (leases.size() < max && !ready_.empty()) leases.push_back(Grant(ready_.Pop(), now));
      WakeWaiters();  // ProcessDue may have readied more than we took
      return leases;
    }
    const SteadyClock::time_point real_now = SteadyClock::now();
    if (wait.count() <= 0 || real_now >= give_up) return leases;
    SteadyClock::time_point until = give_up;
    if (timers_.empty()) {
      sleepers_timer_ns_ = std::numeric_limits<int64_t>::max();
    } else {
      const int64_t due = timers_.TopKey();  // > now, or ProcessDue would have taken it
      sleepers_timer_ns_ = std::max(sleepers_timer_ns_, due);
      const auto timer_wait = std::chrono::nanoseconds(due - now);
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
}

Result<CompleteResult> MemoryStore::Complete(const Lease& lease, const Outcome& outcome,
                                             ClaimNext next) {
  bool claim_next = next == ClaimNext::kYes;
  std::lock_guard lock(mu_);
  const int64_t now = clock_->MonotonicNs();
  ProcessDue(now);
  Result<uint32_t> found = FindLease(lease, now);
  if (!found.ok()) {
    WakeWaiters();  // ProcessDue may have readied strands
    return found.status();
  }
  const uint32_t slot = *found;
  Strand& strand = At(slot);
  // Start the loads the rest of this step will most likely need: this strand's next head
  // (its key) and the strand that is best now (the next grant). Both are usually cold.
  strand.events.PrefetchSecond();
  if (claim_next && !ready_.empty()) __builtin_prefetch(slots_[ready_.Top()]);
  timers_.Remove(slot);
  strand.state = State::kIdle;
  --stats_.leased;

  CompleteResult result;
  if (outcome.acked()) {
    ++stats_.acked;
    PopHead(slot);
    strand.attempt = 0;
    result.disposition = Disposition::kAcked;
    if (claim_next && !strand.events.empty() && !strand.parked) {
      // The hot path: this strand re-enters the ready set and the best one leaves it, in one
      // heap pass (none if this strand is still the best).
      const uint32_t next = ready_.PushPop(slot, strand.events.size(), strand.events.front().id);
      if (next != slot) strand.state = State::kReady;
      result.next = Grant(next, now);
      WakeWaiters();
      return result;
    }
    Resume(slot);
  } else if (outcome.permanent()) {
    ++stats_.nacked;
    DeadLetterHead(slot, outcome.error);
    result.disposition = Disposition::kDead;
  } else {
    ++stats_.nacked;
    result.disposition = Fail(slot, outcome.error, now, /*backoff=*/true, outcome.retry_after);
  }
  if (claim_next && !ready_.empty()) result.next = Grant(ready_.Pop(), now);
  WakeWaiters();
  return result;
}

Status MemoryStore::Extend(Lease& lease) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_->MonotonicNs();
  ProcessDue(now);
  Result<uint32_t> found = FindLease(lease, now);
  if (!found.ok()) {
    WakeWaiters();
    return found.status();
  }
  Strand& strand = At(*found);
  strand.deadline_ns = Deadline(now, options_.lease_ttl);
  timers_.Update(*found, Deadline(strand.deadline_ns, std::chrono::nanoseconds(1)));
  lease.deadline_ns = strand.deadline_ns;
  WakeWaiters();
  return Status();
}

Result<StoreStats> MemoryStore::Stats() {
  std::lock_guard lock(mu_);
  ProcessDue(clock_->MonotonicNs());
  StoreStats stats = stats_;
  stats.ready = ready_.size();
  stats.dead = dead_.size();
  WakeWaiters();
  return stats;
}

Result<std::vector<DeadLetter>> MemoryStore::ListDead(size_t limit) {
  std::lock_guard lock(mu_);
  ProcessDue(clock_->MonotonicNs());
  std::vector<DeadLetter> out;
  out.reserve(std::min(limit, dead_.size()));
  for (const DeadEntry& entry : dead_) {
    if (out.size() >= limit) break;
    DeadLetter& letter = out.emplace_back();
    letter.event.id = entry.event.id;
    letter.event.account = *At(entry.slot).account;
    letter.event.seq = entry.event.seq;
    letter.event.payload = entry.event.payload;
    letter.event.enqueued_ns = entry.event.enqueued_ns;
    letter.event.attempt = entry.attempt;
    letter.event.replay = entry.replays;
    letter.error = entry.error;
    letter.dead_ns = entry.dead_ns;
  }
  WakeWaiters();
  return out;
}

Result<size_t> MemoryStore::ReplayDead(std::span<const uint64_t> ids, ReplayAt at) {
  const bool at_tail = at == ReplayAt::kTail;
  std::lock_guard lock(mu_);
  ProcessDue(clock_->MonotonicNs());
  std::vector<DeadEntry> replay;
  for (uint64_t id : ids) {
    auto it = dead_by_id_.find(id);
    if (it == dead_by_id_.end()) continue;  // unknown, or listed twice
    replay.push_back(std::move(*it->second));
    dead_.erase(it->second);
    dead_by_id_.erase(it);
  }
  // Keep acceptance order among the replayed events of one account: ascending ids appended
  // at the tail, or descending ids each put in front of the previous one at the head.
  std::sort(replay.begin(), replay.end(),
            [](const DeadEntry& a, const DeadEntry& b) { return a.event.id < b.event.id; });
  if (!at_tail) std::reverse(replay.begin(), replay.end());
  for (DeadEntry& entry : replay) {
    replays_[entry.event.id] = entry.replays + 1;
    if (at_tail) {
      PushBack(entry.slot, std::move(entry.event));
    } else {
      PushAtHead(entry.slot, std::move(entry.event));
    }
  }
  for (const DeadEntry& entry : replay) {
    Unpark(entry.slot);
    Strand& strand = At(entry.slot);
    if (strand.state == State::kIdle) {
      Resume(entry.slot);
    } else {
      Rekey(entry.slot);
    }
  }
  WakeWaiters();
  return replay.size();
}

Result<size_t> MemoryStore::PurgeDead(std::span<const uint64_t> ids) {
  std::lock_guard lock(mu_);
  ProcessDue(clock_->MonotonicNs());
  std::vector<uint32_t> slots;
  if (ids.empty()) {
    for (const DeadEntry& entry : dead_) slots.push_back(entry.slot);
    dead_.clear();
    dead_by_id_.clear();
  } else {
    for (uint64_t id : ids) {
      auto it = dead_by_id_.find(id);
      if (it == dead_by_id_.end()) continue;
      slots.push_back(it->second->slot);
      dead_.erase(it->second);
      dead_by_id_.erase(it);
    }
  }
  for (uint32_t slot : slots) Unpark(slot);
  WakeWaiters();
  return slots.size();
}

std::vector<Event> MemoryStore::ListPending() {
  std::lock_guard lock(mu_);
  std::vector<Event> out;
  for (const Strand* strand : slots_) {
    bool head = true;
    strand->events.ForEach([&](const QueuedEvent& queued) {
      Event& event = out.emplace_back();
      event.id = queued.id;
      event.account = *strand->account;
      event.seq = queued.seq;
      event.enqueued_ns = queued.enqueued_ns;
      event.attempt = head ? strand->attempt : 0;
      auto replayed = replays_.find(queued.id);
      if (replayed != replays_.end()) event.replay = replayed->second;
      head = false;
    });
  }
  return out;
}

Result<std::vector<Event>> ListPendingEmbedded(Store& store) {
  auto* memory = dynamic_cast<MemoryStore*>(&store);
  if (memory == nullptr) return Status::InvalidArgument("not an embedded (mem:) store");
  return memory->ListPending();
}

// ---- Helpers (mu_ held) ----

uint32_t MemoryStore::SlotFor(const std::string& account) {
  auto [it, inserted] = index_.try_emplace(account);
  Strand& strand = it->second;
  if (inserted) {
    strand.account = &it->first;
    strand.slot = static_cast<uint32_t>(slots_.size());
    slots_.push_back(&strand);
  }
  return strand.slot;
}

void MemoryStore::PushBack(uint32_t slot, QueuedEvent event) {
  Strand& strand = At(slot);
  if (strand.events.empty()) ++stats_.accounts;
  strand.events.push_back(std::move(event));
  ++stats_.pending;
}

void MemoryStore::PushAtHead(uint32_t slot, QueuedEvent event) {
  Strand& strand = At(slot);
  if (strand.events.empty()) ++stats_.accounts;
  ++stats_.pending;
  const bool head_in_progress =
      strand.state == State::kLeased || strand.state == State::kDelayed || strand.attempt > 0;
  if (!head_in_progress || strand.events.empty()) {
    strand.events.push_front(std::move(event));
    return;
  }
  QueuedEvent head = std::move(strand.events.front());
  strand.events.pop_front();
  strand.events.push_front(std::move(event));
  strand.events.push_front(std::move(head));
}

void MemoryStore::PopHead(uint32_t slot) {
  Strand& strand = At(slot);
  if (!replays_.empty()) replays_.erase(strand.events.front().id);
  strand.events.pop_front();
  --stats_.pending;
  if (strand.events.empty()) --stats_.accounts;
}

void MemoryStore::Resume(uint32_t slot) {
  Strand& strand = At(slot);
  assert(strand.state == State::kIdle);
  if (strand.events.empty() || strand.parked) return;
  ready_.Insert(slot, strand.events.size(), strand.events.front().id);
  strand.state = State::kReady;
}

void MemoryStore::Rekey(uint32_t slot) {
  Strand& strand = At(slot);
  if (strand.state == State::kReady) {
    ready_.Update(slot, strand.events.size(), strand.events.front().id);
  }
}

void MemoryStore::Unpark(uint32_t slot) {
  Strand& strand = At(slot);
  if (!strand.parked) return;
  strand.parked = false;
  --stats_.parked;
  if (strand.state == State::kIdle) Resume(slot);
}

Lease MemoryStore::Grant(uint32_t slot, int64_t now) {
  Strand& strand = At(slot);
  assert(strand.state == State::kIdle || strand.state == State::kReady);
  strand.state = State::kLeased;
  ++strand.attempt;
  ++strand.grants;
  strand.deadline_ns = Deadline(now, options_.lease_ttl);
  timers_.Insert(slot, Deadline(strand.deadline_ns, std::chrono::nanoseconds(1)));
  ++stats_.leased;

  const QueuedEvent& head = strand.events.front();
  Lease lease;
  lease.event.id = head.id;
  lease.event.account = *strand.account;
  lease.event.seq = head.seq;
  lease.event.payload = head.payload;
  lease.event.enqueued_ns = head.enqueued_ns;
  lease.event.attempt = strand.attempt;
  if (!replays_.empty()) {
    auto replayed = replays_.find(head.id);
    if (replayed != replays_.end()) lease.event.replay = replayed->second;
  }
  lease.token = Token(strand);
  lease.deadline_ns = strand.deadline_ns;
  return lease;
}

Result<uint32_t> MemoryStore::FindLease(const Lease& lease, int64_t now) {
  // The token names the slot: no hash lookup on the hot path.
  const auto slot = static_cast<uint32_t>(lease.token);
  if (slot < slots_.size()) {
    const Strand& strand = At(slot);
    if (strand.state == State::kLeased && Token(strand) == lease.token &&
        strand.events.front().id == lease.event.id && now <= strand.deadline_ns &&
        *strand.account == lease.event.account) {
      return slot;
    }
  }
  return Status::LeaseLost("lease of event " + std::to_string(lease.event.id) + " (account '" +
                           lease.event.account.substr(0, 64) + "', token " +
                           std::to_string(lease.token) +
                           ") is no longer valid: it expired or was granted again");
}

Disposition MemoryStore::Fail(uint32_t slot, std::string_view error, int64_t now, bool backoff,
                              std::chrono::nanoseconds requested) {
  Strand& strand = At(slot);
  assert(strand.state == State::kIdle);
  if (strand.attempt >= options_.max_attempts) {
    DeadLetterHead(slot, error);
    return Disposition::kDead;
  }
  const std::chrono::nanoseconds delay = requested.count() >= 0 ? requested
                                         : backoff ? backoff_.Delay(strand.attempt, random_)
                                                   : std::chrono::nanoseconds(0);
  if (delay.count() <= 0) {
    Resume(slot);
  } else {
    strand.state = State::kDelayed;
    strand.deadline_ns = Deadline(now, delay);
    timers_.Insert(slot, strand.deadline_ns);
    ++stats_.delayed;
  }
  return Disposition::kRetrying;
}

void MemoryStore::DeadLetterHead(uint32_t slot, std::string_view error) {
  Strand& strand = At(slot);
  DeadEntry& entry =
      dead_.emplace_back(DeadEntry{slot, std::move(strand.events.front()), strand.attempt,
                                   std::string(error), clock_->WallNs()});
  dead_by_id_[entry.event.id] = std::prev(dead_.end());
  if (auto replayed = replays_.find(entry.event.id); replayed != replays_.end()) {
    entry.replays = replayed->second;
  }
  PopHead(slot);
  strand.attempt = 0;
  ++stats_.dead_lettered;
  if (options_.on_dead == OnDead::kPark) {
    strand.parked = true;
    ++stats_.parked;
  }
  Resume(slot);
}

void MemoryStore::ProcessDue(int64_t now) {
  while (!timers_.empty() && timers_.TopKey() <= now) {
    const uint32_t slot = timers_.Pop();
    Strand& strand = At(slot);
    if (strand.state == State::kLeased) {
      strand.state = State::kIdle;
      --stats_.leased;
      ++stats_.expired;
      Fail(slot, "lease expired", now, /*backoff=*/false);
    } else {
      assert(strand.state == State::kDelayed);
      strand.state = State::kIdle;
      --stats_.delayed;
      Resume(slot);
    }
  }
}

void MemoryStore::WakeWaiters() {
  if (waiters_ == 0) return;
  if (!timers_.empty() && timers_.TopKey() < sleepers_timer_ns_) {
    // A timer earlier than the one they sleep until: let them all recompute their wait.
    sleepers_timer_ns_ = std::numeric_limits<int64_t>::min();
    cv_.notify_all();
    return;
  }
  const size_t n = std::min(ready_.size(), waiters_);
  if (n == waiters_) {
    cv_.notify_all();
  } else {
    for (size_t i = 0; i < n; ++i) cv_.notify_one();
  }
}

int64_t MemoryStore::Deadline(int64_t now, std::chrono::nanoseconds after) const {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t ns = after.count();
  return ns > kMax - now ? kMax : now + ns;
}

}  // namespace strandq
