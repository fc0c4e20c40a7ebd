// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "cli/run_report.h"

namespace strandq::cli {

// `strandq run`: the main job, embedded. Loads or generates a workload, enqueues it, processes
// it with W slots until the store is drained, writes the event log, prints the report and
// verifies the log against the workload.
class RunCommand {
 public:
  explicit RunCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  // The report's facts known before processing: the store, policy, handler, slots, events.
  RunFacts StartFacts(const EngineOptions& engine,
                      const std::vector<WorkloadEvent>& workload) const;
  // Runs facts.workers slots on `store` until it is drained or a signal stops them; records
  // the store's stats and whether the run was interrupted in `facts`. The pool's error.
  Status Process(Store& store, Handler& handler, LogSink& log, RunFacts& facts) const;
  // Verifies `records` against the workload, prints the report; returns the exit code.
  int Report(const EngineOptions& engine, const std::vector<WorkloadEvent>& workload,
             const std::vector<DeadLetter>& dead, const std::vector<AttemptRecord>& records,
             const RunFacts& facts) const;

  CLI::App* app_;
  EngineFlags engine_;
  WorkloadFlags workload_;
  ProcessingFlags processing_;
  std::string report_path_;  // --report: the run's page, written after the report
};

}  // namespace strandq::cli
