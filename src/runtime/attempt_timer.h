// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace strandq {

// Decides which running attempts of a pool's slots ran for `timeout` or more. An attempt is
// timed from the first time it is seen running (no clock read per attempt on the hot path), so
// with checks every `period` it is found between `timeout` and `timeout` + 2 periods after its
// start. Time is an argument (monotonic ns). Not thread-safe: the ticker thread only.
class AttemptTimer {
 public:
  AttemptTimer(size_t slots, int64_t timeout_ns) : timeout_ns_(timeout_ns), seen_(slots) {}

  // Slot `slot` runs attempt `generation` at `now`: true if it has run for the timeout.
  bool Expired(size_t slot, uint64_t generation, int64_t now) {
    auto& [seen_generation, since] = seen_[slot];
    if (seen_generation != generation) {
      seen_[slot] = {generation, now};
      return false;
    }
    return now - since >= timeout_ns_;
  }

 private:
  const int64_t timeout_ns_;
  std::vector<std::pair<uint64_t, int64_t>> seen_;  // per slot: generation, first seen at
};

}  // namespace strandq
