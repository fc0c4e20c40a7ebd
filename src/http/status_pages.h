// Copyright 2026 The strandq Authors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/prometheus_text.h"
#include "http/server_metrics.h"
#include "strandq/store.h"
#include "strandq/worker_pool.h"

namespace strandq::http {

// What GET /v1/stats and GET /metrics show: the store's snapshot (store-wide: with a shared
// store, every server shows the same figures), this server's counters, and the counters of
// workers in this process when there are some. Pure functions of their inputs.

// {"store":{...StoreStats...},"server":{...HttpServerCounters...}[,"workers":{...}]}; the
// store's "oldest_pending_age_ms" is `now_ns` (CLOCK_REALTIME) minus oldest_pending_ns, 0 when
// nothing is pending.
std::string StatsJson(const StoreStats& store, const HttpServerCounters& server,
                      const std::optional<PoolProgress>& workers, int64_t now_ns);

// The families of /metrics: strandq_events_{accepted,processed,retried,dead}_total,
// strandq_events_{pending,in_flight}, strandq_accounts_{ready,delayed,parked,paused},
// strandq_oldest_pending_age_seconds (as StatsJson's age), strandq_dead_letters,
// strandq_http_* and strandq_event_latency_seconds.
std::vector<MetricFamily> MetricFamilies(const StoreStats& store, const ServerMetrics& server,
                                         const std::optional<PoolProgress>& workers,
                                         int64_t now_ns);

}  // namespace strandq::http
