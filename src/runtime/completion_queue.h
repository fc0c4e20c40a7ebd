// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "strandq/store.h"

namespace strandq {

// A finished attempt of a pool's slot, waiting for its store call.
struct FinishedAttempt {
  size_t index = 0;  // the slot
  Outcome outcome;
  int64_t end_ns = 0;  // wall clock: when the handler finished
  // The slot went on with a reserved lease: this attempt's lease and start travel here, and
  // the next lease its completion brings is not the slot's.
  bool detached = false;
  Lease lease;
  int64_t start_ns = 0;
};

// The finished attempts waiting to be settled, taken in batches (one Store::CompleteMany each)
// by at most `max_drainers` threads at once. Whoever queues an attempt while fewer drainers
// run becomes one and drains until the queue is empty; otherwise a running drainer takes it.
// So attempts gather while the store is busy, and the first one after a quiet spell goes out
// at once on the thread that saw it end. Every attempt pushed is taken exactly once, oldest
// first. Thread-safe: any thread may call any method.
class CompletionQueue {
 public:
  CompletionQueue(size_t max_drainers, size_t max_batch);

  // Called by the thread whose attempt ended. Queues `attempt`; true if the caller is now a
  // drainer and must call TakeBatch until it returns an empty batch.
  bool Push(FinishedAttempt attempt);

  // Called by a drainer: the oldest queued attempts, at most max_batch. Empty when the queue
  // is: the caller is then no longer a drainer.
  std::vector<FinishedAttempt> TakeBatch();

 private:
  const size_t max_drainers_;
  const size_t max_batch_;
  std::mutex mu_;
  std::deque<FinishedAttempt> queue_;  // guarded by mu_
  size_t drainers_ = 0;                // guarded by mu_
};

}  // namespace strandq
