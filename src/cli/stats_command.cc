// Copyright 2026 The strandq Authors.
#include "cli/stats_command.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "http/operator_json.h"
#include "strandq/clock.h"
#include "strandq/store.h"

namespace strandq::cli {

StatsCommand::StatsCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("stats", "Show a store's gauges and totals");
  engine_.Register(*app_, /*inspect=*/true);
  app_->add_flag("--json", json_, "Print one JSON object");
}

int StatsCommand::Execute() {
  auto store = engine_.Open();
  if (!store.ok()) {
    PrintError(store.status());
    return ExitCodeFor(store.status());
  }
  auto stats = (*store)->Stats();
  if (!stats.ok()) {
    PrintError(stats.status());
    return kExitFailed;
  }
  const std::vector<std::pair<const char*, uint64_t>> rows = {
      {"pending", stats->pending}, {"accounts", stats->accounts},
      {"ready", stats->ready},     {"leased", stats->leased},
      {"delayed", stats->delayed}, {"parked", stats->parked},
      {"dead", stats->dead},       {"enqueued", stats->enqueued},
      {"acked", stats->acked},     {"nacked", stats->nacked},
      {"expired", stats->expired}, {"dead_lettered", stats->dead_lettered},
      {"paused", stats->paused},
  };
  // How long the oldest pending event has waited (0 when none is pending), as GET /v1/stats.
  const int64_t oldest_ms = http::OldestPendingAgeNs(*stats, SystemClock()->WallNs()) / 1'000'000;
  if (json_) {
    nlohmann::ordered_json out;
    for (const auto& [name, value] : rows) out[name] = value;
    out["oldest_pending_age_ms"] = oldest_ms;
    out["drained"] = stats->drained();
    std::printf("%s\n", out.dump().c_str());
  } else {
    std::printf("%-14s %s\n", "store", RedactedStoreUrl(engine_.store).c_str());
    for (const auto& [name, value] : rows) {
      std::printf("%-14s %llu\n", name, static_cast<unsigned long long>(value));
    }
    std::printf("%-14s %lld ms\n", "oldest pending", static_cast<long long>(oldest_ms));
  }
  return kExitOk;
}

}  // namespace strandq::cli
