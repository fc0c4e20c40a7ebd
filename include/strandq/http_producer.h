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
};

struct HttpPostReport {
  uint64_t events = 0;    // events answered 202
  uint64_t requests = 0;  // POSTs answered 202
  std::chrono::nanoseconds elapsed{0};
};

// Posts `events` to a `strandq serve` at `url` ("http://HOST:PORT") keeping each account's
// events in workload order: accounts are spread over the connections in order of first
// appearance, every event of an account goes through the same connection, and a connection
// sends its next request only after the previous one was answered 202. Stops at the first
// failure and returns it (InvalidArgument for a bad URL or a payload that is not UTF-8,
// Unavailable for I/O errors, the server's status and error otherwise); batches answered
// before it stay accepted. Blocks until done.
Result<HttpPostReport> PostWorkload(std::string_view url, const std::vector<WorkloadEvent>& events,
                                    const HttpPostOptions& options);

}  // namespace strandq
