// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace strandq {

// A thread of its own that calls `tick` every `period` (real time) until Stop or destruction,
// for the pool's lease extensions and handler timeouts: not a timer on the I/O loop, so that
// a loop saturated by handlers cannot starve it. `tick` runs on the ticker thread only, never
// twice at once, and not after Stop returned. Start, Stop and the destructor: one owner thread.
class Ticker {
 public:
  Ticker() = default;
  ~Ticker() { Stop(); }
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  // The period of a pool's ticker: lease_ttl / 6 (a lease is extended every lease_ttl / 3),
  // and at most handler_timeout / 8 when that is set (> 0); at least 100 us.
  static std::chrono::nanoseconds PeriodFor(std::chrono::nanoseconds lease_ttl,
                                            std::chrono::nanoseconds handler_timeout);

  // Owner thread: starts the thread. Once per Ticker.
  void Start(std::chrono::nanoseconds period, std::function<void()> tick);
  // Owner thread: wakes the thread from its wait and joins it (a tick running is finished).
  void Stop();

 private:
  void Loop(std::chrono::nanoseconds period);

  std::function<void()> tick_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace strandq
