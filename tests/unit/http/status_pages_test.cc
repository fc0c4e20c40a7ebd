// Copyright 2026 The strandq Authors.
#include "http/status_pages.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace strandq::http {
namespace {

constexpr int64_t kStatusNow = 1'000'000'000'000;

TEST(StatusPagesTest, OldestPendingAgeAndPausedInStatsAndMetrics) {
  StoreStats s;
  s.pending = 3;
  s.paused = 2;
  s.oldest_pending_ns = kStatusNow - 2'500'000'000;
  ServerMetrics metrics;
  const auto j = nlohmann::json::parse(StatsJson(s, metrics.Counters(), std::nullopt, kStatusNow));
  EXPECT_EQ(j["store"]["oldest_pending_age_ms"], 2500);
  EXPECT_EQ(j["store"]["paused"], 2);
  const std::string text = RenderPrometheus(MetricFamilies(s, metrics, std::nullopt, kStatusNow));
  EXPECT_NE(text.find("\nstrandq_oldest_pending_age_seconds 2.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE strandq_oldest_pending_age_seconds gauge\n"), std::string::npos);
  EXPECT_NE(text.find("\nstrandq_accounts_paused 2\n"), std::string::npos) << text;
}

TEST(StatusPagesTest, NothingPendingIsAgeZeroAndAClockStepNeverNegative) {
  StoreStats s;  // nothing pending
  ServerMetrics metrics;
  auto age = [&] {
    return nlohmann::json::parse(StatsJson(s, metrics.Counters(), std::nullopt,
                                           kStatusNow))["store"]["oldest_pending_age_ms"];
  };
  EXPECT_EQ(age(), 0);
  s.pending = 1;
  s.oldest_pending_ns = kStatusNow + 1'000'000'000;  // the wall clock stepped back
  EXPECT_EQ(age(), 0);
  const std::string text = RenderPrometheus(MetricFamilies(s, metrics, std::nullopt, kStatusNow));
  EXPECT_NE(text.find("\nstrandq_oldest_pending_age_seconds 0\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace strandq::http
