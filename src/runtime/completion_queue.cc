// Copyright 2026 The strandq Authors.
#include "runtime/completion_queue.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace strandq {

CompletionQueue::CompletionQueue(size_t max_drainers, size_t max_batch)
    : max_drainers_(std::max<size_t>(1, max_drainers)),
      max_batch_(std::max<size_t>(1, max_batch)) {}

bool CompletionQueue::Push(FinishedAttempt attempt) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(attempt));
  if (drainers_ >= max_drainers_) return false;  // a running drainer takes it next
  ++drainers_;
  return true;
}

std::vector<FinishedAttempt> CompletionQueue::TakeBatch() {
  std::vector<FinishedAttempt> batch;
  std::lock_guard lock(mu_);
  const size_t n = std::min(queue_.size(), max_batch_);
  if (n == 0) {
    --drainers_;
    return batch;
  }
  const auto end = queue_.begin() + static_cast<std::ptrdiff_t>(n);
  batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
  queue_.erase(queue_.begin(), end);
  return batch;
}

}  // namespace strandq
