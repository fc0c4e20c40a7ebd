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
#include "strandq/report.h"
#include "strandq/store.h"
#include "strandq/verifier.h"
#include "strandq/version.h"
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

// InvalidArgument unless `store` holds no event yet: the log is checked against the workload.
Status RequireEmpty(Store& store, const std::string& url) {
  auto stats = store.Stats();
  if (!stats.ok()) return stats.status();
  if (stats->enqueued == 0) return Status();
  return Status::InvalidArgument(
      "the store " + RedactedStoreUrl(url) + " already holds " + std::to_string(stats->enqueued) +
      " events from before: run needs an empty one (delete them with strandq drop --store URL "
      "--yes, give another sqlite: file or Redis ?prefix=, or use generate --to and worker to "
      "process what a store holds)");
}

// Where the run's attempts go: the --log file, or memory without --log. Then read back for
// the verifier.
class RunLog {
 public:
  // With a shared store, lines reach the file before the store settles their events (as a
  // worker's do), so a crash cannot lose a settled event's line. Unavailable if the file
  // cannot be created.
  static Result<RunLog> Open(const std::string& path, const StoreTraits& store) {
    RunLog log;
    log.path_ = path;
    if (path.empty()) return log;
    auto opened = OpenJsonlLog(path, /*write_each_line=*/store.durable);
    if (!opened.ok()) return opened.status();
    log.file_ = std::move(*opened);
    return log;
  }
  LogSink* sink() { return file_ ? file_.get() : memory_.get(); }
  // Every attempt written, as the verifier reads it: a file is closed and read back.
  Result<std::vector<AttemptRecord>> Records() {
    if (!file_) return memory_->Records();
    file_.reset();
    auto read = ReadEventLog(path_);
    if (!read.ok()) return read.status().Prefixed("reading back the log");
    return read;
  }

 private:
  std::string path_;
  std::unique_ptr<LogSink> file_;
  std::unique_ptr<MemoryLogSink> memory_ = std::make_unique<MemoryLogSink>();
};

// The verifier's options for a run that left `dead` dead letters.
VerifyOptions VerifyOptionsFor(const RunFacts& facts, const std::vector<DeadLetter>& dead,
                               const std::string& work, size_t workers) {
  VerifyOptions options;
  for (const DeadLetter& d : dead) options.dead_letter_ids.push_back(d.event.id);
  options.partial = facts.interrupted;
  options.workers = workers;
  if (work.rfind("sleep:", 0) == 0) options.unit = *ParseDuration(work.substr(6));
  return options;
}

// The page's title and notes for `strandq run --report`.
ReportInfo ReportInfoOf(const RunFacts& facts) {
  ReportInfo info;
  info.title = "strandq run: " + std::to_string(facts.events) + " events, " + facts.handler + ", " +
               std::to_string(facts.workers) + " slots";
  info.source = facts.log_path.empty() ? "log kept in memory" : "log " + facts.log_path;
  info.source += ", store " + facts.store_url + ", policy " + facts.policy;
  info.version = STRANDQ_VERSION;
  if (facts.stats.dead > 0) {
    info.notes.push_back("result: FAILED: " + std::to_string(facts.stats.dead) +
                         " event(s) dead-lettered");
  }
  if (facts.interrupted) {
    info.notes.push_back("interrupted: " + std::to_string(facts.stats.pending) +
                         " event(s) were not processed");
  }
  return info;
}

}  // namespace

RunCommand::RunCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("run", "Process a workload embedded, then verify the event log");
  workload_.Register(*app_, /*with_input=*/true);
  processing_.Register(*app_, "sleep:1s", "default: one per account, at most 4096");
  engine_.Register(*app_);
  app_->add_option("--report", report_path_,
                   "Also write the run as one self-contained HTML page (see strandq report)");
}

int RunCommand::Execute() {
  // Everything that can be wrong with the input is checked before anything is processed.
  if (Status s = processing_.CheckWorkers(*app_); !s.ok()) return Failed(s, kExitUsage);
  if (app_->count("--report") > 0) {
    if (Status s = CheckReportPath("--report", report_path_); !s.ok()) {
      return Failed(s, kExitUsage);
    }
  }
  auto engine = engine_.Resolve();
  if (!engine.ok()) return Failed(engine.status(), kExitUsage);
  auto handler = processing_.MakeHandler();
  if (!handler.ok()) return Failed(handler.status(), kExitUsage);
  auto workload = workload_.Load();
  if (!workload.ok()) return Failed(workload.status(), kExitUsage);
  auto store = OpenStore(engine_.store, *engine);
  if (!store.ok()) return Failed(store.status(), ExitCodeFor(store.status()));
  if (Status s = RequireEmpty(**store, engine_.store); !s.ok()) return Failed(s, ExitCodeFor(s));
  auto log = RunLog::Open(processing_.log_path, (*store)->Traits());
  if (!log.ok()) return Failed(log.status(), kExitUsage);

  RunFacts facts = StartFacts(*engine, *workload);
  const auto enqueue_start = std::chrono::steady_clock::now();
  if (Status s = EnqueueWorkload(**store, *workload); !s.ok()) {
    return Failed(s.Prefixed("enqueue"), ExitCodeFor(s));
  }
  facts.enqueue_time = std::chrono::steady_clock::now() - enqueue_start;
  if (Status s = Process(**store, **handler, *log->sink(), facts); !s.ok()) {
    return Failed(s.Prefixed("processing"), kExitFailed);
  }
  auto dead = (*store)->ListDead(SIZE_MAX);
  if (!dead.ok()) return Failed(dead.status().Prefixed("listing dead letters"), kExitFailed);
  auto records = log->Records();
  if (!records.ok()) return Failed(records.status(), kExitFailed);
  return Report(*engine, *workload, *dead, *records, facts);
}

RunFacts RunCommand::StartFacts(const EngineOptions& engine,
                                const std::vector<WorkloadEvent>& workload) const {
  RunFacts facts;
  facts.store_url = RedactedStoreUrl(engine_.store);  // the report must not show a password
  facts.policy = std::string(PolicyName(engine.policy));
  facts.handler = processing_.work;
  facts.workers = processing_.workers > 0
                      ? processing_.workers
                      : std::clamp<size_t>(CountAccounts(workload), 1, kMaxDefaultWorkers);
  facts.events = workload.size();
  facts.log_path = processing_.log_path;
  return facts;
}

Status RunCommand::Process(Store& store, Handler& handler, LogSink& log, RunFacts& facts) const {
  PoolOptions pool_options;
  pool_options.workers = facts.workers;
  processing_.ApplyTo(*app_, store.Traits(), pool_options);
  pool_options.stop_when_drained = true;
  WorkerPool pool(store, handler, &log, pool_options);
  Status ran;
  bool signalled = false;
  {
    SignalWatcher signals([&pool] { pool.Stop(); });
    ProgressLine progress(facts.events, [&pool] { return pool.Progress(); });
    ran = pool.Run();
    signalled = signals.signalled();
  }
  if (!ran.ok()) return ran;
  auto stats = store.Stats();
  if (stats.ok()) facts.stats = *stats;
  // A signal that came when everything was done already interrupted nothing.
  facts.interrupted = signalled && !(stats.ok() && stats->drained());
  return Status();
}

int RunCommand::Report(const EngineOptions& engine, const std::vector<WorkloadEvent>& workload,
                       const std::vector<DeadLetter>& dead,
                       const std::vector<AttemptRecord>& records, const RunFacts& facts) const {
  VerifyOptions verify_options = VerifyOptionsFor(facts, dead, processing_.work, facts.workers);
  // Events parked behind a dead letter (--on-dead park) are still in the store, not lost.
  const bool parked = engine.on_dead == OnDead::kPark && !dead.empty();
  const std::vector<WorkloadEvent> unparked =
      parked ? WithoutParked(workload, dead) : std::vector<WorkloadEvent>{};
  // An interrupted run did not process everything: check what it did, not what it skipped.
  if (!facts.interrupted) verify_options.input = parked ? &unparked : &workload;
  const VerifyReport report = Verify(records, verify_options);
  std::fputs(FormatRunReport(facts, report).c_str(), stdout);
  std::fflush(stdout);
  if (!report_path_.empty()) {
    if (Status s = WriteRunReport(report_path_, records, report, ReportInfoOf(facts)); !s.ok()) {
      return Failed(s.Prefixed("--report"), kExitFailed);
    }
    std::printf("report: %s\n", report_path_.c_str());
  }
  // A dead letter is an event that was not processed: the run failed, however it verified.
  if (!report.ok() || facts.stats.dead > 0) return kExitFailed;
  return facts.interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace strandq::cli
