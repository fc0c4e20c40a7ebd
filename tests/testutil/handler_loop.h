// Copyright 2026 The strandq Authors.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "strandq/handler.h"

namespace strandq::testing {

// An I/O loop run by two threads, on which a handler test starts attempts and collects their
// outcomes in the order they complete. Handlers must be destroyed before it (make them locals
// of the test body and this a member of the fixture). Any thread may call it.
class HandlerLoop {
 public:
  HandlerLoop() : guard_(io_.get_executor()) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~HandlerLoop() {
    guard_.reset();
    for (auto& t : threads_) t.join();
  }
  HandlerLoop(const HandlerLoop&) = delete;
  HandlerLoop& operator=(const HandlerLoop&) = delete;

  // Starts an attempt of `event` (which must outlive it) on the loop.
  void Start(Handler& handler, const Event& event, const Cancellation& cancel = {}) {
    handler.Start(
        event, io_,
        [this](Outcome o) {
          std::lock_guard lock(mu_);
          outcomes_.push_back(std::move(o));
          cv_.notify_all();
        },
        cancel);
  }

  // Waits for `n` outcomes in all (at most 60 s, then a test failure); returns every outcome.
  std::vector<Outcome> WaitFor(size_t n) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(60), [&] { return outcomes_.size() >= n; })) {
      ADD_FAILURE() << "timed out waiting for " << n << " outcomes";
    }
    return outcomes_;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Outcome> outcomes_;  // guarded by mu_
};

}  // namespace strandq::testing
