// Copyright 2026 The strandq Authors.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "http/prometheus_text.h"

namespace strandq::http {

// A latency histogram with fixed buckets from 1 ms to 5 min, as Prometheus wants them:
// Observe is lock-free (relaxed atomics) and may be called from any thread; a Snapshot taken
// while observations land may be off by those in progress, never torn beyond that.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 16> kBoundsSeconds = {
      0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

  void Observe(int64_t nanoseconds);
  HistogramData Snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kBoundsSeconds.size() + 1> buckets_{};  // last: +Inf
  std::atomic<uint64_t> sum_ns_{0};
};

}  // namespace strandq::http
