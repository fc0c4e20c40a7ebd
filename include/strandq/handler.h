// Copyright 2026 The strandq Authors.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "strandq/event.h"
#include "strandq/result.h"
#include "strandq/store.h"

namespace strandq {

// Completion of one attempt. Call exactly once, from any thread.
using Completion = std::function<void(Outcome)>;

// A Handler processes events for a WorkerPool. Start is called on one of the pool's I/O
// threads and must not block: a handler that waits on timers or sockets does so through `io`,
// and one that must block derives from BlockingHandler instead. Start may call `done` before
// it returns. An exception thrown by Start counts as a nack. Handlers are shared by all slots
// of a pool, so Start must be safe to call concurrently.
class Handler {
 public:
  virtual ~Handler() = default;
  // `event` stays valid until `done` is called.
  virtual void Start(const Event& event, boost::asio::io_context& io, Completion done) = 0;
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

  void Start(const Event& event, boost::asio::io_context& io, Completion done) final;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Options of the handlers shipped with the tool.
struct HandlerOptions {
  double fail_rate = 0.0;        // probability that an attempt is nacked (sleep:, noop)
  uint64_t seed = 0;             // for fail_rate draws; 0 = random
  size_t blocking_threads = 64;  // threads for exec:
};

// Builds a shipped handler from its spec:
//   "sleep:DURATION"  waits DURATION on a timer (no thread per event), then acks
//   "noop"            acks at once (for throughput measurements)
//   "exec:COMMAND"    runs `/bin/sh -c COMMAND` per event, payload on stdin, exit 0 = ack;
//                     STRANDQ_EVENT_ID, STRANDQ_ACCOUNT, STRANDQ_SEQ, STRANDQ_ATTEMPT are set
// InvalidArgument for a spec it does not know or a duration that does not parse.
Result<std::unique_ptr<Handler>> MakeHandler(std::string_view spec, const HandlerOptions& options);

}  // namespace strandq
