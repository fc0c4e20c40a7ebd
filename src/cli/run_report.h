// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <string>

#include "strandq/store.h"
#include "strandq/verifier.h"

namespace strandq::cli {

// What `strandq run` knows beyond the log.
struct RunFacts {
  std::string store_url;
  std::string policy;
  std::string handler;
  size_t workers = 0;
  size_t events = 0;
  std::chrono::nanoseconds enqueue_time{0};
  StoreStats stats;
  bool interrupted = false;
  std::string log_path;  // empty when the log was kept in memory
};

// The final report: the run's facts, then the verifier's figures and verdict.
std::string FormatRunReport(const RunFacts& facts, const VerifyReport& report);

}  // namespace strandq::cli
