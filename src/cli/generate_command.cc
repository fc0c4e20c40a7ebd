// Copyright 2026 The strandq Authors.
#include "cli/generate_command.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "strandq/duration.h"
#include "strandq/http_producer.h"
#include "strandq/store.h"
#include "strandq/workload.h"

namespace strandq::cli {
namespace {

// Events per HTTP request when --batch-size is not given: a modest NDJSON body.
constexpr size_t kHttpBatchSize = 100;

constexpr std::string_view kTargets =
    "FILE.csv, - (stdout), sqlite:PATH (a database no process owns), "
    "redis://HOST:PORT[/DB][?prefix=NAME] (a shared store) or http://HOST:PORT (strandq serve)";

// The scheme of `to` if it starts like a URL ("name:" or "name://", a letter then letters,
// digits, + - or .), else empty. A file name of that shape is written ./NAME.
std::string_view SchemeOf(std::string_view to) {
  const size_t colon = to.find(':');
  if (colon == std::string_view::npos || colon == 0 || !std::isalpha(to[0])) return {};
  for (char c : to.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return {};
    }
  }
  return to.substr(0, colon);
}

}  // namespace

Result<GenerateCommand::Target> GenerateCommand::ParseTarget(const std::string& to) {
  if (to == "-") return Target::kStdout;
  if (to.starts_with("redis://") || to.starts_with("sqlite:")) return Target::kStore;
  if (to.starts_with("http://")) return Target::kHttp;
  if (to == "mem:" || to == "mem") {
    return Status::InvalidArgument(
        "--to mem: would vanish with this process: generate into a file or a store that "
        "outlives it (sqlite:PATH, redis://...), or let strandq run generate its own workload");
  }
  const std::string_view scheme = SchemeOf(to);
  if (scheme.empty()) return Target::kFile;
  std::string hint;
  if (scheme == "https") {
    hint = " (strandq serve speaks plain HTTP: use http://, or post through your TLS proxy)";
  } else if (scheme == "redis" || scheme == "http") {
    hint = " (did you mean " + std::string(scheme) + "://" +
           to.substr(scheme.size() + 1 + (to.compare(scheme.size() + 1, 1, "/") == 0)) + "?)";
  }
  const bool slashes = to.compare(scheme.size() + 1, 2, "//") == 0;
  return Status::InvalidArgument(
      "--to '" + to + "' looks like a URL, but strandq cannot send to '" + std::string(scheme) +
      ":'" + hint + ". Destinations: " + std::string(kTargets) +
      (slashes ? "" : "; a file whose name holds a colon: ./" + to));
}

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
      ->check(WholeNumber(1, 100'000))
      ->capture_default_str();
  app_->add_option("--policy", policy_, "A new store namespace's policy: longest|oldest")
      ->capture_default_str();
  app_->add_option("--concurrency", concurrency_,
                   "HTTP: connections (accounts are spread over them)")
      ->check(WholeNumber(1, 1024))
      ->capture_default_str();
  app_->add_option("--token", token_, "HTTP: bearer token of the server")->envname("STRANDQ_TOKEN");
}

int GenerateCommand::Execute() {
  auto target = ParseTarget(to_);
  if (!target.ok()) {
    PrintError(target.status());
    return kExitUsage;
  }
  if (*target == Target::kStore) return ToStore();
  auto events = workload_.Load();
  if (!events.ok()) {
    PrintError(events.status());
    return kExitUsage;
  }
  if (*target == Target::kHttp) return Post(*events);
  Status written = WriteWorkloadCsv(*target == Target::kStdout ? "/dev/stdout" : to_, *events);
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
  if (report->resent > 0 || report->replayed > 0) {
    std::fprintf(stderr,
                 "strandq: %llu requests sent again after a lost or refused answer; %llu "
                 "answered from their idempotency key (enqueued once)\n",
                 static_cast<unsigned long long>(report->resent),
                 static_cast<unsigned long long>(report->replayed));
  }
  return kExitOk;
}

}  // namespace strandq::cli
