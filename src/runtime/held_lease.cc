// Copyright 2026 The strandq Authors.
#include "runtime/held_lease.h"

#include <utility>

namespace strandq {

void HeldLease::Assign(Lease lease, int64_t extended_ns) {
  std::lock_guard lock(mu_);
  lease_ = std::move(lease);
  last_extend_ns_ = extended_ns;
}

Lease HeldLease::Take() {
  std::lock_guard lock(mu_);
  Lease lease = std::move(lease_);
  lease_.token = 0;  // none held: the ticker skips it
  return lease;
}

std::optional<Lease> HeldLease::Due(int64_t now, int64_t period) {
  std::lock_guard lock(mu_);
  if (lease_.token == 0 || now - last_extend_ns_ < period) return std::nullopt;
  return lease_;
}

void HeldLease::Extended(const Lease& lease, int64_t now, bool ok) {
  std::lock_guard lock(mu_);
  if (lease_.token != lease.token || lease_.event.id != lease.event.id) return;
  last_extend_ns_ = now;
  if (ok) lease_.deadline_ns = lease.deadline_ns;
}

}  // namespace strandq
