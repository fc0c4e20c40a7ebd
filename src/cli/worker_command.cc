// Copyright 2026 The strandq Authors.
#include "cli/worker_command.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/signal_watcher.h"
#include "strandq/event_log.h"
#include "strandq/store.h"
#include "strandq/worker_pool.h"

namespace strandq::cli {
namespace {

constexpr size_t kDefaultWorkers = 100;

}  // namespace

WorkerCommand::WorkerCommand(CLI::App& parent) {
  app_ = parent.add_subcommand(
      "worker", "Process the events of a store that outlives it (redis://... or sqlite:PATH)");
  processing_.Register(*app_, "sleep:1s", "default: 100");
  engine_.Register(*app_);
  app_->add_option("--id", id_, "Worker name in the log's worker field (default: HOST:PID)");
  app_->add_flag("--exit-when-drained", exit_when_drained_,
                 "Exit once nothing is ready, leased or delayed (start it after the producer)");
}

int WorkerCommand::Execute() {
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
  auto store = OpenStore(engine_.store, *engine);
  if (!store.ok()) {
    PrintError(store.status());
    return ExitCodeFor(store.status());
  }
  WarnOfDeadAtOpen(engine_.store, (*store)->Traits());
  if (!(*store)->Traits().durable) {
    PrintError(Status::InvalidArgument(
        "a worker needs a store that outlives it: --store redis://host:port (shared by many "
        "workers) or --store sqlite:PATH (owned by this worker while it runs); mem: lives in "
        "one process: use strandq run or serve for it"));
    return kExitUsage;
  }
  auto log = processing_.OpenLineLog();
  if (!log.ok()) {
    PrintError(log.status());
    return kExitUsage;
  }

  PoolOptions options;
  options.workers = processing_.workers > 0 ? processing_.workers : kDefaultWorkers;
  processing_.ApplyTo(*app_, (*store)->Traits(), options);
  options.worker_id = id_.empty() ? DefaultWorkerId() : id_;
  options.stop_when_drained = exit_when_drained_;
  std::fprintf(stderr,
               "strandq worker %s: %zu slots (%zu store calls, lookahead %zu) on %s, handler %s\n",
               options.worker_id.c_str(), options.workers, options.store_threads, options.lookahead,
               RedactedStoreUrl(engine_.store).c_str(), processing_.work.c_str());

  const auto started = std::chrono::steady_clock::now();
  WorkerPool pool(**store, **handler, log->get(), options);
  Status ran;
  {
    SignalWatcher signals([&pool] { pool.Stop(); });
    ran = pool.Run();
  }
  const PoolProgress done = pool.Progress();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("worker %s: acked %llu, nacked %llu, dead %llu, lost %llu in %.3f s\n",
              options.worker_id.c_str(), static_cast<unsigned long long>(done.acked),
              static_cast<unsigned long long>(done.nacked),
              static_cast<unsigned long long>(done.dead),
              static_cast<unsigned long long>(done.lost), seconds);
  std::fflush(stdout);
  if (!ran.ok()) {
    PrintError(ran.Prefixed("worker"));
    return kExitFailed;
  }
  // A worker that ran the queue to its end failed if it dead-lettered events. (A lost lease
  // is not a lost event: the store delivers it again, to this worker or another.)
  if (exit_when_drained_ && done.dead > 0) {
    std::fprintf(stderr,
                 "strandq: error: worker %s dead-lettered %llu events: strandq dlq list --store "
                 "%s shows them and their last errors\n",
                 options.worker_id.c_str(), static_cast<unsigned long long>(done.dead),
                 RedactedStoreUrl(engine_.store).c_str());
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace strandq::cli
