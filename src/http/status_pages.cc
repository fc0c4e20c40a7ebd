// Copyright 2026 The strandq Authors.
#include "http/status_pages.h"

#include <nlohmann/json.hpp>

#include "http/operator_json.h"
#include "strandq/version.h"

namespace strandq::http {
namespace {

MetricFamily Single(std::string name, std::string help, MetricFamily::Type type, uint64_t value) {
  MetricFamily f{std::move(name), std::move(help), type, {}, {}};
  f.samples.push_back({{}, static_cast<double>(value)});
  return f;
}

MetricFamily Counter(std::string name, std::string help, uint64_t value) {
  return Single(std::move(name), std::move(help), MetricFamily::Type::kCounter, value);
}

MetricFamily Gauge(std::string name, std::string help, uint64_t value) {
  return Single(std::move(name), std::move(help), MetricFamily::Type::kGauge, value);
}

// Failed attempts (nacks and lease expiries) that were scheduled again: every failure either
// retries or dead-letters its event.
uint64_t Retried(const StoreStats& s) {
  const uint64_t failed = s.nacked + s.expired;
  return failed > s.dead_lettered ? failed - s.dead_lettered : 0;
}

}  // namespace

std::string StatsJson(const StoreStats& s, const HttpServerCounters& c,
                      const std::optional<PoolProgress>& workers, int64_t now_ns) {
  nlohmann::ordered_json j;
  j["version"] = kVersion;
  j["store"] = {{"pending", s.pending},
                {"accounts", s.accounts},
                {"ready", s.ready},
                {"leased", s.leased},
                {"delayed", s.delayed},
                {"parked", s.parked},
                {"dead", s.dead},
                {"enqueued", s.enqueued},
                {"acked", s.acked},
                {"nacked", s.nacked},
                {"expired", s.expired},
                {"dead_lettered", s.dead_lettered},
                {"retried", Retried(s)},
                {"paused", s.paused},
                {"oldest_pending_age_ms", OldestPendingAgeNs(s, now_ns) / 1'000'000}};
  j["server"] = {{"requests", c.requests},
                 {"rejected", c.rejected},
                 {"events_accepted", c.events_accepted},
                 {"batches_accepted", c.batches_accepted},
                 {"connections_open", c.connections_open},
                 {"connections_accepted", c.connections_accepted},
                 {"connections_refused", c.connections_refused},
                 {"timeouts", c.timeouts}};
  if (workers) {
    j["workers"] = {{"acked", workers->acked},
                    {"nacked", workers->nacked},
                    {"dead", workers->dead},
                    {"lost", workers->lost},
                    {"in_flight", workers->in_flight}};
  }
  return j.dump();
}

std::vector<MetricFamily> MetricFamilies(const StoreStats& s, const ServerMetrics& server,
                                         const std::optional<PoolProgress>& workers,
                                         int64_t now_ns) {
  using Type = MetricFamily::Type;
  std::vector<MetricFamily> f;
  f.push_back({"strandq_build_info", "The version of strandq serving", Type::kGauge, {}, {}});
  f.back().samples.push_back({{{"version", std::string(kVersion)}}, 1.0});
  f.push_back(Counter("strandq_events_accepted_total", "Events accepted by the store", s.enqueued));
  f.push_back(Counter("strandq_events_processed_total", "Events acked by a handler", s.acked));
  f.push_back(Counter("strandq_events_retried_total",
                      "Failed attempts (nack or lease expiry) scheduled again", Retried(s)));
  f.push_back(Counter("strandq_events_dead_total", "Events moved to the dead-letter list",
                      s.dead_lettered));
  f.push_back(Gauge("strandq_events_pending", "Events in strands, in flight included", s.pending));
  f.push_back(Gauge("strandq_events_in_flight", "Events leased to a worker", s.leased));
  f.push_back(Gauge("strandq_accounts_ready", "Accounts waiting for a worker", s.ready));
  f.push_back(Gauge("strandq_accounts_delayed", "Accounts waiting out a retry backoff", s.delayed));
  f.push_back(Gauge("strandq_accounts_parked", "Accounts stopped by a dead letter", s.parked));
  f.push_back(Gauge("strandq_accounts_paused", "Accounts paused by an operator", s.paused));
  MetricFamily oldest{"strandq_oldest_pending_age_seconds",
                      "How long the oldest pending event has waited (0 when none is pending)",
                      Type::kGauge,
                      {},
                      {}};
  oldest.samples.push_back({{}, static_cast<double>(OldestPendingAgeNs(s, now_ns)) / 1e9});
  f.push_back(std::move(oldest));
  f.push_back(Gauge("strandq_dead_letters", "Events in the dead-letter list", s.dead));

  const HttpServerCounters c = server.Counters();
  MetricFamily requests{"strandq_http_requests_total",
                        "HTTP requests answered, by status code",
                        Type::kCounter,
                        {},
                        {}};
  for (unsigned code = ServerMetrics::kMinCode; code <= ServerMetrics::kMaxCode; ++code) {
    const uint64_t n = server.responses[code - ServerMetrics::kMinCode].load();
    if (n > 0)
      requests.samples.push_back({{{"code", std::to_string(code)}}, static_cast<double>(n)});
  }
  f.push_back(std::move(requests));
  f.push_back(Counter("strandq_http_events_accepted_total", "Events this server answered 202",
                      c.events_accepted));
  f.push_back(Gauge("strandq_http_connections", "Open HTTP connections", c.connections_open));
  f.push_back(Counter("strandq_http_connections_refused_total",
                      "Connections refused over --max-connections", c.connections_refused));
  f.push_back(
      Counter("strandq_http_timeouts_total", "Connections closed by a timeout", c.timeouts));
  if (workers) {
    f.push_back(Counter("strandq_worker_acked_total", "Attempts acked by this process's workers",
                        workers->acked));
    f.push_back(
        Gauge("strandq_worker_in_flight", "Events in this process's handlers", workers->in_flight));
  }
  MetricFamily latency{"strandq_event_latency_seconds",
                       "Enqueue to handler end of acked events (this process's workers)",
                       Type::kHistogram,
                       {},
                       server.latency.Snapshot()};
  f.push_back(std::move(latency));
  return f;
}

}  // namespace strandq::http
