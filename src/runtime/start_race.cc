// Copyright 2026 The strandq Authors.
#include "runtime/start_race.h"

#include <cassert>
#include <utility>

namespace strandq {

void StartRace::Begin(uint64_t generation) {
  early_.reset();
  state_.store(State(generation, kStarting), std::memory_order_release);
}

std::optional<Outcome> StartRace::StartReturned(uint64_t generation,
                                                std::optional<Outcome> thrown) {
  uint64_t expected = State(generation, kStarting);
  if (!thrown && state_.compare_exchange_strong(expected, State(generation, kRunning),
                                                std::memory_order_acq_rel)) {
    return std::nullopt;
  }
  // Settled here: the Completion ran inside Start, or Start threw (then a Completion that ran
  // or runs later is ignored). Wait for a Completion storing its outcome on another thread.
  state_.wait(State(generation, kEarlyWriting), std::memory_order_acquire);
  const bool done_early =
      state_.exchange(State(generation, kFinishing), std::memory_order_acq_rel) ==
      State(generation, kDoneEarly);
  if (thrown) return thrown;
  assert(done_early);
  (void)done_early;
  return std::move(early_);
}

std::optional<Outcome> StartRace::Completed(uint64_t generation, Outcome outcome) {
  uint64_t expected = State(generation, kStarting);
  if (state_.compare_exchange_strong(expected, State(generation, kEarlyWriting),
                                     std::memory_order_acq_rel)) {
    early_ = std::move(outcome);
    state_.store(State(generation, kDoneEarly), std::memory_order_release);
    state_.notify_all();  // the slot's thread may be waiting for it
    return std::nullopt;  // the slot's thread takes it when Start returns
  }
  expected = State(generation, kRunning);
  if (!state_.compare_exchange_strong(expected, State(generation, kFinishing),
                                      std::memory_order_acq_rel)) {
    return std::nullopt;  // called twice, or after Start threw: settled already
  }
  return outcome;
}

}  // namespace strandq
