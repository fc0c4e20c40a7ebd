// Copyright 2026 The strandq Authors.
#include "runtime/handler_attempt.h"

#include <mutex>
#include <utility>

namespace strandq {

std::shared_ptr<HandlerAttempt> HandlerAttempt::Next(std::shared_ptr<HandlerAttempt> last,
                                                     const Event& event, size_t index,
                                                     uint64_t generation) {
  std::shared_ptr<HandlerAttempt> attempt = std::move(last);
  if (attempt == nullptr || attempt->abandoned_.load(std::memory_order_acquire)) {
    attempt = std::make_shared<HandlerAttempt>();
  }
  Cancellation::State& cancel = attempt->cancel_;
  if (cancel.on_cancel_set.load(std::memory_order_acquire)) {
    std::lock_guard lock(cancel.mu);  // the last attempt's callback must not fire
    cancel.on_cancel = nullptr;
    cancel.on_cancel_set.store(false, std::memory_order_relaxed);
  }
  attempt->event_ = event;
  attempt->index_ = index;
  attempt->settled_.store(generation << 1, std::memory_order_release);
  return attempt;
}

void HandlerAttempt::TimeOut(const std::shared_ptr<HandlerAttempt>& attempt) {
  attempt->Abandon();
  CancellationSource(std::shared_ptr<Cancellation::State>(attempt, &attempt->cancel_)).Cancel();
}

}  // namespace strandq
