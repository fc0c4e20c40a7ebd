// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/cli_common.h"

namespace strandq::cli {

// `strandq generate --to FILE.csv`: the producer. Writes the seed workload to a CSV file
// ("-" for stdout).
class GenerateCommand {
 public:
  explicit GenerateCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  CLI::App* app_;
  WorkloadFlags workload_;
  std::string to_;
};

}  // namespace strandq::cli
