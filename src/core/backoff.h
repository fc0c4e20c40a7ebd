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
  // The same, with the factor taken from `draw` (any 64-bit value, uniform over its range),
  // such as JitterDraw's.
  std::chrono::nanoseconds Delay(uint32_t failures, uint64_t draw) const;

 private:
  int64_t base_ns_;
  int64_t max_ns_;
};

// The jitter draw of the retry after the `attempt`-th attempt of event `event_id`, for a store
// whose jitter seed is `seed`: a hash of the three, so the delay depends on nothing else (not
// on which other events failed before), and two stores with one seed draw the same delays.
uint64_t JitterDraw(uint64_t seed, uint64_t event_id, uint32_t attempt);

}  // namespace strandq
