// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/cli_common.h"

namespace strandq::cli {

// `strandq generate --to FILE.csv|redis://...|http://HOST:PORT`: the producer. Writes the seed
// workload (or --input) to a CSV file ("-" for stdout), enqueues it into a store in batches,
// each accepted whole or not at all, in workload order, or posts it to `strandq serve` over
// --concurrency connections in --batch-size requests, each account's events in order.
class GenerateCommand {
 public:
  explicit GenerateCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  enum class Target { kFile, kStdout, kStore, kHttp };
  // What --to names. InvalidArgument (with the destinations strandq knows) for mem:, and for
  // anything that looks like a URL of another scheme (`redis:HOST:PORT`, `https://...`).
  static Result<Target> ParseTarget(const std::string& to);
  int ToStore();
  int Post(const std::vector<WorkloadEvent>& events);

  CLI::App* app_;
  WorkloadFlags workload_;
  std::string to_;
  std::string policy_ = "longest";
  size_t batch_size_ = 1000;  // stores; HTTP's default is kHttpBatchSize
  size_t concurrency_ = 4;
  std::string token_;
};

}  // namespace strandq::cli
