// Copyright 2026 The strandq Authors.
#include "http/request_handler.h"

#include <charconv>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "http/console_page.h"
#include "http/event_body.h"
#include "http/json_text.h"
#include "http/query_string.h"
#include "http/status_pages.h"
#include "strandq/clock.h"

namespace strandq::http {
namespace {

namespace beast_http = boost::beast::http;

Response MakeResponse(unsigned status, std::string_view content_type, std::string body,
                      unsigned version) {
  Response res{static_cast<beast_http::status>(status), version};
  res.set(beast_http::field::server, "strandq");
  res.set(beast_http::field::content_type,
          boost::beast::string_view(content_type.data(), content_type.size()));
  res.body() = std::move(body);
  return res;
}

// [{"id":1,"seq":1},...] written directly: the hot path of every POST.
std::string ReceiptsJson(const std::vector<EnqueueReceipt>& receipts) {
  std::string out;
  out.reserve(2 + receipts.size() * 28);
  out += '[';
  char digits[24];
  for (size_t i = 0; i < receipts.size(); ++i) {
    out += i == 0 ? "{\"id\":" : ",{\"id\":";
    out.append(digits, std::to_chars(digits, digits + sizeof digits, receipts[i].id).ptr);
    out += ",\"seq\":";
    out.append(digits, std::to_chars(digits, digits + sizeof digits, receipts[i].seq).ptr);
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace

Response ErrorResponse(unsigned status, std::string_view message, unsigned version) {
  nlohmann::json body = {{"error", message}};
  return MakeResponse(status, "application/json",
                      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), version);
}

unsigned HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kTooLarge:
      return 413;
    case Status::Code::kUnavailable:
      return 503;
    case Status::Code::kKeyReused:
      return 422;
    case Status::Code::kInProgress:
      return 409;
    default:
      return 500;
  }
}

RequestHandler::RequestHandler(Store& store, const HttpServerOptions& options,
                               ServerMetrics& metrics, PullService& pull)
    : store_(store), options_(options), metrics_(metrics), pull_(pull), operator_(store, pull) {}

std::variant<Route, Refusal> RequestHandler::Decide(const Request& head) const {
  RequestHead h;
  h.method = head.method();
  h.target = std::string_view(head.target().data(), head.target().size());
  const auto auth = head[beast_http::field::authorization];
  h.authorization = std::string_view(auth.data(), auth.size());
  const auto type = head[beast_http::field::content_type];
  h.content_type = std::string_view(type.data(), type.size());
  return RouteRequest(h, options_.token);
}

Response RequestHandler::Refuse(const Refusal& refusal, unsigned version) const {
  Response res = ErrorResponse(refusal.status, refusal.message, version);
  if (!refusal.allow.empty()) res.set(beast_http::field::allow, refusal.allow);
  if (refusal.status == 401) res.set(beast_http::field::www_authenticate, "Bearer");
  return res;
}

std::optional<Response> RequestHandler::Handle(const Route& route, const Request& request,
                                               const Later& later) const {
  const unsigned version = request.version();
  auto respond = [version](PullReply reply) {
    return MakeResponse(reply.status, "application/json", std::move(reply.body), version);
  };
  switch (route.endpoint) {
    case Endpoint::kClaimLeases:
      return ClaimLeases(request, later);
    case Endpoint::kSettleLeases: {
      auto worker = WorkerName(request);
      if (Response* refused = std::get_if<Response>(&worker)) return std::move(*refused);
      return respond(pull_.Settle(request.body(), std::get<std::string>(worker)));
    }
    case Endpoint::kExtendLeases:
      return respond(pull_.Extend(request.body()));
    case Endpoint::kPostEvents:
      return PostEvents(route.format, request);
    case Endpoint::kStats:
    case Endpoint::kMetrics:
      return StatusPage(route.endpoint, request.version());
    case Endpoint::kHealthz:
      return MakeResponse(200, "application/json", "{\"status\":\"ok\"}", request.version());
    case Endpoint::kListAccounts:
    case Endpoint::kGetAccount:
    case Endpoint::kPauseAccount:
    case Endpoint::kResumeAccount:
    case Endpoint::kListDead:
    case Endpoint::kReplayDead:
    case Endpoint::kPurgeDead:
      return respond(Operate(route, request));
    case Endpoint::kConsole:
      return ConsoleFile(request);
  }
  return ErrorResponse(500, "unrouted request", request.version());
}

Response RequestHandler::PostEvents(BodyFormat format, const Request& request) const {
  auto events = ParseEventBody(request.body(), format, options_.max_payload_bytes);
  if (!events.ok()) {
    return ErrorResponse(HttpStatusFor(events.status()), events.status().message(),
                         request.version());
  }
  const auto key_header = request["Idempotency-Key"];
  if (request.find("Idempotency-Key") != request.end()) {
    const std::string_view key(key_header.data(), key_header.size());
    if (Status valid = ValidateIdempotencyKey(key); !valid.ok()) {
      return ErrorResponse(400, "Idempotency-Key header: " + valid.message(), request.version());
    }
    return PostEventsOnce(key, *events, request.version());
  }
  auto receipts = store_.Enqueue(*events);
  if (!receipts.ok()) {
    return ErrorResponse(HttpStatusFor(receipts.status()), receipts.status().message(),
                         request.version());
  }
  metrics_.events_accepted.fetch_add(receipts->size(), std::memory_order_relaxed);
  metrics_.batches_accepted.fetch_add(1, std::memory_order_relaxed);
  return MakeResponse(202, "application/json", ReceiptsJson(*receipts), request.version());
}

Response RequestHandler::PostEventsOnce(std::string_view key, const std::vector<NewEvent>& events,
                                        unsigned version) const {
  std::optional<InFlightKeys::Hold> hold = in_flight_.TryHold(key);
  if (!hold) {
    return ErrorResponse(409,
                         "a request with Idempotency-Key '" + std::string(key) +
                             "' is still being handled; send it again once that one is answered",
                         version);
  }
  auto result = store_.EnqueueOnce(key, events);
  if (!result.ok()) {
    return ErrorResponse(HttpStatusFor(result.status()), result.status().message(), version);
  }
  Response res = MakeResponse(202, "application/json", ReceiptsJson(result->receipts), version);
  if (result->replayed) {
    res.set("Idempotent-Replayed", "true");
  } else {
    metrics_.events_accepted.fetch_add(result->receipts.size(), std::memory_order_relaxed);
    metrics_.batches_accepted.fetch_add(1, std::memory_order_relaxed);
  }
  return res;
}

std::optional<Response> RequestHandler::ClaimLeases(const Request& request,
                                                    const Later& later) const {
  // Set only when the reply comes before Claim returns; else the long-poll calls `later`.
  struct Handoff {
    std::mutex mu;
    bool returned = false;
    std::optional<Response> now;
  };
  auto handoff = std::make_shared<Handoff>();
  const unsigned version = request.version();
  auto worker = WorkerName(request);
  if (Response* refused = std::get_if<Response>(&worker)) return std::move(*refused);
  pull_.Claim(request.body(), std::get<std::string>(worker),
              [handoff, later, version](PullReply reply) {
                Response res =
                    MakeResponse(reply.status, "application/json", std::move(reply.body), version);
                std::unique_lock lock(handoff->mu);
                if (!handoff->returned) {
                  handoff->now = std::move(res);
                  return;
                }
                lock.unlock();
                later(std::move(res));
              });
  std::lock_guard lock(handoff->mu);
  handoff->returned = true;
  return std::move(handoff->now);
}

std::variant<std::string, Response> RequestHandler::WorkerName(const Request& request) const {
  const auto header = request["Strandq-Worker"];
  const std::string_view name(header.data(), header.size());
  if (name.empty()) return std::string("pull");
  if (Status valid = ValidateAccount(name); !valid.ok()) {
    return ErrorResponse(400,
                         "the Strandq-Worker header names the worker in the event log: 1 to 128 "
                         "bytes of [A-Za-z0-9_.:@-], not '" +
                             std::string(name.substr(0, 64)) + "'",
                         request.version());
  }
  return std::string(name);
}

PullReply RequestHandler::Operate(const Route& route, const Request& request) const {
  const std::string_view target(request.target().data(), request.target().size());
  const std::string_view query = QueryOf(target);
  switch (route.endpoint) {
    case Endpoint::kListAccounts:
      return operator_.ListAccounts(query);
    case Endpoint::kGetAccount:
      return operator_.GetAccount(route.account, query);
    case Endpoint::kPauseAccount:
    case Endpoint::kResumeAccount:
      return operator_.SetPaused(route.account, route.endpoint == Endpoint::kPauseAccount, query);
    case Endpoint::kListDead:
      return operator_.ListDead(query);
    case Endpoint::kReplayDead:
      return operator_.ReplayDead(query, request.body());
    case Endpoint::kPurgeDead:
      return operator_.PurgeDead(query, request.body());
    default:
      return {500, JsonErrorBody("unrouted request")};
  }
}

Response RequestHandler::StatusPage(Endpoint endpoint, unsigned version) const {
  auto stats = store_.Stats();
  if (!stats.ok()) {
    return ErrorResponse(HttpStatusFor(stats.status()), stats.status().message(), version);
  }
  std::optional<PoolProgress> workers;
  if (options_.worker_progress) workers = options_.worker_progress();
  if (endpoint == Endpoint::kMetrics) {
    return MakeResponse(
        200, "text/plain; version=0.0.4; charset=utf-8",
        RenderPrometheus(MetricFamilies(*stats, metrics_, workers, SystemClock()->WallNs())),
        version);
  }
  return MakeResponse(200, "application/json",
                      StatsJson(*stats, metrics_.Counters(), workers, SystemClock()->WallNs()),
                      version);
}

Response RequestHandler::ConsoleFile(const Request& request) const {
  const std::string_view target(request.target().data(), request.target().size());
  auto asset = FindConsoleAsset(target.substr(0, target.find('?')));
  if (!asset) return ErrorResponse(404, "no such console file", request.version());
  Response res =
      MakeResponse(200, asset->content_type, std::string(asset->body), request.version());
  res.set("Content-Security-Policy",
          boost::beast::string_view(kConsoleContentSecurityPolicy.data(),
                                    kConsoleContentSecurityPolicy.size()));
  // The files change only with the binary: revalidate each time, never serve a stale script.
  res.set(beast_http::field::cache_control, "no-cache");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  return res;
}

}  // namespace strandq::http
