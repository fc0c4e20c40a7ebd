// Copyright 2026 The strandq Authors.
#include "core/store_model.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <string>
#include <utility>

#include "core/client_name.h"

namespace strandq {

// DESIGN
// State. Each account has a Strand, found through index_ (account -> strand) and kept forever,
// because an account's seq numbers and fencing tokens must keep growing. Strands are also
// numbered by a dense slot (slots_) that the ready set and the timers index; a token is
// (grants << 32 | slot), so it grows with every grant of the account and leads Complete and
// Extend to the strand without hashing the account name (the name is still compared). A strand
// holds its pending events in a ChunkedFifo of compact records {id, seq, enqueued_ns, payload}:
// no per-event account string, no per-event node. Only the head can be leased, so the attempt
// count, the lease token and the deadline are per strand. The states of the rules map to
// indexes: ready strands are in ready_ (the ReadySet ordered by the policy), leased ones in
// timers_ keyed by deadline + 1, delayed ones in timers_ keyed by the end of the delay.
// Complete with claim_next, the hot path, puts the acked strand back and takes the best one in a
// single heap pass (ReadySet::PushPop), or none when the acked strand is still the best.
//
// Memory. Per queued event: its 56-byte record in a chunk plus the payload's heap block when
// it exceeds std::string's inline 15 bytes; per account: one hash node holding the Strand.

namespace {

constexpr uint32_t kNoSlot = std::numeric_limits<uint32_t>::max();

EngineOptions Clamp(EngineOptions options) {
  options.lease_ttl = std::max(options.lease_ttl, std::chrono::nanoseconds(1));
  options.max_attempts = std::max<uint32_t>(options.max_attempts, 1);
  options.retry_backoff = std::max(options.retry_backoff, std::chrono::nanoseconds(0));
  options.retry_backoff_max = std::max(options.retry_backoff_max, options.retry_backoff);
  options.idempotency_window = std::clamp<std::chrono::nanoseconds>(
      options.idempotency_window, std::chrono::nanoseconds(1), std::chrono::hours(24 * 365));
  options.client_name = ClientName(options);
  return options;
}

}  // namespace

StoreModel::StoreModel(const EngineOptions& options, uint64_t jitter_seed)
    : options_(Clamp(options)),
      backoff_(options_.retry_backoff, options_.retry_backoff_max),
      jitter_seed_(jitter_seed),
      ready_(options_.policy) {}

// ---- Steps ----

std::vector<EnqueueReceipt> StoreModel::Enqueue(std::span<const NewEvent> batch,
                                                std::vector<std::string> payloads, ModelTime now) {
  assert(payloads.size() == batch.size());
  ProcessDue(now);
  std::vector<EnqueueReceipt> receipts;
  receipts.reserve(batch.size());
  uint32_t slot = kNoSlot;
  for (size_t i = 0; i < batch.size(); ++i) {
    // Batches usually hold runs of one account: look it up once per run.
    if (slot == kNoSlot || batch[i].account != *At(slot).account) {
      if (slot != kNoSlot) Rekey(slot);
      slot = SlotFor(batch[i].account);
    }
    Strand& strand = At(slot);
    QueuedEvent event{++last_id_, strand.next_seq++, now.wall_ns, std::move(payloads[i])};
    receipts.push_back({event.id, event.seq});
    if (recording_) {
      changes_.accepted.push_back({slot, event.id, event.seq, event.enqueued_ns, i});
      Touch(slot);
    }
    PushBack(slot, std::move(event));
    if (strand.state == State::kIdle) Resume(slot);
  }
  if (slot != kNoSlot) Rekey(slot);
  stats_.enqueued += batch.size();
  return receipts;
}

std::vector<Lease> StoreModel::Claim(size_t max, ModelTime now) {
  ProcessDue(now);
  std::vector<Lease> leases;
  leases.reserve(std::min(max, ready_.size()));
  while (leases.size() < max && !ready_.empty()) leases.push_back(Grant(ready_.Pop(), now.mono_ns));
  return leases;
}

Result<CompleteResult> StoreModel::Complete(const Lease& lease, const Outcome& outcome,
                                            ClaimNext next, ModelTime now) {
  const bool claim_next = next == ClaimNext::kYes;
  ProcessDue(now);
  Result<uint32_t> found = FindLease(lease, now.mono_ns);
  if (!found.ok()) return found.status();
  const uint32_t slot = *found;
  Strand& strand = At(slot);
  // Start the loads the rest of this step will most likely need: this strand's next head
  // (its key) and the strand that is best now (the next grant). Both are usually cold.
  strand.events.PrefetchSecond();
  if (claim_next && !ready_.empty()) __builtin_prefetch(slots_[ready_.Top()]);
  timers_.Remove(slot);
  strand.state = State::kIdle;
  --stats_.leased;
  if (outcome.acked()) return Ack(slot, claim_next, now.mono_ns);

  ++stats_.nacked;
  CompleteResult result;
  if (outcome.permanent()) {
    DeadLetterHead(slot, outcome.error, now.wall_ns);
    result.disposition = Disposition::kDead;
  } else {
    result.disposition = Fail(slot, outcome.error, now, NackDelay(strand, outcome));
  }
  if (claim_next && !ready_.empty()) result.next = Grant(ready_.Pop(), now.mono_ns);
  return result;
}

std::vector<Result<CompleteResult>> StoreModel::CompleteMany(
    std::span<const Settlement> settlements, ClaimNext claim_next, ModelTime now) {
  std::vector<Result<CompleteResult>> results;
  results.reserve(settlements.size());
  std::vector<size_t> settled;  // indexes of the leases settled now, each owed a next lease
  for (const Settlement& s : settlements) {
    results.push_back(Complete(s.lease, s.outcome, ClaimNext::kNo, now));
    if (results.back().ok()) settled.push_back(results.size() - 1);
  }
  if (claim_next == ClaimNext::kNo) return results;
  for (size_t i : settled) {
    if (ready_.empty()) break;
    results[i]->next = Grant(ready_.Pop(), now.mono_ns);
  }
  return results;
}

std::chrono::nanoseconds StoreModel::NackDelay(const Strand& strand, const Outcome& outcome) const {
  if (outcome.retry_after.count() >= 0) return outcome.retry_after;
  const uint32_t attempt = strand.attempt;
  return backoff_.Delay(attempt, JitterDraw(jitter_seed_, strand.events.front().id, attempt));
}

CompleteResult StoreModel::Ack(uint32_t slot, bool claim_next, int64_t now) {
  Strand& strand = At(slot);
  ++stats_.acked;
  if (recording_) changes_.removed.push_back(strand.events.front().id);
  PopHead(slot);
  strand.attempt = 0;
  strand.last_error.clear();
  CompleteResult result;
  result.disposition = Disposition::kAcked;
  if (claim_next && !strand.events.empty() && !strand.parked && !strand.paused) {
    // The hot path: this strand re-enters the ready set and the best one leaves it, in one
    // heap pass (none if this strand is still the best).
    const uint32_t next = ready_.PushPop(slot, strand.events.size(), strand.events.front().id);
    if (next != slot) strand.state = State::kReady;
    result.next = Grant(next, now);
    return result;
  }
  Resume(slot);
  if (claim_next && !ready_.empty()) result.next = Grant(ready_.Pop(), now);
  return result;
}

Status StoreModel::Extend(Lease& lease, ModelTime now) {
  ProcessDue(now);
  Result<uint32_t> found = FindLease(lease, now.mono_ns);
  if (!found.ok()) return found.status();
  Strand& strand = At(*found);
  strand.deadline_ns = Deadline(now.mono_ns, options_.lease_ttl);
  timers_.Update(*found, Deadline(strand.deadline_ns, std::chrono::nanoseconds(1)));
  lease.deadline_ns = strand.deadline_ns;
  return Status();
}

StoreStats StoreModel::Stats(ModelTime now) {
  ProcessDue(now);
  StoreStats stats = stats_;
  stats.ready = ready_.size();
  stats.dead = dead_.size();
  stats.paused = paused_.size();
  FileUnindexed();
  if (!by_age_.empty()) stats.oldest_pending_ns = At(by_age_.Top()).events.front().enqueued_ns;
  return stats;
}

std::vector<DeadLetter> StoreModel::ListDead(size_t limit, ModelTime now) {
  ProcessDue(now);
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
  return out;
}

size_t StoreModel::ReplayDead(std::span<const uint64_t> ids, ReplayAt at, ModelTime now) {
  const bool at_tail = at == ReplayAt::kTail;
  ProcessDue(now);
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
  if (recording_) RecordReplay(replay);
  for (const DeadEntry& entry : replay) {
    MarkUnindexed(entry.slot);
    Unpark(entry.slot);
    if (At(entry.slot).state == State::kIdle) {
      Resume(entry.slot);
    } else {
      Rekey(entry.slot);
    }
  }
  return replay.size();
}

size_t StoreModel::PurgeDead(std::span<const uint64_t> ids, ModelTime now) {
  ProcessDue(now);
  std::vector<uint32_t> slots;
  if (ids.empty()) {
    for (const DeadEntry& entry : dead_) slots.push_back(entry.slot);
    if (recording_) changes_.purged_all = true;
    dead_.clear();
    dead_by_id_.clear();
  } else {
    for (uint64_t id : ids) {
      auto it = dead_by_id_.find(id);
      if (it == dead_by_id_.end()) continue;
      slots.push_back(it->second->slot);
      if (recording_) changes_.purged.push_back(id);
      dead_.erase(it->second);
      dead_by_id_.erase(it);
    }
  }
  for (uint32_t slot : slots) Unpark(slot);
  return slots.size();
}

std::vector<Event> StoreModel::ListPending() const {
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

std::optional<int64_t> StoreModel::NextDue() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.TopKey();
}

// ---- Transitions of one strand ----

uint32_t StoreModel::SlotFor(const std::string& account) {
  auto [it, inserted] = index_.try_emplace(account);
  Strand& strand = it->second;
  if (inserted) {
    strand.account = &it->first;
    strand.slot = static_cast<uint32_t>(slots_.size());
    slots_.push_back(&strand);
    if (recording_) changes_.new_accounts.emplace_back(strand.slot, account);
  }
  return strand.slot;
}

void StoreModel::PushBack(uint32_t slot, QueuedEvent event) {
  Strand& strand = At(slot);
  if (strand.events.empty()) ++stats_.accounts;
  strand.events.push_back(std::move(event));
  ++stats_.pending;
}

void StoreModel::PushAtHead(uint32_t slot, QueuedEvent event) {
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

void StoreModel::PopHead(uint32_t slot) {
  Strand& strand = At(slot);
  if (!replays_.empty()) replays_.erase(strand.events.front().id);
  strand.events.pop_front();
  --stats_.pending;
  if (strand.events.empty()) --stats_.accounts;
  MarkUnindexed(slot);
}

void StoreModel::Resume(uint32_t slot) {
  Strand& strand = At(slot);
  assert(strand.state == State::kIdle);
  if (strand.events.empty() || strand.parked || strand.paused) return;
  ready_.Insert(slot, strand.events.size(), strand.events.front().id);
  strand.state = State::kReady;
}

void StoreModel::Rekey(uint32_t slot) {
  Strand& strand = At(slot);
  if (strand.state == State::kReady) {
    ready_.Update(slot, strand.events.size(), strand.events.front().id);
  }
  MarkUnindexed(slot);
}

void StoreModel::Unpark(uint32_t slot) {
  Strand& strand = At(slot);
  if (!strand.parked) return;
  strand.parked = false;
  parked_.erase(slot);
  --stats_.parked;
  Touch(slot);
  if (strand.state == State::kIdle) Resume(slot);
}

Lease StoreModel::Grant(uint32_t slot, int64_t now) {
  Strand& strand = At(slot);
  assert(strand.state == State::kIdle || strand.state == State::kReady);
  strand.state = State::kLeased;
  ++strand.attempt;
  ++strand.grants;
  Touch(slot);
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

Result<uint32_t> StoreModel::FindLease(const Lease& lease, int64_t now) {
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

Disposition StoreModel::Fail(uint32_t slot, std::string_view error, ModelTime now,
                             std::chrono::nanoseconds delay) {
  Strand& strand = At(slot);
  assert(strand.state == State::kIdle);
  strand.last_error = error;
  if (strand.attempt >= options_.max_attempts) {
    DeadLetterHead(slot, error, now.wall_ns);
    return Disposition::kDead;
  }
  if (delay.count() <= 0) {
    Resume(slot);
  } else {
    strand.state = State::kDelayed;
    strand.deadline_ns = Deadline(now.mono_ns, delay);
    timers_.Insert(slot, strand.deadline_ns);
    ++stats_.delayed;
  }
  return Disposition::kRetrying;
}

void StoreModel::DeadLetterHead(uint32_t slot, std::string_view error, int64_t wall_ns) {
  Strand& strand = At(slot);
  DeadEntry& entry = dead_.emplace_back(DeadEntry{slot, std::move(strand.events.front()),
                                                  strand.attempt, std::string(error), wall_ns});
  dead_by_id_[entry.event.id] = std::prev(dead_.end());
  if (recording_) {
    changes_.dead.push_back({entry.event.id, entry.attempt, entry.error, entry.dead_ns});
  }
  if (auto replayed = replays_.find(entry.event.id); replayed != replays_.end()) {
    entry.replays = replayed->second;
  }
  strand.last_error = error;
  PopHead(slot);
  strand.attempt = 0;
  ++stats_.dead_lettered;
  if (options_.on_dead == OnDead::kPark && !strand.parked) {
    strand.parked = true;
    parked_.insert(slot);
    ++stats_.parked;
    Touch(slot);
  }
  Resume(slot);
}

void StoreModel::ProcessDue(ModelTime now) {
  while (!timers_.empty() && timers_.TopKey() <= now.mono_ns) {
    const uint32_t slot = timers_.Pop();
    Strand& strand = At(slot);
    if (strand.state == State::kLeased) {
      strand.state = State::kIdle;
      --stats_.leased;
      ++stats_.expired;
      Fail(slot, "lease expired", now, std::chrono::nanoseconds(0));
    } else {
      assert(strand.state == State::kDelayed);
      strand.state = State::kIdle;
      --stats_.delayed;
      Resume(slot);
    }
  }
}

int64_t StoreModel::Deadline(int64_t now, std::chrono::nanoseconds after) const {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t ns = after.count();
  return ns > kMax - now ? kMax : now + ns;
}

}  // namespace strandq
