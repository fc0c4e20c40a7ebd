// Copyright 2026 The strandq Authors.
// StoreModel: accounts as an operator sees them (listing, one account's detail) and pausing
// them (store_model.h states the rules).
#include <algorithm>
#include <string>
#include <utility>

#include "core/store_model.h"

namespace strandq {

// DESIGN
// Listing. The strands with pending events are kept in two indexed heaps (by_backlog_,
// by_age_). A step that changes a strand's pending count or head only marks it
// (MarkUnindexed: a flag and, the first time, a slot in unindexed_); the listing and Stats file
// the marked strands first (FileUnindexed, O(log n) each, at most once per strand whatever the
// steps since). So the hot path stays as it was, and a listing costs O(limit log limit) plus
// the strands that changed since the previous listing or Stats. A listing walks its heap
// best-first and stops at the limit; a filter on ready walks the same heap and skips the
// others. The filters on the rarer states pick from a smaller set and sort it: leased
// and delayed from timers_, paused and parked from paused_ and parked_.

void StoreModel::Reindex(uint32_t slot) {
  const Strand& strand = At(slot);
  if (strand.events.empty()) {
    if (by_backlog_.Contains(slot)) by_backlog_.Remove(slot);
    if (by_age_.Contains(slot)) by_age_.Remove(slot);
    return;
  }
  const uint64_t head = strand.events.front().id;
  const BacklogKey key{strand.events.size(), head};
  if (by_backlog_.Contains(slot)) {
    by_backlog_.Update(slot, key);
  } else {
    by_backlog_.Insert(slot, key);
  }
  if (!by_age_.Contains(slot)) {
    by_age_.Insert(slot, head);
  } else if (by_age_.KeyOf(slot) != head) {
    by_age_.Update(slot, head);
  }
}

void StoreModel::FileUnindexed() {
  for (uint32_t slot : unindexed_) {
    At(slot).unindexed = false;
    Reindex(slot);
  }
  unindexed_.clear();
}

AccountState StoreModel::StateOf(const Strand& strand) const {
  if (strand.state == State::kLeased) return AccountState::kLeased;
  if (strand.paused) return AccountState::kPaused;
  if (strand.parked) return AccountState::kParked;
  if (strand.state == State::kDelayed) return AccountState::kDelayed;
  if (strand.state == State::kReady) return AccountState::kReady;
  return AccountState::kIdle;
}

bool StoreModel::Matches(const Strand& strand, AccountState state) const {
  if (state == AccountState::kPaused) return strand.paused;
  if (state == AccountState::kParked) return strand.parked;
  return StateOf(strand) == state;
}

AccountInfo StoreModel::Info(uint32_t slot, int64_t now) const {
  const Strand& strand = At(slot);
  AccountInfo info;
  info.account = *strand.account;
  info.state = StateOf(strand);
  info.paused = strand.paused;
  info.parked = strand.parked;
  info.pending = strand.events.size();
  if (!strand.events.empty()) {
    const QueuedEvent& head = strand.events.front();
    Event& event = info.head.emplace();
    event.id = head.id;
    event.account = info.account;
    event.seq = head.seq;
    event.enqueued_ns = head.enqueued_ns;
    event.attempt = strand.attempt;
    if (auto replayed = replays_.find(head.id); replayed != replays_.end()) {
      event.replay = replayed->second;
    }
  }
  info.last_error = strand.last_error;
  if (info.state == AccountState::kLeased || info.state == AccountState::kDelayed) {
    info.due_in = std::chrono::nanoseconds(std::max<int64_t>(strand.deadline_ns - now, 0));
  }
  if (info.state == AccountState::kLeased) {
    info.lease_token = Token(strand);
    info.lease_holder = options_.client_name;
  }
  return info;
}

std::vector<uint32_t> StoreModel::Candidates(AccountState state) const {
  std::vector<uint32_t> slots;
  switch (state) {
    case AccountState::kLeased:
    case AccountState::kDelayed:
      timers_.ForEach([&](uint32_t slot) { slots.push_back(slot); });
      break;
    case AccountState::kPaused:
      slots.assign(paused_.begin(), paused_.end());
      break;
    case AccountState::kParked:
      slots.assign(parked_.begin(), parked_.end());
      break;
    case AccountState::kIdle:  // an idle account is listed only when paused or parked
    case AccountState::kReady:
      break;
  }
  std::erase_if(slots, [&](uint32_t slot) { return !Matches(At(slot), state); });
  return slots;
}

std::vector<AccountInfo> StoreModel::ListAccounts(const AccountQuery& query, ModelTime now) {
  ProcessDue(now);
  FileUnindexed();
  const bool by_backlog = query.sort == AccountQuery::Sort::kBacklog;
  std::vector<uint32_t> slots;
  if (!query.state || *query.state == AccountState::kReady) {
    // The accounts with events, in the query's order.
    const auto take = [&](uint32_t slot) {
      if (!query.state || Matches(At(slot), *query.state)) slots.push_back(slot);
      return slots.size() < query.limit;
    };
    if (query.limit > 0 && by_backlog) by_backlog_.VisitInOrder(take);
    if (query.limit > 0 && !by_backlog) by_age_.VisitInOrder(take);
    if (!query.state && slots.size() < query.limit) {
      // Then the paused or parked ones without events, by name.
      std::vector<uint32_t> empty;
      for (const auto* set : {&paused_, &parked_}) {
        for (uint32_t slot : *set) {
          if (At(slot).events.empty()) empty.push_back(slot);
        }
      }
      std::sort(empty.begin(), empty.end());
      empty.erase(std::unique(empty.begin(), empty.end()), empty.end());
      std::sort(empty.begin(), empty.end(),
                [&](uint32_t a, uint32_t b) { return *At(a).account < *At(b).account; });
      empty.resize(std::min(empty.size(), query.limit - slots.size()));
      slots.insert(slots.end(), empty.begin(), empty.end());
    }
  } else {
    slots = Candidates(*query.state);
    // Strands with events first, in the query's order; then the others by name.
    const auto first = [&](uint32_t a, uint32_t b) {
      const Strand& x = At(a);
      const Strand& y = At(b);
      if (x.events.empty() || y.events.empty()) {
        return x.events.empty() != y.events.empty() ? y.events.empty() : *x.account < *y.account;
      }
      if (by_backlog && x.events.size() != y.events.size()) {
        return x.events.size() > y.events.size();
      }
      return x.events.front().id < y.events.front().id;
    };
    const size_t n = std::min(slots.size(), query.limit);
    std::partial_sort(slots.begin(), slots.begin() + static_cast<std::ptrdiff_t>(n), slots.end(),
                      first);
    slots.resize(n);
  }
  std::vector<AccountInfo> out;
  out.reserve(slots.size());
  for (uint32_t slot : slots) out.push_back(Info(slot, now.mono_ns));
  return out;
}

Result<AccountDetail> StoreModel::GetAccount(std::string_view account, size_t offset, size_t limit,
                                             ModelTime now) {
  ProcessDue(now);
  auto it = index_.find(std::string(account));
  if (it == index_.end()) {
    return Status::NotFound("no account '" + std::string(account.substr(0, 64)) +
                            "': the store never accepted an event of it");
  }
  const Strand& strand = it->second;
  AccountDetail detail;
  detail.info = Info(strand.slot, now.mono_ns);
  size_t position = 0;
  strand.events.ForEach([&](const QueuedEvent& queued) {
    const size_t i = position++;
    if (i < offset || i - offset >= limit) return;
    Event& event = detail.events.emplace_back();
    event.id = queued.id;
    event.account = *strand.account;
    event.seq = queued.seq;
    event.payload = queued.payload;
    event.enqueued_ns = queued.enqueued_ns;
    event.attempt = i == 0 ? strand.attempt : 0;
    if (auto replayed = replays_.find(queued.id); replayed != replays_.end()) {
      event.replay = replayed->second;
    }
  });
  return detail;
}

Result<AccountInfo> StoreModel::SetPaused(std::string_view account, bool paused, ModelTime now) {
  ProcessDue(now);
  auto it = index_.find(std::string(account));
  if (it == index_.end()) {
    return Status::NotFound("no account '" + std::string(account.substr(0, 64)) +
                            "': the store never accepted an event of it");
  }
  Strand& strand = it->second;
  const uint32_t slot = strand.slot;
  if (strand.paused != paused) {
    strand.paused = paused;
    Touch(slot);
    if (paused) {
      paused_.insert(slot);
      if (strand.state == State::kReady) {
        ready_.Remove(slot);
        strand.state = State::kIdle;
      }
    } else {
      paused_.erase(slot);
      if (strand.state == State::kIdle) Resume(slot);
    }
  }
  return Info(slot, now.mono_ns);
}

}  // namespace strandq
