// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "strandq/event_log.h"
#include "strandq/handler.h"
#include "strandq/options.h"
#include "strandq/result.h"
#include "strandq/status.h"
#include "strandq/store.h"
#include "strandq/worker_pool.h"
#include "strandq/workload.h"

namespace strandq::cli {

// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;         // verification failed, or the job failed
inline constexpr int kExitUsage = 2;          // bad flags or bad input: nothing was processed
inline constexpr int kExitInterrupted = 130;  // stopped by SIGINT/SIGTERM; what was done is valid

// Prints "strandq: error: <message>" on stderr.
void PrintError(const Status& status);

// Warns, on stderr, of events the store dead-lettered when it was opened (StoreTraits::
// dead_at_open): a handler may be crashing its process.
void WarnOfDeadAtOpen(const std::string& url, const StoreTraits& traits);
// PrintError(status), then returns `code`: `return Failed(s, kExitUsage);`.
int Failed(const Status& status, int code);

// The exit code for a failed step: kExitUsage when the input was wrong (InvalidArgument,
// TooLarge), else kExitFailed (a store that cannot be reached, an I/O error...).
int ExitCodeFor(const Status& status);

// CLI11 checks whose messages a user can read ("--workers: must be a whole number from 1 to
// 256, not 'many'"): a whole number within [min, max] (without a max: any size), and a number
// from 0 to 1. A value they accept converts to the option's type.
CLI::Validator WholeNumber(uint64_t min = 0, uint64_t max = UINT64_MAX);
CLI::Validator Probability();

// OpenStore(url, options), then InvalidArgument unless the store is a shared one, which
// outlives its processes (not mem:), or when `url` is empty: `command` (stats, dlq, drop,
// verify --store) works on what other processes left in it.
Result<std::unique_ptr<Store>> OpenSharedStore(const std::string& command, const std::string& url,
                                               const EngineOptions& options);

// The engine flags shared by run, serve and worker (DESIGN.md), and by stats and dlq.
struct EngineFlags {
  std::string store = "mem:";
  std::string policy = "longest";
  std::string lease_ttl = "30s";
  uint32_t max_attempts = 5;
  std::string retry_backoff = "100ms";
  std::string on_dead = "skip";
  std::string idempotency_window = "24h";

  // `inspect`: for commands that inspect or administer a shared store (stats, dlq): --store
  // has no default and must name a shared store, and the namespace's own policy is used
  // unless --policy is given.
  void Register(CLI::App& app, bool inspect = false);
  // --idempotency-window, for commands that take idempotency keys (serve).
  void RegisterIdempotencyWindow(CLI::App& app);
  // InvalidArgument naming the flag when a value does not parse or is out of range.
  Result<EngineOptions> Resolve() const;
  // Resolve(), then OpenStore(store, options): for commands that only need the store.
  Result<std::unique_ptr<Store>> Open() const;

 private:
  const CLI::App* app_ = nullptr;
  bool inspect_ = false;
};

// The flags of commands that process events in this process (run, worker, serve): slots,
// I/O threads, the handler and the event log.
struct ProcessingFlags {
  size_t workers = 0;        // 0 = the command's default
  size_t threads = 0;        // 0 = one per core
  size_t store_threads = 0;  // used only if --store-threads was given; see StoreThreads
  size_t lookahead = 0;      // used only if --lookahead was given; see Lookahead
  std::string work;
  double fail_rate = 0.0;
  std::string log_path;
  // Long enough for any sane event (a timed-out attempt may have done its work, and its retry
  // does it again), short enough that a hung handler holds its account for minutes, not
  // forever.
  std::string handler_timeout = "5m";

  // `default_work` is the --work default; `workers_help` describes --workers' default.
  void Register(CLI::App& app, const std::string& default_work, const std::string& workers_help);
  // InvalidArgument if --workers was given as 0 (unless `allow_zero`) or more than the bound.
  Status CheckWorkers(const CLI::App& app, bool allow_zero = false) const;
  // Sets the pool's threads, store_threads, lookahead, handler_timeout, record_first and
  // lease_ttl (pool.workers must be set) for `store`: the flags given, else defaults;
  // store_threads and lookahead by store: none for an embedded one (whose calls are in-process
  // and fast); for a shared one, 1 store call at a time and workers / 8 (at least 1) leases
  // claimed ahead. lease_ttl is the store's.
  void ApplyTo(const CLI::App& app, const StoreTraits& store, PoolOptions& pool) const;
  // The handler --work and --fail-rate describe (InvalidArgument on a bad spec).
  Result<std::unique_ptr<Handler>> MakeHandler() const;
  // The --log file written line by line (a killed process loses no line it wrote), or null
  // without --log. Unavailable if it cannot be created.
  Result<std::unique_ptr<LogSink>> OpenLineLog() const;
};

// The seed-workload flags, and --input for commands that can read a CSV instead.
struct WorkloadFlags {
  size_t events = 10'000;
  size_t accounts = 1'000;
  std::string batch = "1-10";
  uint64_t seed = 1;
  size_t payload_bytes = 0;
  std::string input;  // a workload CSV; overrides the generator

  void Register(CLI::App& app, bool with_input);
  // Generates the workload or reads --input. InvalidArgument on bad flags or a bad file, and
  // when --input comes with a generator flag (--events...): one would be ignored.
  Result<std::vector<WorkloadEvent>> Load() const;

 private:
  const CLI::App* app_ = nullptr;
};

}  // namespace strandq::cli
