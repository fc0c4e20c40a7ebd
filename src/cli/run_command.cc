// Copyright 2026 The strandq Authors.
#include "cli/run_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <unordered_map>

#include "cli/progress_line.h"
#include "cli/run_report.h"
#include "cli/signal_watcher.h"
#include "strandq/duration.h"
#include "strandq/event_log.h"
#include "strandq/handler.h"
#include "strandq/store.h"
#include "strandq/verifier.h"
#include "strandq/worker_pool.h"

namespace strandq::cli {
namespace {

// Default slots: one per account, so every strand can run at once, but not unbounded.
constexpr size_t kMaxDefaultWorkers = 4096;
// Slots are cheap (a struct each) but not free: a bound that catches typos.
constexpr size_t kMaxWorkers = 1'000'000;

// The workload minus what --on-dead park holds back: events of an account after its dead one.
std::vector<WorkloadEvent> WithoutParked(const std::vector<WorkloadEvent>& workload,
                                         const std::vector<DeadLetter>& dead) {
  std::unordered_map<std::string_view, uint64_t> parked_after;
  for (const DeadLetter& d : dead) {
    auto [it, inserted] = parked_after.emplace(d.event.account, d.event.seq);
    if (!inserted) it->second = std::min(it->second, d.event.seq);
  }
  std::vector<WorkloadEvent> expected;
  for (const WorkloadEvent& e : workload) {
    auto it = parked_after.find(e.account);
    if (it == parked_after.end() || e.seq <= it->second) expected.push_back(e);
  }
  return expected;
}

}  // namespace

RunCommand::RunCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("run", "Process a workload embedded, then verify the event log");
  workload_.Register(*app_, /*with_input=*/true);
  app_->add_option("--workers", workers_,
                   "Concurrent slots (default: one per account, at most 4096)")
      ->check(CLI::NonNegativeNumber);
  app_->add_option("--threads", threads_, "I/O threads (default: one per core)")
      ->check(CLI::Range(size_t{0}, size_t{256}));
  app_->add_option("--work", work_, "Handler: sleep:DURATION, noop or exec:COMMAND")
      ->capture_default_str();
  app_->add_option("--fail-rate", fail_rate_, "Probability that an attempt is nacked")
      ->capture_default_str();
  app_->add_option("--log", log_path_, "Write the event log (JSON Lines) to this file");
  engine_.Register(*app_);
}

int RunCommand::Execute() {
  // Everything that can be wrong with the input is checked before anything is processed.
  if (app_->count("--workers") > 0 && (workers_ == 0 || workers_ > kMaxWorkers)) {
    PrintError(Status::InvalidArgument("--workers must be at least 1 and at most " +
                                       std::to_string(kMaxWorkers)));
    return kExitUsage;
  }
  auto engine = engine_.Resolve();
  if (!engine.ok()) {
    PrintError(engine.status());
    return kExitUsage;
  }
  HandlerOptions handler_options;
  handler_options.fail_rate = fail_rate_;
  auto handler = MakeHandler(work_, handler_options);
  if (!handler.ok()) {
    PrintError(handler.status());
    return kExitUsage;
  }
  auto workload = workload_.Load();
  if (!workload.ok()) {
    PrintError(workload.status());
    return kExitUsage;
  }
  auto store = OpenStore(engine_.store, *engine);
  if (!store.ok()) {
    PrintError(store.status());
    return kExitUsage;
  }
  std::unique_ptr<LogSink> file_log;
  MemoryLogSink memory_log;
  if (!log_path_.empty()) {
    auto opened = OpenJsonlLog(log_path_);
    if (!opened.ok()) {
      PrintError(opened.status());
      return kExitUsage;
    }
    file_log = std::move(*opened);
  }
  LogSink* log = file_log ? file_log.get() : &memory_log;

  const size_t accounts = CountAccounts(*workload);
  const size_t workers =
      workers_ > 0 ? workers_ : std::clamp<size_t>(accounts, 1, kMaxDefaultWorkers);

  RunFacts facts;
  facts.store_url = engine_.store;
  facts.policy = std::string(PolicyName(engine->policy));
  facts.handler = work_;
  facts.workers = workers;
  facts.events = workload->size();
  facts.log_path = log_path_;

  const auto enqueue_start = std::chrono::steady_clock::now();
  if (Status s = EnqueueWorkload(**store, *workload); !s.ok()) {
    PrintError(s.Prefixed("enqueue"));
    return kExitFailed;
  }
  facts.enqueue_time = std::chrono::steady_clock::now() - enqueue_start;

  PoolOptions pool_options;
  pool_options.workers = workers;
  pool_options.threads = threads_;
  pool_options.lease_ttl = engine->lease_ttl;
  pool_options.stop_when_drained = true;
  WorkerPool pool(**store, **handler, log, pool_options);
  Status ran;
  bool signalled = false;
  {
    SignalWatcher signals([&pool] { pool.Stop(); });
    ProgressLine progress(workload->size(), [&pool] { return pool.Progress(); });
    ran = pool.Run();
    signalled = signals.signalled();
  }
  if (!ran.ok()) {
    PrintError(ran.Prefixed("processing"));
    return kExitFailed;
  }

  auto stats = (*store)->Stats();
  if (stats.ok()) facts.stats = *stats;
  // A signal that came when everything was done already interrupted nothing.
  facts.interrupted = signalled && !(stats.ok() && stats->drained());
  auto dead = (*store)->ListDead(SIZE_MAX);
  if (!dead.ok()) {
    PrintError(dead.status().Prefixed("listing dead letters"));
    return kExitFailed;
  }

  std::vector<AttemptRecord> records;
  if (file_log) {
    file_log.reset();  // closes the file; what we verify is what was written
    auto read = ReadEventLog(log_path_);
    if (!read.ok()) {
      PrintError(read.status().Prefixed("reading back the log"));
      return kExitFailed;
    }
    records = std::move(*read);
  } else {
    records = memory_log.Records();
  }

  VerifyOptions verify_options;
  for (const DeadLetter& d : *dead) verify_options.dead_letter_ids.push_back(d.event.id);
  // Events parked behind a dead letter (--on-dead park) are still in the store, not lost.
  const bool parked = engine->on_dead == OnDead::kPark && !dead->empty();
  const std::vector<WorkloadEvent> unparked =
      parked ? WithoutParked(*workload, *dead) : std::vector<WorkloadEvent>{};
  // An interrupted run did not process everything: check what it did, not what it skipped.
  if (!facts.interrupted) verify_options.input = parked ? &unparked : &*workload;
  verify_options.partial = facts.interrupted;
  verify_options.workers = workers;
  if (work_.rfind("sleep:", 0) == 0) verify_options.unit = *ParseDuration(work_.substr(6));
  const VerifyReport report = Verify(records, verify_options);
  std::fputs(FormatRunReport(facts, report).c_str(), stdout);
  std::fflush(stdout);
  if (!report.ok()) return kExitFailed;
  return facts.interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace strandq::cli
