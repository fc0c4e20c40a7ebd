// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "strandq/worker_pool.h"

namespace strandq::cli {

// Redraws one status line on stderr (done/total, events/s, in flight, ETA) a few times a
// second while alive, only when stderr is a terminal. The destructor erases the line.
class ProgressLine {
 public:
  ProgressLine(uint64_t total, std::function<PoolProgress()> progress);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  void Loop();
  void Draw(std::chrono::steady_clock::duration elapsed);

  const uint64_t total_;
  const std::function<PoolProgress()> progress_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace strandq::cli
