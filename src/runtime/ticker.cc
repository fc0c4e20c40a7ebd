// Copyright 2026 The strandq Authors.
#include "runtime/ticker.h"

#include <algorithm>
#include <utility>

namespace strandq {

std::chrono::nanoseconds Ticker::PeriodFor(std::chrono::nanoseconds lease_ttl,
                                           std::chrono::nanoseconds handler_timeout) {
  auto period = lease_ttl / 6;
  if (handler_timeout.count() > 0) period = std::min(period, handler_timeout / 8);
  return std::max<std::chrono::nanoseconds>(period, std::chrono::microseconds(100));
}

void Ticker::Start(std::chrono::nanoseconds period, std::function<void()> tick) {
  tick_ = std::move(tick);
  thread_ = std::thread([this, period] { Loop(period); });
}

void Ticker::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Ticker::Loop(std::chrono::nanoseconds period) {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, period, [&] { return stop_; })) {
    lock.unlock();
    tick_();
    lock.lock();
  }
}

}  // namespace strandq
