// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/cli_common.h"

namespace strandq::cli {

// `strandq worker`: one worker process of a shared store. Runs W slots on the store until
// SIGINT/SIGTERM (then finishes what is in flight, exit 0) or, with --exit-when-drained, until
// the store has nothing ready, leased or delayed. Writes the event log line by line, so a
// killed worker loses no line it wrote.
class WorkerCommand {
 public:
  explicit WorkerCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  CLI::App* app_;
  EngineFlags engine_;
  ProcessingFlags processing_;
  std::string id_;
  bool exit_when_drained_ = false;
};

}  // namespace strandq::cli
