// Copyright 2026 The strandq Authors.
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <exception>

#include "strandq/handler.h"

namespace strandq {

struct BlockingHandler::Impl {
  explicit Impl(size_t threads) : pool(threads == 0 ? 1 : threads) {}
  boost::asio::thread_pool pool;
};

BlockingHandler::BlockingHandler(size_t threads) : impl_(std::make_unique<Impl>(threads)) {}

BlockingHandler::~BlockingHandler() { impl_->pool.join(); }

// A cancelled Handle runs on (its Completion is ignored); `event` lives as long as `done`.
void BlockingHandler::Start(const Event& event, boost::asio::io_context& /*io*/, Completion done,
                            const Cancellation& /*cancel*/) {
  boost::asio::post(impl_->pool, [this, &event, done = std::move(done)] {
    Outcome outcome;
    try {
      outcome = Handle(event);
    } catch (const std::exception& e) {
      outcome = Outcome::Nack(std::string("handler threw: ") + e.what());
    } catch (...) {
      outcome = Outcome::Nack("handler threw a non-exception");
    }
    done(std::move(outcome));
  });
}

}  // namespace strandq
