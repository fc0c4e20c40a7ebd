// Copyright 2026 The strandq Authors.
#include "http/prometheus_text.h"

#include <gtest/gtest.h>

#include "http/latency_histogram.h"

namespace strandq::http {
namespace {

TEST(PrometheusTextTest, CountersAndGaugesWithLabels) {
  std::vector<MetricFamily> families;
  families.push_back({"strandq_events_accepted_total",
                      "Events accepted",
                      MetricFamily::Type::kCounter,
                      {{{}, 42}},
                      {}});
  families.push_back({"strandq_http_requests_total",
                      "By code",
                      MetricFamily::Type::kCounter,
                      {{{{"code", "202"}}, 7}, {{{"code", "400"}, {"path", "a\"b\\c\nd"}}, 1}},
                      {}});
  families.push_back(
      {"strandq_ratio", "A \\ help\nline", MetricFamily::Type::kGauge, {{{}, 0.25}}, {}});
  EXPECT_EQ(RenderPrometheus(families),
            "# HELP strandq_events_accepted_total Events accepted\n"
            "# TYPE strandq_events_accepted_total counter\n"
            "strandq_events_accepted_total 42\n"
            "# HELP strandq_http_requests_total By code\n"
            "# TYPE strandq_http_requests_total counter\n"
            "strandq_http_requests_total{code=\"202\"} 7\n"
            "strandq_http_requests_total{code=\"400\",path=\"a\\\"b\\\\c\\nd\"} 1\n"
            "# HELP strandq_ratio A \\\\ help\\nline\n"
            "# TYPE strandq_ratio gauge\n"
            "strandq_ratio 0.25\n");
}

TEST(PrometheusTextTest, HistogramHasCumulativeBucketsInfSumAndCount) {
  MetricFamily f{"lat_seconds", "Latency", MetricFamily::Type::kHistogram, {}, {}};
  f.histogram.buckets = {{0.001, 1}, {0.5, 3}, {10, 3}};
  f.histogram.count = 4;
  f.histogram.sum = 12.5;
  EXPECT_EQ(RenderPrometheus({f}),
            "# HELP lat_seconds Latency\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{le=\"0.001\"} 1\n"
            "lat_seconds_bucket{le=\"0.5\"} 3\n"
            "lat_seconds_bucket{le=\"10\"} 3\n"
            "lat_seconds_bucket{le=\"+Inf\"} 4\n"
            "lat_seconds_sum 12.5\n"
            "lat_seconds_count 4\n");
}

TEST(LatencyHistogramTest, ObservationsLandInTheirBuckets) {
  LatencyHistogram h;
  h.Observe(500'000);            // 0.5 ms  -> le 0.001
  h.Observe(1'000'000);          // 1 ms    -> le 0.001 (bounds are inclusive)
  h.Observe(2'000'000'000);      // 2 s     -> le 2.5
  h.Observe(1'000'000'000'000);  // 1000 s  -> +Inf only
  h.Observe(-5);                 // clock skew counts as 0
  const HistogramData d = h.Snapshot();
  ASSERT_EQ(d.buckets.size(), LatencyHistogram::kBoundsSeconds.size());
  EXPECT_EQ(d.buckets.front().first, 0.001);
  EXPECT_EQ(d.buckets.front().second, 3u);
  for (const auto& [le, n] : d.buckets) {
    if (le < 2.5) {
      EXPECT_EQ(n, 3u) << le;
    } else {
      EXPECT_EQ(n, 4u) << le;
    }
  }
  EXPECT_EQ(d.count, 5u);
  EXPECT_DOUBLE_EQ(d.sum, 0.0005 + 0.001 + 2 + 1000);
}

}  // namespace
}  // namespace strandq::http
