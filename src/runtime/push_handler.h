// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "strandq/handler.h"
#include "strandq/result.h"

namespace strandq::http {

// The pusher's bounds on waiting out 429/503 + Retry-After within one attempt.
struct PushOptions {
  // The most one attempt waits in total for Retry-After delays before it gives up and nacks
  // (a failed attempt, retried by the store after the delay asked for).
  std::chrono::nanoseconds retry_after_budget = std::chrono::seconds(60);
  // The most times one attempt is sent again after a Retry-After.
  size_t max_resends = 100;
};

// The handler of `--work http://HOST[:PORT]/PATH` (see MakeHandler and README "Handlers over
// HTTP"): each attempt is a POST of PushBody with the Strandq-* headers over a kept-alive
// connection (as many connections as attempts at once; an idle one is reused, and a request
// that a reused connection fails before any byte of the answer is sent once more on a new
// one). JudgePushResponse decides the outcome; a 429/503 with a Retry-After is waited out on a
// timer and sent again, within `options`. A cancelled attempt closes its connection. No thread
// per attempt: everything runs on the pool's I/O loop. Idle connections are kept as plain
// descriptors, so the handler may outlive the I/O loops it ran on. Thread-safe.
// InvalidArgument for a URL ParseHttpUrl refuses, and for https:// (not supported).
Result<std::unique_ptr<Handler>> NewPushHandler(std::string_view url, const PushOptions& options);

}  // namespace strandq::http
