// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace strandq::http {

// A histogram's state: cumulative counts per upper bound (ascending, +Inf implied by count).
struct HistogramData {
  std::vector<std::pair<double, uint64_t>> buckets;  // {le, observations <= le}
  uint64_t count = 0;
  double sum = 0;
};

// One metric family of the Prometheus text exposition format (version 0.0.4).
struct MetricFamily {
  enum class Type { kCounter, kGauge, kHistogram };
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*; counters end in _total
  std::string help;
  Type type = Type::kGauge;
  // Counters and gauges: one sample per label set; labels are `name="value"` pairs.
  struct Sample {
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;
  };
  std::vector<Sample> samples;
  HistogramData histogram;  // for kHistogram
};

// Renders families as Prometheus text: "# HELP", "# TYPE", then the samples; a histogram as
// its _bucket{le=...} lines (ending with le="+Inf"), _sum and _count. Label values and help
// text are escaped as the format requires. Pure.
std::string RenderPrometheus(const std::vector<MetricFamily>& families);

}  // namespace strandq::http
