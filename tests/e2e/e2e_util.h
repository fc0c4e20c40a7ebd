// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "testutil/subprocess.h"

// What every end-to-end test needs of the real binary: its path comes from STRANDQ_BINARY,
// which tests/CMakeLists.txt defines for each e2e target.
namespace strandq {

// Runs `strandq ARGS...` to completion (killed after `timeout`).
inline testing::ProcessResult RunStrandq(std::vector<std::string> args,
                                         std::chrono::milliseconds timeout) {
  args.insert(args.begin(), STRANDQ_BINARY);
  return testing::RunProcess(args, timeout);
}

// Runs `strandq ARGS...` to completion; a hung command is killed after `timeout`.
inline testing::ProcessResult Strandq(
    std::vector<std::string> args, std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
  return RunStrandq(std::move(args), timeout);
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace strandq
