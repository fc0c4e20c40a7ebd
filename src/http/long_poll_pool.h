// Copyright 2026 The strandq Authors.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace strandq::http {

// DESIGN
// Runs the blocking half of long-polls (Store::Claim with a wait) on threads of its own, so that
// the server's I/O threads never block on an empty store. At most `max_jobs` jobs are admitted
// at once (queued or running); TrySubmit refuses more, and the caller answers 503. Threads are
// started as jobs need them, up to `max_jobs`, and stay until Stop.
//
// Stop requests the stop token every job was given (a Claim returns at once), runs the jobs
// still queued (with that token already stopped, so that each answers its client) and joins the
// threads. Thread safety: every method may be called from any thread; Stop is idempotent and
// must not be called from a job.
class LongPollPool {
 public:
  using Job = std::function<void(std::stop_token)>;

  explicit LongPollPool(size_t max_jobs);
  ~LongPollPool();
  LongPollPool(const LongPollPool&) = delete;
  LongPollPool& operator=(const LongPollPool&) = delete;

  // False when max_jobs are admitted already or the pool is stopped: `job` is not run.
  bool TrySubmit(Job job);
  void Stop();
  size_t max_jobs() const { return max_jobs_; }
  bool stopped() const { return stop_.stop_requested(); }

 private:
  void Loop();

  const size_t max_jobs_;
  std::stop_source stop_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;             // guarded by mu_
  size_t admitted_ = 0;               // queued or running; guarded by mu_
  size_t idle_ = 0;                   // threads waiting for a job; guarded by mu_
  bool stopped_ = false;              // guarded by mu_
  std::vector<std::thread> threads_;  // guarded by mu_ until Stop joins them
};

}  // namespace strandq::http
