// Copyright 2026 The strandq Authors.
#pragma once

#include <string>
#include <string_view>

#include "http/operator_json.h"
#include "http/pull_service.h"
#include "strandq/store.h"

namespace strandq::http {

// Defaults and bounds of the accounts and dead-letter API's query parameters.
inline constexpr size_t kDefaultAccountsLimit = 50;
inline constexpr size_t kDefaultEventsLimit = 100;
inline constexpr size_t kDefaultDeadLimit = 100;
inline constexpr size_t kMaxOperatorLimit = 1000;

// DESIGN
// The operator's API over a store (README "Accounts: see and steer"): GET /v1/accounts,
// GET /v1/accounts/{account}, POST /v1/accounts/{account}/pause and /resume, GET /v1/dead,
// POST /v1/dead/replay and /purge. Query parameters and bodies are checked whole before the
// store is called (400 naming the parameter or field, 413 for too many ids); then one store
// call (two for a replay of every dead letter: list, then replay by id) on the calling I/O
// thread, as GET /v1/stats calls Store::Stats. Store errors are answered with HttpStatusFor
// (NotFound 404). A leased account's lease is shown as the pull API's token for it.
//
// Thread safety: every method may be called from any thread at once.
class OperatorService {
 public:
  // Both must outlive the service.
  OperatorService(Store& store, const PullService& pull);

  // `query`: the request's query string (after '?').
  PullReply ListAccounts(std::string_view query) const;
  PullReply GetAccount(const std::string& account, std::string_view query) const;
  PullReply SetPaused(const std::string& account, bool paused, std::string_view query) const;
  PullReply ListDead(std::string_view query) const;
  PullReply ReplayDead(std::string_view query, std::string_view body) const;
  PullReply PurgeDead(std::string_view query, std::string_view body) const;

 private:
  LeaseTokenOf TokenOf() const;

  Store& store_;
  const PullService& pull_;
  const int64_t lease_ttl_ns_;
};

}  // namespace strandq::http
