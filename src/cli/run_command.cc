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
#include "cli/worker_command.h"
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
  processing_.Register(*app_, "sleep:1s", "default: one per account, at most 4096");
  engine_.Register(*app_);
}

int RunCommand::Execute() {
  // Everything that can be wrong with the input is checked before anything is processed.
  if (Status s = processing_.CheckWorkers(*app_); !s.ok()) {
    PrintError(s);
    return kExitUsage;
  }
  auto engine = engine_.Resolve();
  if (!engine.ok()) {
    PrintError(engine.status());
    return kExitUsage;
  }
  auto handler = processing_.MakeHandler();
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
    return ExitCodeFor(store.status());
  }
  // The log is checked against the workload: a shared store must start out empty.
  if (auto stats = (*store)->Stats(); !stats.ok() || stats->enqueued > 0) {
    PrintError(stats.ok() ? Status::InvalidArgument(
                                "the store " + RedactedUrl(engine_.store) + " already holds " +
                                std::to_string(stats->enqueued) +
                                " events from before: run needs an empty one (delete them "
                                "with strandq drop --store URL --yes, pick another ?prefix=, "
                                "or use generate --to and worker for a shared queue)")
                          : stats.status());
    return stats.ok() ? kExitUsage : kExitFailed;
  }
  std::unique_ptr<LogSink> file_log;
  MemoryLogSink memory_log;
  if (!processing_.log_path.empty()) {
    // With a shared store, lines reach the file before the store settles their events (as a
    // worker's do), so a crash cannot lose a settled event's line.
    auto opened =
        OpenJsonlLog(processing_.log_path,
                     /*write_each_line=*/engine_.store != "mem:" && engine_.store != "mem");
    if (!opened.ok()) {
      PrintError(opened.status());
      return kExitUsage;
    }
    file_log = std::move(*opened);
  }
  LogSink* log = file_log ? file_log.get() : &memory_log;

  const size_t accounts = CountAccounts(*workload);
  const size_t workers = processing_.workers > 0
                             ? processing_.workers
                             : std::clamp<size_t>(accounts, 1, kMaxDefaultWorkers);

  RunFacts facts;
  facts.store_url = RedactedUrl(engine_.store);  // the report must not show a password
  facts.policy = std::string(PolicyName(engine->policy));
  facts.handler = processing_.work;
  facts.workers = workers;
  facts.events = workload->size();
  facts.log_path = processing_.log_path;

  const auto enqueue_start = std::chrono::steady_clock::now();
  if (Status s = EnqueueWorkload(**store, *workload); !s.ok()) {
    PrintError(s.Prefixed("enqueue"));
    return ExitCodeFor(s);
  }
  facts.enqueue_time = std::chrono::steady_clock::now() - enqueue_start;

  PoolOptions pool_options;
  pool_options.workers = workers;
  processing_.ApplyTo(*app_, engine_.store, pool_options);
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
    auto read = ReadEventLog(processing_.log_path);
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
  if (processing_.work.rfind("sleep:", 0) == 0) {
    verify_options.unit = *ParseDuration(processing_.work.substr(6));
  }
  const VerifyReport report = Verify(records, verify_options);
  std::fputs(FormatRunReport(facts, report).c_str(), stdout);
  std::fflush(stdout);
  // A dead letter is an event that was not processed: the run failed, however it verified.
  if (!report.ok() || facts.stats.dead > 0) return kExitFailed;
  return facts.interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace strandq::cli
