// Copyright 2026 The strandq Authors.
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "runtime/shipped_handlers.h"
#include "util/random.h"

namespace strandq {
namespace {

const char kInjectedFailure[] = "injected failure (--fail-rate)";

class SleepHandler final : public Handler {
 public:
  SleepHandler(std::chrono::nanoseconds duration, FailureInjector fail)
      : duration_(duration), fail_(fail) {}

  // A cancelled sleep runs out its timer; its Completion is then ignored.
  void Start(const Event& /*event*/, boost::asio::io_context& io, Completion done,
             const Cancellation& /*cancel*/) override {
    auto timer = std::make_unique<boost::asio::steady_timer>(io, duration_);
    auto* raw = timer.get();
    raw->async_wait(
        [this, timer = std::move(timer), done = std::move(done)](const boost::system::error_code&) {
          done(fail_.ShouldFail() ? Outcome::Nack(kInjectedFailure) : Outcome::Ack());
        });
  }

 private:
  const std::chrono::nanoseconds duration_;
  const FailureInjector fail_;
};

class NoopHandler final : public Handler {
 public:
  explicit NoopHandler(FailureInjector fail) : fail_(fail) {}
  void Start(const Event& /*event*/, boost::asio::io_context& /*io*/, Completion done,
             const Cancellation& /*cancel*/) override {
    done(fail_.ShouldFail() ? Outcome::Nack(kInjectedFailure) : Outcome::Ack());
  }

 private:
  const FailureInjector fail_;
};

}  // namespace

bool FailureInjector::ShouldFail() const {
  if (rate_ <= 0.0) return false;
  if (rate_ >= 1.0) return true;
  static std::atomic<uint64_t> next_stream{0};
  thread_local uint64_t stream = next_stream.fetch_add(1);
  thread_local Random random(seed_ == 0 ? RandomSeed() : seed_ + stream);
  return random.NextDouble() < rate_;
}

std::unique_ptr<Handler> NewSleepHandler(std::chrono::nanoseconds duration, FailureInjector fail) {
  return std::make_unique<SleepHandler>(duration, fail);
}

std::unique_ptr<Handler> NewNoopHandler(FailureInjector fail) {
  return std::make_unique<NoopHandler>(fail);
}

}  // namespace strandq
