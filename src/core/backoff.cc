// Copyright 2026 The strandq Authors.
#include "core/backoff.h"

#include <algorithm>

namespace strandq {

Backoff::Backoff(std::chrono::nanoseconds base, std::chrono::nanoseconds max)
    : base_ns_(std::max<int64_t>(0, base.count())),
      max_ns_(std::max<int64_t>(base_ns_, max.count())) {}

std::chrono::nanoseconds Backoff::Ceiling(uint32_t failures) const {
  if (failures == 0 || base_ns_ == 0) return std::chrono::nanoseconds(0);
  const uint32_t shift = failures - 1;
  // base * 2^shift > max  <=>  base > max >> shift (for shift < 63): no overflow either way.
  if (shift >= 63 || base_ns_ > (max_ns_ >> shift)) return std::chrono::nanoseconds(max_ns_);
  return std::chrono::nanoseconds(base_ns_ << shift);
}

std::chrono::nanoseconds Backoff::Delay(uint32_t failures, Random& random) const {
  const int64_t ceiling = Ceiling(failures).count();
  if (ceiling == 0) return std::chrono::nanoseconds(0);
  // Uniform in [ceiling - half, ceiling] = [ceil(ceiling / 2), ceiling].
  const int64_t half = ceiling / 2;
  const auto jitter = static_cast<int64_t>(random.Uniform(static_cast<uint64_t>(half) + 1));
  return std::chrono::nanoseconds(ceiling - half + jitter);
}

std::chrono::nanoseconds Backoff::Delay(uint32_t failures, uint64_t draw) const {
  const int64_t ceiling = Ceiling(failures).count();
  if (ceiling == 0) return std::chrono::nanoseconds(0);
  const int64_t half = ceiling / 2;
  // floor(draw * (half + 1) / 2^64): uniform in [0, half] for a uniform draw.
  const auto jitter = static_cast<int64_t>(
      (static_cast<unsigned __int128>(draw) * (static_cast<uint64_t>(half) + 1)) >> 64);
  return std::chrono::nanoseconds(ceiling - half + jitter);
}

uint64_t JitterDraw(uint64_t seed, uint64_t event_id, uint32_t attempt) {
  // splitmix64's finalizer over the three, mixed in turn.
  uint64_t z = seed;
  for (uint64_t part : {event_id, uint64_t{attempt}}) {
    z += part + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
  }
  return z;
}

}  // namespace strandq
