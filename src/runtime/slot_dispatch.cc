// Copyright 2026 The strandq Authors.
#include "runtime/slot_dispatch.h"

#include <algorithm>
#include <utility>

namespace strandq {

SlotDispatch::SlotDispatch(size_t slots, size_t lookahead, Clock& clock)
    : lookahead_(lookahead), clock_(clock) {
  free_.reserve(slots);
  for (size_t i = 0; i < slots; ++i) free_.push_back(slots - 1 - i);  // slot 0 on top
}

bool SlotDispatch::Stop() {
  std::lock_guard lock(mu_);
  if (stopping_.exchange(true, std::memory_order_acq_rel)) return false;
  cv_.notify_all();
  return true;
}

size_t SlotDispatch::WaitForDemand() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stopping() || !free_.empty() || reserve_.size() < lookahead_; });
  if (stopping()) return 0;
  return free_.size() + lookahead_ - std::min(lookahead_, reserve_.size());
}

bool SlotDispatch::WantsLeases() const {
  std::lock_guard lock(mu_);
  return !free_.empty() || reserve_.size() < lookahead_;
}

void SlotDispatch::PauseUnlessStopped(std::chrono::nanoseconds pause) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, pause, [&] { return stopping(); });
}

std::optional<size_t> SlotDispatch::TakeFreeSlotOrReserve(Lease& lease) {
  std::lock_guard lock(mu_);
  if (free_.empty()) {
    reserve_.push_back({std::move(lease), clock_.MonotonicNs()});
    return std::nullopt;
  }
  const size_t index = free_.back();
  free_.pop_back();
  busy_.fetch_add(1, std::memory_order_acq_rel);  // under mu_: WaitIdle never sees it idle
  return index;
}

std::optional<ReservedLease> SlotDispatch::TakeReserved() {
  std::lock_guard lock(mu_);
  return TakeReservedLocked();
}

std::optional<ReservedLease> SlotDispatch::TakeReservedLocked() {
  const int64_t now = clock_.MonotonicNs();
  while (!reserve_.empty() && reserve_.front().lease.deadline_ns <= now) reserve_.pop_front();
  if (reserve_.empty()) return std::nullopt;
  ReservedLease r = std::move(reserve_.front());
  reserve_.pop_front();
  cv_.notify_all();  // the claimer may top the reserve up
  return r;
}

std::optional<ReservedLease> SlotDispatch::RefillOrFree(size_t index) {
  std::lock_guard lock(mu_);
  std::optional<ReservedLease> ahead = TakeReservedLocked();
  if (ahead) return ahead;
  free_.push_back(index);
  busy_.fetch_sub(1, std::memory_order_acq_rel);
  cv_.notify_all();
  return std::nullopt;
}

void SlotDispatch::DetachedStarted() {
  std::lock_guard lock(mu_);
  ++detached_;
}

void SlotDispatch::DetachedSettled() {
  std::lock_guard lock(mu_);
  --detached_;
  cv_.notify_all();
}

void SlotDispatch::WaitStopped() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stopping(); });
}

void SlotDispatch::WaitIdle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return busy() == 0 && detached_ == 0; });
}

std::vector<Lease> SlotDispatch::ReservedDue(int64_t now, int64_t period) {
  std::vector<Lease> due;
  std::lock_guard lock(mu_);
  for (const ReservedLease& r : reserve_) {
    if (now - r.last_extend_ns >= period) due.push_back(r.lease);
  }
  return due;
}

void SlotDispatch::Extended(const Lease& lease, int64_t now, bool ok) {
  std::lock_guard lock(mu_);
  for (ReservedLease& r : reserve_) {
    if (r.lease.token != lease.token || r.lease.event.id != lease.event.id) continue;
    r.last_extend_ns = now;
    if (ok) r.lease.deadline_ns = lease.deadline_ns;
  }
}

}  // namespace strandq
