// Copyright 2026 The strandq Authors.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "strandq/event.h"
#include "strandq/handler.h"

namespace strandq {

// What a handler holds of an attempt of a pool's slot, shared by the slot (the ticker reads
// it) and the handler's Completion: the handler's copy of the event, its Cancellation, and a
// word, (generation << 1) | settled, that exactly one of the Completion, Start throwing and
// the timeout wins for each attempt. A Completion that loses it returns without touching the
// pool, so a late or repeated one is harmless even after the pool is gone. The slot reuses it
// for its next attempt (no allocation per event) unless it was abandoned (timed out, or Start
// threw): what the handler still runs may read it, so the slot takes a new one.
class HandlerAttempt {
 public:
  // The slot's path: `last` set up for attempt `generation` of `event` by slot `index`, or a
  // new one if `last` is null or abandoned. The last attempt's cancel callback is dropped.
  static std::shared_ptr<HandlerAttempt> Next(std::shared_ptr<HandlerAttempt> last,
                                              const Event& event, size_t index,
                                              uint64_t generation);

  // Any thread: true if this call settles attempt `generation` (its first).
  bool Settle(uint64_t generation) {
    uint64_t expected = generation << 1;
    return settled_.compare_exchange_strong(expected, expected | 1, std::memory_order_acq_rel);
  }
  // Any thread: the generation of the attempt running now, none if it is settled.
  std::optional<uint64_t> Running() const {
    const uint64_t word = settled_.load(std::memory_order_acquire);
    if ((word & 1) != 0) return std::nullopt;
    return word >> 1;
  }
  // The thread that settled the attempt without its Completion: the slot will not reuse it.
  void Abandon() { abandoned_.store(true, std::memory_order_release); }
  // The ticker, after winning Settle: abandons it and fires its Cancellation.
  static void TimeOut(const std::shared_ptr<HandlerAttempt>& attempt);

  const Event& event() const { return event_; }
  size_t index() const { return index_; }
  // The Cancellation handed to Start. Not owning (no reference count per event): like the
  // event, it is valid while the Completion, which owns the attempt, exists.
  Cancellation token() {
    return Cancellation(
        std::shared_ptr<Cancellation::State>(std::shared_ptr<Cancellation::State>(), &cancel_));
  }

 private:
  Event event_;  // the handler's copy
  size_t index_ = 0;
  std::atomic<uint64_t> settled_{0};
  std::atomic<bool> abandoned_{false};
  Cancellation::State cancel_;
};

}  // namespace strandq
