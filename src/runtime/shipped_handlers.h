// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "strandq/handler.h"

namespace strandq {

// Draws the injected failures of --fail-rate. Thread-safe (one generator per thread).
class FailureInjector {
 public:
  FailureInjector(double rate, uint64_t seed) : rate_(rate), seed_(seed) {}
  // True with probability `rate`.
  bool ShouldFail() const;

 private:
  double rate_;
  uint64_t seed_;
};

// sleep:DURATION — the 1 s emulation. One asio timer per event, no thread per event.
std::unique_ptr<Handler> NewSleepHandler(std::chrono::nanoseconds duration, FailureInjector fail);

// noop — completes inside Start.
std::unique_ptr<Handler> NewNoopHandler(FailureInjector fail);

// exec:COMMAND — `/bin/sh -c COMMAND` per event, on the pool's I/O loop; a cancelled child's
// process group gets SIGTERM, then SIGKILL `kill_grace` later.
std::unique_ptr<Handler> NewExecHandler(std::string command, std::chrono::nanoseconds kill_grace);

}  // namespace strandq
