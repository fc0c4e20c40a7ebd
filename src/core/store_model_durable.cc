// Copyright 2026 The strandq Authors.
// StoreModel for durable stores: recording what steps change, rebuilding from a record, and the
// restart rule (store_model.h).
#include <algorithm>
#include <cassert>
#include <string>
#include <utility>

#include "core/store_model.h"

namespace strandq {

ModelChanges StoreModel::TakeChanges() {
  ModelChanges out = std::move(changes_);
  changes_ = ModelChanges();
  out.accounts.reserve(dirty_.size());
  for (uint32_t slot : dirty_) {
    Strand& strand = At(slot);
    strand.dirty = false;
    out.accounts.push_back({slot, strand.next_seq, strand.grants,
                            strand.events.empty() ? 0 : strand.events.front().id, strand.attempt,
                            strand.parked, strand.paused});
  }
  dirty_.clear();
  out.totals = {stats_.enqueued, stats_.acked,         stats_.nacked,
                stats_.expired,  stats_.dead_lettered, last_id_};
  out.totals_changed = !(out.totals == recorded_totals_);
  recorded_totals_ = out.totals;
  return out;
}

void StoreModel::RecordReplay(const std::vector<DeadEntry>& replay) {
  std::vector<uint32_t> slots;
  for (const DeadEntry& entry : replay) {
    changes_.revived.emplace_back(entry.event.id, entry.replays + 1);
    slots.push_back(entry.slot);
  }
  std::sort(slots.begin(), slots.end());
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  for (uint32_t slot : slots) {
    Touch(slot);
    ModelChanges::Order& order = changes_.reordered.emplace_back();
    order.slot = slot;
    At(slot).events.ForEach([&](const QueuedEvent& event) { order.ids.push_back(event.id); });
  }
}

bool StoreModel::RestoreAccount(const std::string& name, const ModelChanges::Account& account) {
  if (index_.contains(name)) return false;
  const uint32_t slot = SlotFor(name);
  assert(slot == account.slot);
  Strand& strand = At(slot);
  strand.next_seq = account.next_seq;
  strand.grants = account.grants;
  // The attempt belongs to head_id only: Restart checks it once the head is known.
  strand.attempt = account.attempt;
  if (account.attempt > 0) restored_heads_[slot] = account.head_id;
  if (account.parked) {
    strand.parked = true;
    parked_.insert(slot);
    ++stats_.parked;
  }
  if (account.paused) {
    strand.paused = true;
    paused_.insert(slot);
  }
  return true;
}

void StoreModel::RestorePending(const RestoredEvent& event) {
  assert(event.slot < slots_.size());
  PushBack(event.slot, QueuedEvent{event.id, event.seq, event.enqueued_ns, std::string()});
  if (event.replays > 0) replays_[event.id] = event.replays;
}

void StoreModel::RestoreDead(const RestoredEvent& event, uint32_t attempt, std::string error,
                             int64_t dead_ns) {
  assert(event.slot < slots_.size());
  DeadEntry& entry = dead_.emplace_back(
      DeadEntry{event.slot, QueuedEvent{event.id, event.seq, event.enqueued_ns, std::string()},
                attempt, std::move(error), dead_ns, event.replays});
  dead_by_id_[entry.event.id] = std::prev(dead_.end());
  // A parked account's last error is that of its latest dead letter, the one that parked it.
  if (At(event.slot).parked) At(event.slot).last_error = entry.error;
}

void StoreModel::RestoreTotals(const ModelChanges::Totals& totals) {
  stats_.enqueued = totals.enqueued;
  stats_.acked = totals.acked;
  stats_.nacked = totals.nacked;
  stats_.expired = totals.expired;
  stats_.dead_lettered = totals.dead_lettered;
  last_id_ = totals.last_id;
  recorded_totals_ = totals;
}

void StoreModel::Restart(ModelTime now) {
  // A live model (the differential test's reference) drops its leases and delays; a restored
  // one has none.
  while (!timers_.empty()) {
    Strand& strand = At(timers_.Pop());
    if (strand.state == State::kLeased) --stats_.leased;
    if (strand.state == State::kDelayed) --stats_.delayed;
    strand.state = State::kIdle;
  }
  for (uint32_t slot = 0; slot < slots_.size(); ++slot) {
    Strand& strand = At(slot);
    MarkUnindexed(slot);
    if (!strand.parked) strand.last_error.clear();
    if (strand.state == State::kReady) continue;
    if (auto restored = restored_heads_.find(slot); restored != restored_heads_.end()) {
      const bool same_head = !strand.events.empty() && strand.events.front().id == restored->second;
      if (!same_head) strand.attempt = 0;
    }
    if (strand.events.empty() || strand.parked) continue;
    if (strand.attempt >= options_.max_attempts) {
      DeadLetterHead(slot,
                     "the process ended during attempt " + std::to_string(strand.attempt) +
                         " (a handler that crashes its process?)",
                     now.wall_ns);
    } else {
      Resume(slot);
    }
  }
  restored_heads_.clear();
}

}  // namespace strandq
