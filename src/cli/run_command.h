// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/cli_common.h"

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
  CLI::App* app_;
  EngineFlags engine_;
  WorkloadFlags workload_;
  ProcessingFlags processing_;
};

}  // namespace strandq::cli
