// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstdint>

#include "strandq/options.h"

namespace strandq::testing {

// Engine options for store tests: a long lease (10 s) and no retry delay, so a nacked event is
// ready again at once and only an explicit clock step expires a lease.
inline EngineOptions NoBackoffOptions(uint32_t max_attempts = 5) {
  EngineOptions options;
  options.lease_ttl = std::chrono::seconds(10);
  options.max_attempts = max_attempts;
  options.retry_backoff = std::chrono::nanoseconds(0);
  options.retry_backoff_max = std::chrono::nanoseconds(0);
  return options;
}

}  // namespace strandq::testing
