// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/cli_common.h"

namespace strandq::cli {

// `strandq generate --to FILE.csv|redis://...`: the producer. Writes the seed workload (or
// --input) to a CSV file ("-" for stdout), or enqueues it into a store in batches, each
// accepted whole or not at all, in workload order.
class GenerateCommand {
 public:
  explicit GenerateCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  CLI::App* app_;
  int ToStore();

  WorkloadFlags workload_;
  std::string to_;
  std::string policy_ = "longest";
  size_t batch_size_ = 1000;
};

}  // namespace strandq::cli
