// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstdint>

#include "util/random.h"

namespace strandq {

// Backoff computes retry delays: after the n-th failed attempt (n >= 1) the delay is
// min(base * 2^(n-1), max), multiplied by a jitter factor drawn uniformly from [0.5, 1.0].
// The result depends only on the arguments and the state of the Random passed in, so a seeded
// Random gives reproducible delays. Never overflows. Immutable, so thread-safe; the Random is
// the caller's to guard.
class Backoff {
 public:
  // base >= 0 and max >= base; negative values count as zero.
  Backoff(std::chrono::nanoseconds base, std::chrono::nanoseconds max);

  // The delay before the attempt after the `failures`-th failed one, without jitter.
  // Zero for failures == 0.
  std::chrono::nanoseconds Ceiling(uint32_t failures) const;

  // Ceiling(failures) times a random factor in [0.5, 1.0] (exact integer arithmetic).
  std::chrono::nanoseconds Delay(uint32_t failures, Random& random) const;

 private:
  int64_t base_ns_;
  int64_t max_ns_;
};

}  // namespace strandq
