// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "strandq/event_log.h"

namespace strandq {

// A log whose unconfirmed lines (AttemptRecord::unconfirmed) are resolved.
struct ResolvedLog {
  std::vector<AttemptRecord> records;  // no line unconfirmed
  size_t unconfirmed = 0;              // lines a crash left without their final line
  size_t unconfirmed_settled = 0;      // ... of which taken as settled (no later delivery)
};

// DESIGN
// A pool with PoolOptions::record_first writes an attempt unconfirmed (the handler's verdict)
// before the store call that settles it, and its final line after. Matched by (worker, id,
// replay, attempt, start_ns), an unconfirmed line with a final line is dropped. One without
// (its process died in between) is resolved by what followed:
// - a later attempt of the same delivery series (id, replay) exists: the store never took
//   this outcome, or took a nack and retried; either way the attempt did not settle the event
//   and its lease ended, so it becomes `lost` (no settlement, no part of the order sweep);
// - nothing later: the store may have taken the outcome, so the verdict stands: an ack is an
//   ack, a nack the dead letter it must then have become (a retry would have been delivered
//   again). This is also what the line means if the process died before the call and nobody
//   took the event since (it is then still in the store, leased out until its lease expires).
// Pure function; any thread.
ResolvedLog ResolveUnconfirmed(std::span<const AttemptRecord> records);

}  // namespace strandq
