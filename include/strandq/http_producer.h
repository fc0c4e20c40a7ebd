// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strandq/result.h"
#include "strandq/workload.h"

namespace strandq {

struct HttpPostOptions {
  size_t concurrency = 4;   // connections, each on its own thread
  size_t batch_size = 100;  // events per request: NDJSON; 1 = one JSON object per POST
  std::string token;        // sent as "Authorization: Bearer <token>" when set
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);  // per connect, write, read
  // Each request carries the Idempotency-Key "<run_id>:<connection>:<batch>"; empty: 16 random
  // hex digits. A run that posts the same workload again under the same run id (within the
  // server's window) is answered from the keys and enqueues nothing twice. Visible ASCII, no
  // spaces (InvalidArgument otherwise).
  std::string run_id;
  // Sends of one request at most: one that timed out, lost its connection, or was answered
  // 5xx or 409 is sent again, with the same key, after `retry_backoff` (doubling, capped at
  // 2 s). 1 = never again.
  size_t max_attempts = 10;
  std::chrono::nanoseconds retry_backoff = std::chrono::milliseconds(100);
};

struct HttpPostReport {
  uint64_t events = 0;    // events answered 202
  uint64_t requests = 0;  // POSTs answered 202
  uint64_t resent = 0;    // sends of a request after its first (see max_attempts)
  uint64_t replayed = 0;  // requests answered from their key (Idempotent-Replayed: the server had
                          // taken them before, or a previous run with this run id did)
  std::chrono::nanoseconds elapsed{0};
};

// Posts `events` to a `strandq serve` at `url` ("http://HOST:PORT") keeping each account's
// events in workload order: accounts are spread over the connections in order of first
// appearance, every event of an account goes through the same connection, and a connection
// sends its next request only after the previous one was answered 202. Every request carries an
// idempotency key, so a request sent again after a lost answer (see max_attempts) is enqueued
// once. Stops at the first failure and returns it (InvalidArgument for a bad URL or a payload
// that is not UTF-8, Unavailable for I/O errors once the sends are used up, the server's status
// and error otherwise); batches answered before it stay accepted. Blocks until done.
Result<HttpPostReport> PostWorkload(std::string_view url, const std::vector<WorkloadEvent>& events,
                                    const HttpPostOptions& options);

}  // namespace strandq
