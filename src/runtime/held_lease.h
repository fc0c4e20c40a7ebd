// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "strandq/store.h"

namespace strandq {

// The lease a pool's slot holds, from its grant until its attempt is handed to the store, and
// when it was granted or last extended: what the ticker keeps alive. The slot's path (the
// thread running or finishing the slot's attempt, one at a time) calls Assign, Take and event;
// the ticker thread calls Due and Extended concurrently.
class HeldLease {
 public:
  // The slot's path: holds `lease` from now on, granted or last extended at `extended_ns`
  // (monotonic); the ticker extends it from then on.
  void Assign(Lease lease, int64_t extended_ns);
  // The slot's path: takes the lease out; the ticker no longer extends it.
  Lease Take();
  // The slot's path: the held lease's event (the ticker changes only the deadline).
  const Event& event() const { return lease_.event; }

  // The ticker: a copy of the lease if one is held and was last extended `period` ns or more
  // before `now`.
  std::optional<Lease> Due(int64_t now, int64_t period);
  // The ticker, after extending the copy Due gave: records it (`ok`: `lease` has the new
  // deadline), unless the slot holds another lease by now. A lost lease is left as is: its
  // completion will be refused and the attempt logged lost.
  void Extended(const Lease& lease, int64_t now, bool ok);

 private:
  std::mutex mu_;
  Lease lease_;                 // token 0 while none is held; guarded by mu_
  int64_t last_extend_ns_ = 0;  // guarded by mu_
};

}  // namespace strandq
