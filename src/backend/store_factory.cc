// Copyright 2026 The strandq Authors.
#include <chrono>
#include <ctime>
#include <string>

#include "strandq/clock.h"
#include "strandq/store.h"

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

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const EngineOptions& options,
                                         Clock* clock) {
  if (url == "mem:" || url == "mem") {
    Status s = ValidateEngineOptions(options);
    if (!s.ok()) return s;
    return NewMemoryStore(options, clock);
  }
  return Status::InvalidArgument("unknown store URL '" + std::string(url) +
                                 "': expected mem: or redis://host:port");
}

}  // namespace strandq
