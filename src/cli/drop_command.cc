// Copyright 2026 The strandq Authors.
#include "cli/drop_command.h"

#include <cstdio>
#include <string>

#include "cli/cli_common.h"
#include "strandq/store.h"

namespace strandq::cli {

DropCommand::DropCommand(CLI::App& parent) {
  app_ = parent.add_subcommand(
      "drop",
      "Empty a store that outlives its processes (a Redis namespace, a sqlite: database): every "
      "pending and dead event, every counter");
  app_->add_option("--store", store_,
                   "The store: sqlite:PATH (a database no process owns at the moment) or "
                   "redis://[user:pass@]host:port[/db][?prefix=NAME] (required)");
  app_->add_flag("--yes", yes_, "Really delete (without it: say what would be deleted)");
}

int DropCommand::Execute() {
  EngineOptions options;
  options.policy_from_store = true;
  auto store = OpenSharedStore("drop", store_, options);
  if (!store.ok()) {
    PrintError(store.status());
    return ExitCodeFor(store.status());
  }
  auto stats = (*store)->Stats();
  if (!stats.ok()) {
    PrintError(stats.status());
    return kExitFailed;
  }
  const std::string url = RedactedStoreUrl(store_);
  auto count = [](uint64_t n, const std::string& what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  const std::string what = count(stats->pending, "pending event") + " (" +
                           count(stats->accounts, "account") + ") and " +
                           count(stats->dead, "dead event");
  if (stats->leased > 0) {
    PrintError(Status::Unavailable(
        url + " has " + std::to_string(stats->leased) +
        " events leased by running workers: stop them first (the leases of workers that "
        "were killed expire after their --lease-ttl), then drop again"));
    return kExitFailed;
  }
  if (!yes_) {
    PrintError(Status::InvalidArgument("drop would delete " + url + ": " + what +
                                       ", and its counters; pass --yes to delete it"));
    return kExitUsage;
  }
  const bool file = !(*store)->Traits().location.empty();  // a database: rows, not keys
  auto dropped = (*store)->Drop();
  if (!dropped.ok()) {
    PrintError(dropped.status().Prefixed("drop"));
    return ExitCodeFor(dropped.status());
  }
  std::printf("dropped %s: deleted %s (%llu %s)\n", url.c_str(), what.c_str(),
              static_cast<unsigned long long>(*dropped), file ? "rows" : "keys");
  return kExitOk;
}

}  // namespace strandq::cli
