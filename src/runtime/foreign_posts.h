// Copyright 2026 The strandq Authors.
#pragma once

#include <condition_variable>
#include <mutex>

namespace strandq {

// Counts the posts to the I/O loop made from foreign threads that may still be inside
// asio::post, so that Run can wait (blocking) until the loop may be destroyed. Any thread.
class ForeignPosts {
 public:
  void Enter() {
    std::lock_guard lock(mu_);
    ++count_;
  }
  void Leave() {
    std::lock_guard lock(mu_);
    if (--count_ == 0) zero_.notify_all();
  }
  // Run's thread, after the I/O threads were joined.
  void WaitNone() {
    std::unique_lock lock(mu_);
    zero_.wait(lock, [&] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable zero_;
  int count_ = 0;  // guarded by mu_
};

}  // namespace strandq
