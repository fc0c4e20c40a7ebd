// Copyright 2026 The strandq Authors.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "http/lease_body.h"
#include "http/lease_token.h"
#include "http/long_poll_pool.h"
#include "http/server_metrics.h"
#include "runtime/attempt_ledger.h"
#include "strandq/event_log.h"
#include "strandq/store.h"

namespace strandq::http {

// A status and a JSON body, for the request handler to send.
struct PullReply {
  unsigned status = 200;
  std::string body;
};

struct PullOptions {
  LogSink* log = nullptr;     // where settled attempts are logged (may be null)
  bool record_first = false;  // also log each attempt unconfirmed before its store call
  size_t max_long_polls = 64;
};

// DESIGN
// The pull API (README "Workers in any language (pull)"): workers of any language lease events
// over HTTP (POST /v1/leases), settle (POST /v1/leases/settle) and extend (POST
// /v1/leases/extend) them, with the store's lease and fencing semantics unchanged: the server
// keeps no lease state of its own. Each lease goes out as an opaque token (LeaseTokenCodec)
// that names it to the store; the store refuses a stale one (expired, or granted again) with
// kLeaseLost, answered per item as {"error":"lease lost"}. A request body is parsed whole first
// (lease_body.h): a malformed one is answered 400 and settles nothing. A bad token is its item's
// error and changes nothing; the other items go on.
//
// Attempts settled here are logged as a pool's are (AttemptLedger): worker = the client's name,
// start = when the lease was granted (from the token), end = when the settle arrived; with
// record_first, an unconfirmed line before the store call.
//
// A claim is tried at once on the calling (I/O) thread; only one that finds nothing and may
// wait goes to the LongPollPool, whose jobs answer through `reply` from their own thread.
//
// Thread safety: every method may be called from any thread at once.
class PullService {
 public:
  using Reply = std::function<void(PullReply)>;

  // All must outlive the service.
  PullService(Store& store, LeaseTokenCodec codec, const PullOptions& options,
              ServerMetrics& metrics);

  // POST /v1/leases, by the worker named `worker` (for the leases it settles in the same
  // request). Calls `reply` exactly once: before returning, or later from a long-poll thread.
  // 503 when max_long_polls are waiting already (200 without leases if it settled some).
  void Claim(std::string_view body, const std::string& worker, const Reply& reply);
  // POST /v1/leases/settle by the worker named `worker`.
  PullReply Settle(std::string_view body, const std::string& worker);
  // POST /v1/leases/extend.
  PullReply Extend(std::string_view body);

  // Ends every long-poll (each answers what it has, maybe no lease) and refuses new waits.
  void Stop();

  PoolProgress Progress() const { return ledger_.Progress(); }

  // `lease` as the opaque token a claim answers for it, granted at `start_ns` (CLOCK_REALTIME).
  std::string LeaseToken(const Lease& lease, int64_t start_ns) const {
    return codec_.Encode(lease, start_ns);
  }

 private:
  // Settles the items, logs them, and returns each item's result as JSON.
  std::vector<std::string> SettleItems(std::vector<SettleItem>& items, const std::string& worker);
  // `out` (the answer's head, up to the leases' '[') with the leases and the end.
  PullReply Granted(const Result<std::vector<Lease>>& leases, std::string out) const;
  int64_t ExpiresInMs(const Lease& lease) const;

  Store& store_;
  const LeaseTokenCodec codec_;
  const PullOptions options_;
  ServerMetrics& metrics_;
  const int64_t lease_ttl_ns_;
  AttemptLedger ledger_;
  LongPollPool polls_;
};

// "lease lost" for a refused lease, else the status's text; for per-item errors.
std::string ItemError(const Status& status);

}  // namespace strandq::http
