// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "strandq/clock.h"
#include "strandq/event_log.h"
#include "strandq/handler.h"
#include "strandq/status.h"
#include "strandq/store.h"

namespace strandq {

struct PoolOptions {
  // Concurrent slots: how many events this pool handles at once. >= 1.
  size_t workers = 1;
  // Threads running the I/O loop for handlers (their Start and timers; completions and their
  // store calls too when store_threads is 0). 0 = one per core.
  size_t threads = 0;
  // How many store calls may be waiting at once, each on an I/O thread of its own (the pool
  // runs threads + store_threads I/O threads). Finished attempts are queued and settled
  // together: a thread that finishes one while fewer than store_threads calls run settles the
  // whole queue in one Store::CompleteMany (with the next claims) right away; otherwise a
  // running call takes them when it returns. So a slow store (a network round trip) never
  // holds the threads that handlers and timers need, and a busy pool makes few, large calls.
  // 0 = each attempt's Complete runs inline on its I/O thread (best for the embedded mem:
  // store, whose calls are fast and in-process).
  size_t store_threads = 0;
  // The most queued attempts settled in one Store::CompleteMany (with store_threads > 0).
  // Larger batches make fewer calls; a shared store runs each call as one step on its server.
  size_t settle_batch = 64;
  // Leases claimed ahead and held in reserve (extended like the others): a slot whose attempt
  // ends takes one and starts it at once, while that attempt's completion is still on its way
  // to the store (its next lease then refills the reserve). Hides the store's round trip
  // between a slot's events; a reserved account waits at most one attempt of its slot. Used
  // only while no slot is free. 0 = none.
  size_t lookahead = 0;
  // Leases are extended every lease_ttl / 3 while their handler runs. Must match the store's.
  std::chrono::nanoseconds lease_ttl = std::chrono::seconds(30);
  // An attempt whose handler runs longer is abandoned: its Cancellation fires, and it is nacked
  // ("handler timed out after D") through the normal path, so its lease goes back for the
  // retry (or the dead letter), between handler_timeout and 1.25 x handler_timeout after it
  // started (the ticker checks every handler_timeout / 8). 0 = never.
  std::chrono::nanoseconds handler_timeout = std::chrono::minutes(5);
  // The `worker` field of log lines is "<worker_id>:<slot>". Empty = "<hostname>:<pid>".
  std::string worker_id;
  // Return from Run once the store is drained (the `run` job). Otherwise run until Stop().
  bool stop_when_drained = false;
  // Write each attempt's line to the log before its outcome goes to the store, marked
  // unconfirmed (AttemptRecord::unconfirmed), and its final line after: a process killed
  // between the store's ack and the final line still leaves a line of the attempt. What
  // processes sharing a store need; the lines of one store call go out together (one write()
  // with a sink that writes each line). Off: one line per attempt, after the store's answer.
  bool record_first = false;
  // Longest a free slot waits in one Claim call before looking again.
  std::chrono::nanoseconds claim_wait = std::chrono::seconds(1);
  // The time of lease extensions, handler timeouts and log timestamps (not owned; must outlive
  // the pool). Null: SystemClock(). A ManualClock makes the ticker's decisions a test's.
  Clock* clock = nullptr;
};

// Live counters of a pool, readable at any time from any thread.
struct PoolProgress {
  uint64_t acked = 0;
  uint64_t nacked = 0;  // attempts nacked (retried or dead)
  uint64_t dead = 0;
  uint64_t lost = 0;  // attempts whose lease was lost before completion
  uint64_t in_flight = 0;
};

// DESIGN
// A WorkerPool runs `workers` slots over one Store in this process without a thread per slot:
// slots are states driven by an asio I/O loop on `threads` threads. A free slot is filled by
// one claimer thread that blocks in Store::Claim (never polls). When a handler finishes, the
// slot completes its lease and claims the next in the same store call, so a busy pool talks to
// the store once per event. That store call runs on the I/O thread; with store_threads > 0 the
// completions that gather while such calls run are settled together, by at most store_threads
// I/O threads at once, so that the others never wait on the store. With lookahead, a few
// leases are claimed ahead so that a slot starts its next event without waiting for the last
// one's completion. From its grant to its completion
// a lease is extended every lease_ttl / 3 by a ticker thread; a lease found lost makes its attempt
// end as `lost`, never acked. The ticker also fails attempts that run past handler_timeout.
// Each attempt is written to the LogSink once the store settled it (the lines of one store call
// together); with record_first, also before, unconfirmed.
//
// Stop() (thread-safe, callable from a signal watcher) stops claiming; events in flight finish
// and are completed without claiming more; Run then flushes the log and returns. It ends this
// pool's claims only (Store::Claim's stop token): other pools on the same store go on, and a
// new pool may start on it.
class WorkerPool {
 public:
  // `store`, `handler` and `log` (may be null) must outlive the pool.
  WorkerPool(Store& store, Handler& handler, LogSink* log, PoolOptions options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs until Stop() or, with stop_when_drained, until the store is drained and no slot is
  // busy, or until the store fails with an Internal error (a damaged database, a write that
  // failed for good: retrying will not help); other store errors (Unavailable) are retried.
  // Returns the first store error seen, else OK.
  Status Run();

  void Stop();

  PoolProgress Progress() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "<hostname>:<pid>".
std::string DefaultWorkerId();

}  // namespace strandq
