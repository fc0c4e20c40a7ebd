// Copyright 2026 The strandq Authors.
#include "cli/generate_command.h"

#include <chrono>
#include <cstdio>

#include "strandq/duration.h"
#include "strandq/http_producer.h"
#include "strandq/store.h"
#include "strandq/workload.h"

namespace strandq::cli {
namespace {

// Events per HTTP request when --batch-size is not given: a modest NDJSON body.
constexpr size_t kHttpBatchSize = 100;

}  // namespace

GenerateCommand::GenerateCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("generate",
                               "Generate the seed workload into a CSV file, a store, or over HTTP");
  workload_.Register(*app_, /*with_input=*/true);
  app_->add_option("--to", to_,
                   "Destination: FILE.csv, - for stdout, a store URL, or http://HOST:PORT")
      ->required();
  app_->add_option("--batch-size", batch_size_,
                   "Events per enqueue call (stores), or per request (HTTP: default 100, NDJSON; "
                   "1 = one JSON object per POST)")
      ->check(CLI::Range(size_t{1}, size_t{100'000}))
      ->capture_default_str();
  app_->add_option("--policy", policy_, "A new store namespace's policy: longest|oldest")
      ->capture_default_str();
  app_->add_option("--concurrency", concurrency_,
                   "HTTP: connections (accounts are spread over them)")
      ->check(CLI::Range(size_t{1}, size_t{1024}))
      ->capture_default_str();
  app_->add_option("--token", token_, "HTTP: bearer token of the server")->envname("STRANDQ_TOKEN");
}

int GenerateCommand::Execute() {
  if (to_.rfind("redis://", 0) == 0) return ToStore();
  if (to_ == "mem:" || to_ == "mem") {
    PrintError(Status::InvalidArgument(
        "--to mem: would vanish with this process: generate into a file or a shared store "
        "(redis://...), or let strandq run generate its own workload"));
    return kExitUsage;
  }
  auto events = workload_.Load();
  if (!events.ok()) {
    PrintError(events.status());
    return kExitUsage;
  }
  if (to_.rfind("http://", 0) == 0) return Post(*events);
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

int GenerateCommand::Post(const std::vector<WorkloadEvent>& events) {
  HttpPostOptions options;
  options.concurrency = concurrency_;
  options.batch_size = app_->count("--batch-size") > 0 ? batch_size_ : kHttpBatchSize;
  options.token = token_;
  auto report = PostWorkload(to_, events, options);
  if (!report.ok()) {
    PrintError(report.status());
    return ExitCodeFor(report.status());
  }
  const double seconds = std::chrono::duration<double>(report->elapsed).count();
  std::printf("accepted: %llu events in %llu requests over %zu connections in %s (%.0f events/s)\n",
              static_cast<unsigned long long>(report->events),
              static_cast<unsigned long long>(report->requests), concurrency_,
              FormatDuration(report->elapsed).c_str(),
              seconds > 0 ? static_cast<double>(report->events) / seconds : 0.0);
  return kExitOk;
}

}  // namespace strandq::cli
