// Copyright 2026 The strandq Authors.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string_view>

#include "http/in_flight_keys.h"
#include "http/operator_service.h"
#include "http/pull_service.h"
#include "http/router.h"
#include "http/server_metrics.h"
#include "strandq/http_server.h"
#include "strandq/store.h"

namespace strandq::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// A JSON error response: {"error":"<message>"} with `status`.
Response ErrorResponse(unsigned status, std::string_view message, unsigned version);

// The HTTP status for a Status error: InvalidArgument 400, NotFound 404, TooLarge 413,
// Unavailable 503, KeyReused 422, InProgress 409, anything else 500.
unsigned HttpStatusFor(const Status& status);

// Answers routed requests. Shared by every connection of a server: thread-safe; the only state
// it keeps is the idempotency keys of the POSTs in progress. POST /v1/events parses and checks
// the whole batch first, then calls Store::Enqueue once (atomic), or Store::EnqueueOnce with
// an Idempotency-Key header, and answers 202 with the receipts only after it succeeded (a
// repeat of a key: the first receipts, with Idempotent-Replayed: true). The pull API
// (/v1/leases...) is PullService's; a long-poll is answered later. The accounts and dead-letter
// API (/v1/accounts..., /v1/dead...) is OperatorService's.
class RequestHandler {
 public:
  // Sends a response that was not ready when Handle returned; called once, from any thread.
  using Later = std::function<void(Response)>;

  // All must outlive the handler.
  RequestHandler(Store& store, const HttpServerOptions& options, ServerMetrics& metrics,
                 PullService& pull);

  // The routing decision for a request head (see RouteRequest).
  std::variant<Route, Refusal> Decide(const Request& head) const;
  Response Refuse(const Refusal& refusal, unsigned version) const;
  // `request` has its body. The response, or nullopt when `later` will be called with it (a
  // long-poll waiting for work); `later` is not called when a response is returned.
  std::optional<Response> Handle(const Route& route, const Request& request,
                                 const Later& later) const;

 private:
  Response PostEvents(BodyFormat format, const Request& request) const;
  // POST /v1/events with the Idempotency-Key `key` (validated) and its parsed events.
  Response PostEventsOnce(std::string_view key, const std::vector<NewEvent>& events,
                          unsigned version) const;
  std::optional<Response> ClaimLeases(const Request& request, const Later& later) const;
  // The Strandq-Worker header's name for the log, or a 400.
  std::variant<std::string, Response> WorkerName(const Request& request) const;
  // GET /v1/stats or /metrics.
  Response StatusPage(Endpoint endpoint, unsigned version) const;
  // /v1/accounts... and /v1/dead...
  PullReply Operate(const Route& route, const Request& request) const;
  // GET / and the console's other files (static; Content-Security-Policy, no-cache).
  Response ConsoleFile(const Request& request) const;

  Store& store_;
  const HttpServerOptions& options_;
  ServerMetrics& metrics_;
  PullService& pull_;
  const OperatorService operator_;
  mutable InFlightKeys in_flight_;  // thread-safe
};

}  // namespace strandq::http
