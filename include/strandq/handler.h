// Copyright 2026 The strandq Authors.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

#include "strandq/event.h"
#include "strandq/result.h"
#include "strandq/store.h"

namespace strandq {

// Completion of one attempt. Call exactly once, from any thread.
using Completion = std::function<void(Outcome)>;

// Tells a handler that its attempt was abandoned: it ran past the pool's handler timeout, was
// failed ("timed out after D") and its lease went back to the store for the retry. Its
// Completion, should it still be called, is ignored. A handler that can stop early (kill a
// child, cancel a timer) registers for it. Copies share one signal; a default-constructed one
// never fires. Thread-safe.
class Cancellation {
 public:
  // Shared by a signal's copies and its source.
  struct State {
    std::atomic<bool> cancelled{false};
    std::atomic<bool> on_cancel_set{false};  // a callback was registered
    std::mutex mu;
    std::function<void()> on_cancel;  // guarded by mu
  };
  Cancellation() = default;
  explicit Cancellation(std::shared_ptr<State> state) : state_(std::move(state)) {}

  bool cancelled() const;
  // Runs `fn` once when the attempt is abandoned, on the thread that abandons it (a pool
  // thread; `fn` must not block), or at once on this thread if it was already. One callback
  // per attempt: a second replaces the first.
  void OnCancel(std::function<void()> fn) const;

 private:
  std::shared_ptr<State> state_;
};

// The side that fires a Cancellation (the pool's, or a test's). Thread-safe.
class CancellationSource {
 public:
  CancellationSource() : state_(std::make_shared<Cancellation::State>()) {}
  // Fires `state` (which may live inside a larger object, by an aliasing shared_ptr).
  explicit CancellationSource(std::shared_ptr<Cancellation::State> state)
      : state_(std::move(state)) {}
  Cancellation token() const { return Cancellation(state_); }
  // Fires the signal; true the first time.
  bool Cancel();

 private:
  std::shared_ptr<Cancellation::State> state_;
};

// A Handler processes events for a WorkerPool. Start is called on one of the pool's I/O
// threads and must not block: a handler that waits on timers or sockets does so through `io`,
// and one that must block derives from BlockingHandler instead. Start may call `done` before
// it returns. An exception thrown by Start counts as a nack. Handlers are shared by all slots
// of a pool, so Start must be safe to call concurrently.
class Handler {
 public:
  virtual ~Handler() = default;
  // `event` stays valid until `done` is called; for an attempt abandoned before that (timed
  // out, or Start threw), for as long as `done` (or a copy of it) exists. `cancel` fires if the
  // pool abandons the attempt (a copy may be kept past Start; it is valid as long as `event`).
  virtual void Start(const Event& event, boost::asio::io_context& io, Completion done,
                     const Cancellation& cancel) = 0;
};

// A handler written as plain blocking code. Handle runs on a thread pool of `threads` threads
// owned by this object (so at most that many events are handled at once, whatever the number
// of slots). An exception thrown by Handle is a nack carrying its what(). Destroy it only when
// no event is in progress (after WorkerPool::Run returned): its threads are joined by the base
// destructor, after the derived part is gone.
class BlockingHandler : public Handler {
 public:
  explicit BlockingHandler(size_t threads);
  ~BlockingHandler() override;

  virtual Outcome Handle(const Event& event) = 0;

  void Start(const Event& event, boost::asio::io_context& io, Completion done,
             const Cancellation& cancel) final;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Options of the handlers shipped with the tool.
struct HandlerOptions {
  double fail_rate = 0.0;  // probability that an attempt is nacked (sleep:, noop)
  uint64_t seed = 0;       // for fail_rate draws; 0 = random
  // exec: a cancelled child's process group gets SIGTERM, and SIGKILL this much later.
  std::chrono::nanoseconds exec_kill_grace = std::chrono::seconds(5);
  // http: the most one attempt waits in all for 429/503 Retry-After delays before it is nacked
  // (a failed attempt, retried by the store after the delay asked for).
  std::chrono::nanoseconds push_retry_after_budget = std::chrono::seconds(60);
};

// The exit status by which an exec: command says its event will never succeed (EX_DATAERR of
// sysexits.h): dead-lettered at once, no retries.
inline constexpr int kExecPermanentFailureExit = 65;

// Builds a shipped handler from its spec:
//   "sleep:DURATION"  waits DURATION on a timer (no thread per event), then acks
//   "noop"            acks at once (for throughput measurements)
//   "exec:COMMAND"    runs `/bin/sh -c COMMAND` per event in a process group of its own,
//                     payload on stdin; STRANDQ_EVENT_ID, STRANDQ_ACCOUNT, STRANDQ_SEQ,
//                     STRANDQ_ATTEMPT are set. Exit 0 acks, kExecPermanentFailureExit fails
//                     for good, anything else nacks (with the tail of its stderr); its stdout
//                     goes to this process's stderr. No thread per child: it runs on `io`.
//   "http://HOST[:PORT]/PATH"  POSTs each attempt as JSON to a handler service over kept-alive
//                     connections: 2xx acks, a "Strandq-Outcome: dead" header fails for good,
//                     429/503 with Retry-After is sent again after that delay within the same
//                     attempt (up to push_retry_after_budget), anything else nacks with the
//                     status and the start of the body (README "Handlers over HTTP").
//                     https:// is refused (not supported).
// InvalidArgument for a spec it does not know, a duration or URL that does not parse.
Result<std::unique_ptr<Handler>> MakeHandler(std::string_view spec, const HandlerOptions& options);

}  // namespace strandq
