// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "strandq/event.h"
#include "strandq/event_log.h"
#include "strandq/result.h"
#include "strandq/store.h"
#include "strandq/worker_pool.h"

namespace strandq {

struct HttpServerOptions {
  // "HOST:PORT" or "[IPV6]:PORT"; port 0 picks a free one (see HttpServer::address()).
  std::string bind = "127.0.0.1:8080";
  // When set, every request but GET /healthz needs "Authorization: Bearer <token>" (else 401).
  std::string token;
  // Larger request bodies are refused with 413 before they are read.
  size_t max_body_bytes = 16 << 20;
  // Events are checked against this before the store sees them (EngineOptions' limit).
  size_t max_payload_bytes = kDefaultMaxPayloadBytes;
  // Connections beyond this are answered 503 and closed at once.
  size_t max_connections = 1024;
  // Longest a read of one request (headers, then body), a write of one response, or the wait
  // for the next request on a kept-alive connection may take; the connection is closed then.
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);
  // Longest the head of a request (request line and headers) may take to arrive, counted
  // from the connection's accept or, on a kept-alive connection, from the request's first
  // byte; the connection is closed then, unanswered. At most `timeout` applies. Short, so
  // that clients sending a byte now and then cannot hold every connection slot.
  std::chrono::nanoseconds head_timeout = std::chrono::seconds(5);
  // Threads running the server's one I/O loop. 0 = one per core.
  size_t threads = 0;
  // Optional: the counters of workers in this process, shown by /v1/stats and /metrics.
  std::function<PoolProgress()> worker_progress;

  // The pull API (POST /v1/leases...). Lease tokens are signed with a key derived from
  // `lease_secret` (at least 16 bytes): servers given the same secret accept each other's
  // tokens, also across restarts. Empty: a random key, so tokens are good in this process only.
  std::string lease_secret;
  // Where attempts settled through the pull API are logged (not owned; may be null), and
  // whether each is also logged unconfirmed before its store call (for a shared store).
  LogSink* pull_log = nullptr;
  bool pull_record_first = false;
  // Long-polls waiting at once at most; more are answered 503.
  size_t max_long_polls = 64;
};

// What the server did since it started. Readable at any time from any thread.
struct HttpServerCounters {
  uint64_t requests = 0;          // answered requests, whatever their status
  uint64_t rejected = 0;          // answered with 4xx or 5xx
  uint64_t events_accepted = 0;   // events answered 202
  uint64_t batches_accepted = 0;  // POST /v1/events answered 202
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;  // over max_connections
  uint64_t timeouts = 0;             // connections closed because a read or write timed out
};

// OK if `options` can start a server (the checks Start makes before it binds), else
// InvalidArgument naming the first bad one: for a caller that checks them before it opens
// anything.
Status ValidateHttpServerOptions(const HttpServerOptions& options);

// DESIGN
// An HTTP/1.1 ingest server over a Store (DESIGN.md "HTTP API"): POST /v1/events,
// GET /v1/stats, GET /metrics (Prometheus text), GET /healthz, and the pull API for workers in
// any language: POST /v1/leases, /v1/leases/settle, /v1/leases/extend (README). One I/O loop runs
// on `threads` threads; each connection is served in order on its own strand, so keep-alive and
// pipelined requests are answered one after the other, in request order. A POST is answered 202
// only after Store::Enqueue accepted the whole batch; a batch with any bad event is refused whole
// and nothing of it is stored. Store::Enqueue runs on the I/O threads.
//
// Thread safety: every method may be called from any thread. Drain() (or destruction) stops
// accepting, ends long-polls (answered with the leases they have, maybe none), closes idle
// connections, lets requests in progress be answered, and returns when every connection is
// closed (at the latest after `timeout`).
class HttpServer {
 public:
  // Binds and starts serving. InvalidArgument for a bad `bind` or a short `lease_secret`;
  // Unavailable when the address cannot be bound. `store` must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(Store& store, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound address, "127.0.0.1:41234" or "[::1]:8080".
  const std::string& address() const;

  // Feeds the enqueue-to-end latency histogram of /metrics with an acked attempt (other
  // outcomes are ignored). For a LogSink that workers of this process write to.
  void RecordAttempt(const AttemptRecord& record);

  HttpServerCounters Counters() const;
  // What the attempts settled through the pull API came to (in_flight: 0).
  PoolProgress PullProgress() const;

  // Idempotent; see DESIGN above.
  void Drain();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strandq
