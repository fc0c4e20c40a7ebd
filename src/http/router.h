// Copyright 2026 The strandq Authors.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <ostream>  // boost/utility/string_view.hpp (Boost 1.74) needs it first
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "http/event_body.h"

namespace strandq::http {

enum class Endpoint {
  kPostEvents,
  kStats,
  kMetrics,
  kHealthz,
  kClaimLeases,    // POST /v1/leases
  kSettleLeases,   // POST /v1/leases/settle
  kExtendLeases,   // POST /v1/leases/extend
  kListAccounts,   // GET /v1/accounts
  kGetAccount,     // GET /v1/accounts/{account}
  kPauseAccount,   // POST /v1/accounts/{account}/pause
  kResumeAccount,  // POST /v1/accounts/{account}/resume
  kListDead,       // GET /v1/dead
  kReplayDead,     // POST /v1/dead/replay
  kPurgeDead,      // POST /v1/dead/purge
  kConsole,        // GET / and the console's files (http/console_page.h)
};

struct Route {
  Route(Endpoint e, BodyFormat f = BodyFormat::kJson, std::string a = {})
      : endpoint(e), format(f), account(std::move(a)) {}

  Endpoint endpoint;
  BodyFormat format = BodyFormat::kJson;  // for kPostEvents
  std::string account;                    // for the /v1/accounts/{account} paths, decoded
};

// A request refused on its head alone.
struct Refusal {
  unsigned status = 400;  // 401, 404, 405 or 415
  std::string message;
  std::string allow;  // the Allow header of a 405
};

// What the router needs of a request head.
struct RequestHead {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string_view target;         // path and optional query
  std::string_view authorization;  // the Authorization header, or empty
  std::string_view content_type;   // the Content-Type header, or empty
};

// Decides from the head alone where a request goes, or why it is refused, in this order:
// 401 if `token` is set and the request does not carry "Bearer <token>" (GET and HEAD
// /healthz are exempt so that probes need no secret, and the console's static files, which
// hold no data: the page asks for the token its API calls need), 404 for an unknown path, 405 for a
// method the path does not take (with Allow), 415 for a POST /v1/events whose Content-Type is not
// application/json or application/x-ndjson, or a POST /v1/leases[/settle|/extend] whose
// Content-Type is not application/json (parameters such as charset are ignored; no Content-Type
// means JSON), likewise a POST /v1/dead/replay or /v1/dead/purge. The {account} of
// /v1/accounts/{account}[/pause|/resume] is percent-decoded and checked (ValidateAccount): 400
// naming the problem. The query string is ignored. Pure.
std::variant<Route, Refusal> RouteRequest(const RequestHead& head, std::string_view token);

}  // namespace strandq::http
