// Copyright 2026 The strandq Authors.
#include "cli/progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace strandq::cli {

ProgressLine::ProgressLine(uint64_t total, std::function<PoolProgress()> progress)
    : total_(total), progress_(std::move(progress)) {
  if (isatty(STDERR_FILENO)) thread_ = std::thread([this] { Loop(); });
}

ProgressLine::~ProgressLine() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

void ProgressLine::Loop() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stop_; })) {
    Draw(std::chrono::steady_clock::now() - started_);
  }
}

void ProgressLine::Draw(std::chrono::steady_clock::duration elapsed) {
  const PoolProgress p = progress_();
  const uint64_t done = p.acked + p.dead;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const double rate = seconds > 0 ? done / seconds : 0.0;
  char eta[32] = "--";
  if (rate > 0 && done <= total_) {
    std::snprintf(eta, sizeof eta, "%.0fs", (total_ - done) / rate);
  }
  std::fprintf(stderr, "\r\033[K%llu/%llu done  %.0f ev/s  %llu in flight  %llu retried  ETA %s",
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), rate,
               static_cast<unsigned long long>(p.in_flight),
               static_cast<unsigned long long>(p.nacked), eta);
  std::fflush(stderr);
}

}  // namespace strandq::cli
