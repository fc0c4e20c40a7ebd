// Copyright 2026 The strandq Authors.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "strandq/event_log.h"
#include "strandq/store.h"
#include "strandq/worker_pool.h"

namespace strandq {

// What a pool's settled attempts came to: its counters (PoolProgress) and the log lines of
// each attempt. Thread-safe: the threads that settle attempts call Book, any thread Progress.
class AttemptLedger {
 public:
  // Counts what the store made of one settlement (`completed`): its disposition, or lost when
  // the store refused the lease or failed. Returns the outcome the log line states.
  AttemptRecord::Outcome Book(const Result<CompleteResult>& completed);

  // The counters, with `in_flight` left to the caller.
  PoolProgress Progress() const;

  // The final line of a settled attempt, with the outcome Book returned: its error is the
  // handler's for a failed attempt, the store's when it was lost.
  static AttemptRecord Final(Settlement settled, const std::string& worker, int64_t start_ns,
                             int64_t end_ns, const Result<CompleteResult>& completed,
                             AttemptRecord::Outcome logged);
  // The line written before the store is told the outcome: the handler's verdict, unconfirmed.
  static AttemptRecord Unconfirmed(const Settlement& settlement, const std::string& worker,
                                   int64_t start_ns, int64_t end_ns);

 private:
  std::atomic<uint64_t> acked_{0}, nacked_{0}, dead_{0}, lost_{0};
};

}  // namespace strandq
