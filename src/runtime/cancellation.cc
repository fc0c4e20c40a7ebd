// Copyright 2026 The strandq Authors.
#include <utility>

#include "strandq/handler.h"

namespace strandq {

bool Cancellation::cancelled() const {
  return state_ != nullptr && state_->cancelled.load(std::memory_order_acquire);
}

void Cancellation::OnCancel(std::function<void()> fn) const {
  if (state_ == nullptr) return;
  {
    std::lock_guard lock(state_->mu);
    if (!state_->cancelled.load(std::memory_order_acquire)) {
      state_->on_cancel = std::move(fn);
      state_->on_cancel_set.store(true, std::memory_order_release);
      return;
    }
  }
  fn();
}

bool CancellationSource::Cancel() {
  std::function<void()> fn;
  {
    std::lock_guard lock(state_->mu);
    if (state_->cancelled.exchange(true, std::memory_order_acq_rel)) return false;
    fn = std::move(state_->on_cancel);
  }
  if (fn) fn();
  return true;
}

}  // namespace strandq
