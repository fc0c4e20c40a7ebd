// Copyright 2026 The strandq Authors.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>

namespace strandq {

// A fault injected for the crash tests: with STRANDQ_FAILPOINT_KILL_AFTER_SETTLE=N in the
// environment, the process sends itself SIGKILL right after its N-th store call that settled
// attempts returned, before their final log lines are written: the worst moment for the log.
// Unset (always, outside tests): one relaxed load per store call. Thread-safe.
class CrashFailpoint {
 public:
  CrashFailpoint() {
    const char* n = std::getenv("STRANDQ_FAILPOINT_KILL_AFTER_SETTLE");
    if (n != nullptr) kill_after_ = std::strtoull(n, nullptr, 10);
  }
  void AfterSettle() {
    if (kill_after_ != 0 && settled_.fetch_add(1, std::memory_order_relaxed) + 1 == kill_after_) {
      ::kill(::getpid(), SIGKILL);
    }
  }

 private:
  uint64_t kill_after_ = 0;  // 0: never
  std::atomic<uint64_t> settled_{0};
};

}  // namespace strandq
