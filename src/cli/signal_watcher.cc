// Copyright 2026 The strandq Authors.
#include "cli/signal_watcher.h"

#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <thread>

namespace strandq::cli {

struct SignalWatcher::Impl {
  explicit Impl(std::function<void()> stop)
      : on_stop(std::move(stop)), signals(io, SIGINT, SIGTERM) {
    Wait();
    thread = std::thread([this] { io.run(); });
  }
  ~Impl() {
    io.stop();
    thread.join();
  }

  void Wait() {
    signals.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      if (fired.exchange(true)) {
        std::fprintf(stderr, "\nstrandq: second signal, exiting now\n");
        _exit(130);
      }
      std::fprintf(stderr, "\nstrandq: %s received: finishing events in flight (again to quit)\n",
                   signo == SIGINT ? "SIGINT" : "SIGTERM");
      on_stop();
      Wait();
    });
  }

  std::function<void()> on_stop;
  boost::asio::io_context io;
  boost::asio::signal_set signals;
  std::atomic<bool> fired{false};
  std::thread thread;
};

SignalWatcher::SignalWatcher(std::function<void()> on_stop)
    : impl_(std::make_unique<Impl>(std::move(on_stop))) {}

SignalWatcher::~SignalWatcher() = default;

bool SignalWatcher::signalled() const { return impl_->fired.load(); }

}  // namespace strandq::cli
