// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>

namespace strandq {

// A small, fast, seedable PRNG (xoshiro256** seeded through splitmix64) whose output is the
// same on every platform, unlike std::uniform_int_distribution. Written by hand because the
// seed workload must be reproducible bit for bit across standard libraries. Not thread-safe:
// use one per thread.
class Random {
 public:
  explicit Random(uint64_t seed);

  uint64_t Next();
  // Uniform in [0, bound); bound > 0. Unbiased (Lemire's method).
  uint64_t Uniform(uint64_t bound);
  // Uniform in [lo, hi]; lo <= hi.
  uint64_t Range(uint64_t lo, uint64_t hi) { return lo + Uniform(hi - lo + 1); }
  // Uniform in [0, 1).
  double NextDouble();

 private:
  uint64_t s_[4];
};

// A seed from the OS entropy source, for "random" (seed 0) settings.
uint64_t RandomSeed();

}  // namespace strandq
