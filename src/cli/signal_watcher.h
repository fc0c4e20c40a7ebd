// Copyright 2026 The strandq Authors.
#pragma once

#include <functional>
#include <memory>

namespace strandq::cli {

// While alive, turns the first SIGINT or SIGTERM into a call of `on_stop` (on a thread of its
// own) and a second one into an immediate exit with status 130. Restores nothing on
// destruction: the process is expected to end soon after.
class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void()> on_stop);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // True once a signal arrived.
  bool signalled() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strandq::cli
