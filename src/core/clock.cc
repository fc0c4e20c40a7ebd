// Copyright 2026 The strandq Authors.
#include "strandq/clock.h"

#include <chrono>
#include <ctime>

namespace strandq {
namespace {

class RealClock final : public Clock {
 public:
  int64_t MonotonicNs() override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  int64_t WallNs() override {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  }
};

}  // namespace

Clock* SystemClock() {
  static RealClock clock;  // stateless; never destroyed before its users matter
  return &clock;
}

}  // namespace strandq
