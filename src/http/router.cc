// Copyright 2026 The strandq Authors.
#include "http/router.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "http/console_page.h"
#include "http/query_string.h"
#include "strandq/event.h"

namespace strandq::http {
namespace {

namespace beast_http = boost::beast::http;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Compares in time independent of where the strings differ, so the token cannot be guessed
// byte by byte from response times.
bool SecretEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

bool Authorized(std::string_view header, std::string_view token) {
  header = Trim(header);
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() < kScheme.size() || !EqualsIgnoreCase(header.substr(0, 7), kScheme)) {
    return false;
  }
  return SecretEquals(Trim(header.substr(kScheme.size())), token);
}

// A POST with a JSON body (no Content-Type means JSON) to `path`, answered by `endpoint`.
std::variant<Route, Refusal> RoutePostJson(const RequestHead& head, std::string_view path,
                                           Endpoint endpoint) {
  if (head.method != beast_http::verb::post) {
    return Refusal{405, std::string(path) + " takes POST", "POST"};
  }
  const std::string_view media = Trim(head.content_type.substr(0, head.content_type.find(';')));
  if (!media.empty() && !EqualsIgnoreCase(media, "application/json")) {
    return Refusal{415, "Content-Type must be application/json, not '" + std::string(media) + "'",
                   ""};
  }
  return Route{endpoint};
}

// /v1/accounts/{account}, /v1/accounts/{account}/pause or /resume: `rest` is what follows
// "/v1/accounts/".
std::variant<Route, Refusal> RouteAccount(const RequestHead& head, std::string_view path,
                                          std::string_view rest) {
  Endpoint endpoint = Endpoint::kGetAccount;
  for (const auto& [suffix, verb] :
       {std::pair{std::string_view("/pause"), Endpoint::kPauseAccount},
        std::pair{std::string_view("/resume"), Endpoint::kResumeAccount}}) {
    if (rest.ends_with(suffix)) {
      rest.remove_suffix(suffix.size());
      endpoint = verb;
      break;
    }
  }
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    return Refusal{404, "no such path: " + std::string(path.substr(0, 200)), ""};
  }
  if (endpoint == Endpoint::kGetAccount && head.method != beast_http::verb::get) {
    return Refusal{405, "/v1/accounts/{account} takes GET", "GET"};
  }
  if (endpoint != Endpoint::kGetAccount && head.method != beast_http::verb::post) {
    return Refusal{405, "/v1/accounts/{account}/pause and /resume take POST", "POST"};
  }
  auto account = PercentDecode(rest, /*plus_is_space=*/false);
  if (!account.ok())
    return Refusal{400, "the account in the path: " + account.status().message(), ""};
  if (Status valid = ValidateAccount(*account); !valid.ok()) {
    return Refusal{400, "the account in the path: " + valid.message(), ""};
  }
  return Route{endpoint, BodyFormat::kJson, std::move(*account)};
}

// /v1/accounts... and /v1/dead...; nullopt for any other path.
std::optional<std::variant<Route, Refusal>> RouteOperator(const RequestHead& head,
                                                          std::string_view path) {
  const bool get = head.method == beast_http::verb::get;
  if (path == "/v1/accounts" || path == "/v1/dead") {
    if (!get) return Refusal{405, std::string(path) + " takes GET", "GET"};
    return Route{path == "/v1/dead" ? Endpoint::kListDead : Endpoint::kListAccounts};
  }
  constexpr std::string_view kAccount = "/v1/accounts/";
  if (path.starts_with(kAccount)) return RouteAccount(head, path, path.substr(kAccount.size()));
  if (path == "/v1/dead/replay") return RoutePostJson(head, path, Endpoint::kReplayDead);
  if (path == "/v1/dead/purge") return RoutePostJson(head, path, Endpoint::kPurgeDead);
  return std::nullopt;
}

}  // namespace

std::variant<Route, Refusal> RouteRequest(const RequestHead& head, std::string_view token) {
  std::string_view path = head.target.substr(0, head.target.find('?'));
  const bool get = head.method == beast_http::verb::get;

  if (path == "/healthz") {
    if (!get && head.method != beast_http::verb::head) {
      return Refusal{405, "/healthz takes GET or HEAD", "GET, HEAD"};
    }
    return Route{Endpoint::kHealthz};
  }
  if (FindConsoleAsset(path)) {
    if (!get && head.method != beast_http::verb::head) {
      return Refusal{405, std::string(path) + " takes GET or HEAD", "GET, HEAD"};
    }
    return Route{Endpoint::kConsole};
  }
  if (!token.empty() && !Authorized(head.authorization, token)) {
    return Refusal{401, "missing or wrong bearer token", ""};
  }
  if (path == "/v1/stats" || path == "/metrics") {
    if (!get) return Refusal{405, std::string(path) + " takes GET", "GET"};
    return Route{path == "/metrics" ? Endpoint::kMetrics : Endpoint::kStats};
  }
  if (path == "/v1/leases" || path == "/v1/leases/settle" || path == "/v1/leases/extend") {
    const Endpoint endpoint = path == "/v1/leases"          ? Endpoint::kClaimLeases
                              : path == "/v1/leases/settle" ? Endpoint::kSettleLeases
                                                            : Endpoint::kExtendLeases;
    return RoutePostJson(head, path, endpoint);
  }
  if (auto routed = RouteOperator(head, path)) return std::move(*routed);
  if (path != "/v1/events") return Refusal{404, "no such path: " + std::string(path), ""};
  if (head.method != beast_http::verb::post) {
    return Refusal{405, "/v1/events takes POST", "POST"};
  }
  const std::string_view media = Trim(head.content_type.substr(0, head.content_type.find(';')));
  if (media.empty() || EqualsIgnoreCase(media, "application/json")) {
    return Route{Endpoint::kPostEvents, BodyFormat::kJson};
  }
  if (EqualsIgnoreCase(media, "application/x-ndjson")) {
    return Route{Endpoint::kPostEvents, BodyFormat::kNdjson};
  }
  return Refusal{415,
                 "Content-Type must be application/json or application/x-ndjson, not '" +
                     std::string(media) + "'",
                 ""};
}

}  // namespace strandq::http
