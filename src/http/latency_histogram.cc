// Copyright 2026 The strandq Authors.
#include "http/latency_histogram.h"

namespace strandq::http {

void LatencyHistogram::Observe(int64_t nanoseconds) {
  if (nanoseconds < 0) nanoseconds = 0;  // wall clocks of two hosts may disagree
  const double seconds = static_cast<double>(nanoseconds) / 1e9;
  size_t i = 0;
  while (i < kBoundsSeconds.size() && seconds > kBoundsSeconds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(nanoseconds), std::memory_order_relaxed);
}

HistogramData LatencyHistogram::Snapshot() const {
  HistogramData data;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBoundsSeconds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    data.buckets.push_back({kBoundsSeconds[i], cumulative});
  }
  data.count = cumulative + buckets_.back().load(std::memory_order_relaxed);
  data.sum = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return data;
}

}  // namespace strandq::http
