// Copyright 2026 The strandq Authors.
#include "http/long_poll_pool.h"

namespace strandq::http {

LongPollPool::LongPollPool(size_t max_jobs) : max_jobs_(max_jobs) {}

LongPollPool::~LongPollPool() { Stop(); }

bool LongPollPool::TrySubmit(Job job) {
  std::lock_guard lock(mu_);
  if (stopped_ || admitted_ >= max_jobs_) return false;
  ++admitted_;
  queue_.push_back(std::move(job));
  if (idle_ == 0 && threads_.size() < max_jobs_) {
    threads_.emplace_back([this] { Loop(); });
  } else {
    cv_.notify_one();
  }
  return true;
}

void LongPollPool::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    ++idle_;
    cv_.wait(lock, [this] { return !queue_.empty() || stopped_; });
    --idle_;
    if (queue_.empty()) return;  // stopped, nothing left to answer
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    job(stop_.get_token());
    job = nullptr;  // what it holds goes before the count does
    lock.lock();
    --admitted_;
  }
}

void LongPollPool::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    threads.swap(threads_);
  }
  stop_.request_stop();
  cv_.notify_all();
  for (std::thread& t : threads) t.join();
}

}  // namespace strandq::http
