// Copyright 2026 The strandq Authors.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "http/latency_histogram.h"
#include "strandq/http_server.h"

namespace strandq::http {

// The counters of one HttpServer. Every member is updated with relaxed atomics from any
// thread; readers see each counter exact, a set of them not necessarily from one instant.
struct ServerMetrics {
  static constexpr unsigned kMinCode = 100, kMaxCode = 599;

  std::atomic<uint64_t> events_accepted{0};
  std::atomic<uint64_t> batches_accepted{0};
  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<uint64_t> timeouts{0};
  std::array<std::atomic<uint64_t>, kMaxCode - kMinCode + 1> responses{};  // by status code
  LatencyHistogram latency;  // enqueue -> handler end of acked events, workers of this process

  void CountResponse(unsigned status) {
    if (status >= kMinCode && status <= kMaxCode) {
      responses[status - kMinCode].fetch_add(1, std::memory_order_relaxed);
    }
  }

  HttpServerCounters Counters() const {
    HttpServerCounters c;
    for (unsigned code = kMinCode; code <= kMaxCode; ++code) {
      const uint64_t n = responses[code - kMinCode].load(std::memory_order_relaxed);
      c.requests += n;
      if (code >= 400) c.rejected += n;
    }
    c.events_accepted = events_accepted.load(std::memory_order_relaxed);
    c.batches_accepted = batches_accepted.load(std::memory_order_relaxed);
    c.connections_open = connections_open.load(std::memory_order_relaxed);
    c.connections_accepted = connections_accepted.load(std::memory_order_relaxed);
    c.connections_refused = connections_refused.load(std::memory_order_relaxed);
    c.timeouts = timeouts.load(std::memory_order_relaxed);
    return c;
  }
};

}  // namespace strandq::http
