// Copyright 2026 The strandq Authors.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "strandq/store.h"

namespace strandq {

// Settles, for the attempts of one slot (one at a time, numbered by `generation`), the race
// between a handler's Start returning and its Completion running. A Completion that runs while
// Start is on the stack (on any thread) only leaves its outcome for the slot's thread, which
// finishes the attempt once Start returned (a handler that completes inline is looped over,
// not recursed into); one that runs after Start returned finishes the attempt on its own
// thread; a second call, or one after Start threw, is ignored, and a late one can never touch
// a later attempt. The state is one word, (generation << 3) | phase. No spinning: the slot's
// thread waits (std::atomic::wait) only for a Completion that is storing its outcome.
class StartRace {
 public:
  // The slot's thread, before Start of attempt `generation` (which grows with each attempt).
  void Begin(uint64_t generation);
  // The slot's thread, once Start returned, or threw (`thrown`: the outcome to finish with).
  // Returns the outcome to finish the attempt with now: `thrown`, or the Completion's if it ran
  // inside Start; nullopt if the Completion has not run (it will finish the attempt).
  std::optional<Outcome> StartReturned(uint64_t generation, std::optional<Outcome> thrown);
  // Any thread: the Completion of attempt `generation`. Returns the outcome if the caller
  // must finish the attempt (Start had returned); nullopt if it was left for the slot's
  // thread or the call is ignored.
  std::optional<Outcome> Completed(uint64_t generation, Outcome outcome);

 private:
  enum Phase : uint64_t {
    kStarting = 0,      // Start is on the stack
    kRunning = 1,       // Start returned; the Completion has not run
    kEarlyWriting = 2,  // the Completion runs inside Start and is storing its outcome
    kDoneEarly = 3,     // ... and has stored it
    kFinishing = 4,     // settled: later calls of this attempt's Completion are ignored
  };
  static constexpr uint64_t State(uint64_t generation, Phase phase) {
    return generation << 3 | phase;
  }

  std::atomic<uint64_t> state_{State(0, kFinishing)};
  std::optional<Outcome> early_;  // written in kEarlyWriting, read after kDoneEarly
};

}  // namespace strandq
