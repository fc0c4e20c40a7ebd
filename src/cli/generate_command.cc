// Copyright 2026 The strandq Authors.
#include "cli/generate_command.h"

#include <chrono>
#include <cstdio>

#include "strandq/store.h"
#include "strandq/workload.h"

namespace strandq::cli {

GenerateCommand::GenerateCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("generate", "Generate the seed workload into a CSV file or a store");
  workload_.Register(*app_, /*with_input=*/true);
  app_->add_option("--to", to_, "Destination: FILE.csv, - for stdout, or a store URL")->required();
  app_->add_option("--batch-size", batch_size_, "Events per enqueue call (stores)")
      ->check(CLI::Range(size_t{1}, size_t{100'000}))
      ->capture_default_str();
  app_->add_option("--policy", policy_, "A new store namespace's policy: longest|oldest")
      ->capture_default_str();
}

int GenerateCommand::Execute() {
  if (to_.rfind("redis://", 0) == 0) return ToStore();
  if (to_ == "mem:" || to_ == "mem") {
    PrintError(Status::InvalidArgument(
        "--to mem: would vanish with this process: generate into a file or a shared store "
        "(redis://...), or let strandq run generate its own workload"));
    return kExitUsage;
  }
  if (to_.rfind("http://", 0) == 0) {
    PrintError(Status::InvalidArgument("--to " + to_ + ": this build has no HTTP producer yet"));
    return kExitUsage;
  }
  auto events = workload_.Load();
  if (!events.ok()) {
    PrintError(events.status());
    return kExitUsage;
  }
  Status written = WriteWorkloadCsv(to_ == "-" ? "/dev/stdout" : to_, *events);
  if (!written.ok()) {
    PrintError(written);
    return kExitFailed;
  }
  if (to_ != "-") {
    std::fprintf(stderr, "strandq: wrote %zu events over %zu accounts (longest %zu) to %s\n",
                 events->size(), CountAccounts(*events), LongestAccount(*events), to_.c_str());
  }
  return kExitOk;
}

int GenerateCommand::ToStore() {
  EngineOptions options;
  auto policy = ParsePolicy(policy_);
  if (!policy) {
    PrintError(
        Status::InvalidArgument("--policy must be longest or oldest, not '" + policy_ + "'"));
    return kExitUsage;
  }
  options.policy = *policy;
  auto events = workload_.Load();
  if (!events.ok()) {
    PrintError(events.status());
    return kExitUsage;
  }
  auto store = OpenStore(to_, options);
  if (!store.ok()) {
    PrintError(store.status());
    return ExitCodeFor(store.status());
  }
  const auto started = std::chrono::steady_clock::now();
  if (Status s = EnqueueWorkload(**store, *events, batch_size_); !s.ok()) {
    PrintError(s.Prefixed("enqueue"));
    return ExitCodeFor(s);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr,
               "strandq: enqueued %zu events over %zu accounts (longest %zu) in %.3f s "
               "(%.0f events/s)\n",
               events->size(), CountAccounts(*events), LongestAccount(*events), seconds,
               seconds > 0 ? static_cast<double>(events->size()) / seconds : 0.0);
  return kExitOk;
}

}  // namespace strandq::cli
