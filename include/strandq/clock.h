// Copyright 2026 The strandq Authors.
#pragma once

#include <atomic>
#include <cstdint>

namespace strandq {

// Clock is the source of time for leases, retry delays and log timestamps, injectable like
// leveldb's Env so tests can step time by hand. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic nanoseconds: lease deadlines and retry delays.
  virtual int64_t MonotonicNs() = 0;
  // CLOCK_REALTIME nanoseconds: the `*_ns` fields of events and the event log.
  virtual int64_t WallNs() = 0;
};

// The process-wide real clock (steady_clock and CLOCK_REALTIME). Never null; not owned.
Clock* SystemClock();

// A clock that moves only when told to. Both readings advance together. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ns = 1'000'000'000) : now_(start_ns) {}
  int64_t MonotonicNs() override { return now_.load(); }
  int64_t WallNs() override { return now_.load(); }
  void Advance(int64_t ns) { now_.fetch_add(ns); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace strandq
