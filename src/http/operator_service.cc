// Copyright 2026 The strandq Authors.
#include "http/operator_service.h"

#include <charconv>
#include <initializer_list>
#include <optional>

#include "http/dead_body.h"
#include "http/json_text.h"
#include "http/query_string.h"
#include "http/request_handler.h"
#include "strandq/clock.h"

namespace strandq::http {
namespace {

PullReply OperatorError(const Status& status) {
  return {HttpStatusFor(status), JsonErrorBody(status.message())};
}

// A query's parameters by name, checked against the names an endpoint takes.
class Params {
 public:
  // InvalidArgument for a malformed query or a name not in `known` (`what` names the endpoint).
  static Result<Params> Parse(std::string_view query, std::string_view what,
                              std::initializer_list<std::string_view> known) {
    auto pairs = ParseQuery(query);
    if (!pairs.ok()) return pairs.status();
    std::string names;
    for (std::string_view k : known) names += (names.empty() ? "" : ", ") + std::string(k);
    for (const auto& [name, value] : *pairs) {
      bool ok = false;
      for (std::string_view k : known) ok = ok || name == k;
      if (!ok) {
        return Status::InvalidArgument("unknown query parameter '" + name.substr(0, 64) + "' (" +
                                       std::string(what) +
                                       (names.empty() ? " takes none" : " takes " + names) + ")");
      }
    }
    Params p;
    p.pairs_ = std::move(*pairs);
    return p;
  }

  const std::string* Get(std::string_view name) const {
    for (const auto& [n, v] : pairs_) {
      if (n == name) return &v;
    }
    return nullptr;
  }

  // The parameter as a whole number in [min, max], `fallback` when absent.
  Result<uint64_t> Number(std::string_view name, uint64_t fallback, uint64_t min,
                          uint64_t max) const {
    const std::string* text = Get(name);
    if (text == nullptr) return fallback;
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc() || end != text->data() + text->size() || value < min ||
        value > max) {
      return Status::InvalidArgument("query parameter '" + std::string(name) +
                                     "' must be a whole number from " + std::to_string(min) +
                                     " to " + std::to_string(max) + ", not '" +
                                     text->substr(0, 32) + "'");
    }
    return value;
  }

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

constexpr uint64_t kMaxOffset = uint64_t{1} << 62;

Result<AccountQuery> AccountsQuery(std::string_view query) {
  auto params = Params::Parse(query, "GET /v1/accounts", {"state", "sort", "limit"});
  if (!params.ok()) return params.status();
  AccountQuery q;
  if (const std::string* state = params->Get("state")) {
    q.state = ParseAccountState(*state);
    if (!q.state || *q.state == AccountState::kIdle) {
      return Status::InvalidArgument(
          "query parameter 'state' must be ready, leased, delayed, paused or parked, not '" +
          state->substr(0, 32) + "'");
    }
  }
  if (const std::string* sort = params->Get("sort")) {
    if (*sort != "backlog" && *sort != "age") {
      return Status::InvalidArgument("query parameter 'sort' must be backlog or age, not '" +
                                     sort->substr(0, 32) + "'");
    }
    q.sort = *sort == "age" ? AccountQuery::Sort::kAge : AccountQuery::Sort::kBacklog;
  }
  auto limit = params->Number("limit", kDefaultAccountsLimit, 1, kMaxOperatorLimit);
  if (!limit.ok()) return limit.status();
  q.limit = *limit;
  return q;
}

}  // namespace

OperatorService::OperatorService(Store& store, const PullService& pull)
    : store_(store), pull_(pull), lease_ttl_ns_(store.Traits().lease_ttl.count()) {}

LeaseTokenOf OperatorService::TokenOf() const {
  return [this](const AccountInfo& info) -> std::optional<std::string> {
    if (!info.head || info.lease_token == 0) return std::nullopt;
    Lease lease;
    lease.event = *info.head;
    lease.token = info.lease_token;
    // Granted when its time left was the whole ttl.
    const int64_t start_ns =
        SystemClock()->WallNs() - std::max<int64_t>(0, lease_ttl_ns_ - info.due_in.count());
    return pull_.LeaseToken(lease, start_ns);
  };
}

PullReply OperatorService::ListAccounts(std::string_view query) const {
  auto q = AccountsQuery(query);
  if (!q.ok()) return OperatorError(q.status());
  auto accounts = store_.ListAccounts(*q);
  if (!accounts.ok()) return OperatorError(accounts.status());
  return {200, AccountListJson(*accounts, *q, SystemClock()->WallNs(), TokenOf())};
}

PullReply OperatorService::GetAccount(const std::string& account, std::string_view query) const {
  auto params = Params::Parse(query, "GET /v1/accounts/{account}", {"offset", "limit"});
  if (!params.ok()) return OperatorError(params.status());
  auto offset = params->Number("offset", 0, 0, kMaxOffset);
  if (!offset.ok()) return OperatorError(offset.status());
  auto limit = params->Number("limit", kDefaultEventsLimit, 1, kMaxOperatorLimit);
  if (!limit.ok()) return OperatorError(limit.status());
  auto detail = store_.GetAccount(account, *offset, *limit);
  if (!detail.ok()) return OperatorError(detail.status());
  return {200, AccountDetailJson(*detail, *offset, *limit, SystemClock()->WallNs(), TokenOf())};
}

PullReply OperatorService::SetPaused(const std::string& account, bool paused,
                                     std::string_view query) const {
  auto params = Params::Parse(query, paused ? "POST .../pause" : "POST .../resume", {});
  if (!params.ok()) return OperatorError(params.status());
  auto info = store_.SetPaused(account, paused);
  if (!info.ok()) return OperatorError(info.status());
  return {200, "{\"account\":" + AccountJson(*info, SystemClock()->WallNs(), TokenOf()) + "}"};
}

PullReply OperatorService::ListDead(std::string_view query) const {
  auto params = Params::Parse(query, "GET /v1/dead", {"limit"});
  if (!params.ok()) return OperatorError(params.status());
  auto limit = params->Number("limit", kDefaultDeadLimit, 1, kMaxOperatorLimit);
  if (!limit.ok()) return OperatorError(limit.status());
  auto dead = store_.ListDead(*limit);
  if (!dead.ok()) return OperatorError(dead.status());
  return {200, DeadListJson(*dead, SystemClock()->WallNs())};
}

PullReply OperatorService::ReplayDead(std::string_view query, std::string_view body) const {
  auto params = Params::Parse(query, "POST /v1/dead/replay", {});
  if (!params.ok()) return OperatorError(params.status());
  auto selection = ParseDeadSelection(body, /*allow_at=*/true);
  if (!selection.ok()) return OperatorError(selection.status());
  std::vector<uint64_t> ids = std::move(selection->ids);
  if (selection->all) {
    auto dead = store_.ListDead(SIZE_MAX);
    if (!dead.ok()) return OperatorError(dead.status());
    for (const DeadLetter& d : *dead) ids.push_back(d.event.id);
  }
  if (ids.empty()) return {200, "{\"replayed\":0}"};
  auto replayed = store_.ReplayDead(ids, selection->at);
  if (!replayed.ok()) return OperatorError(replayed.status());
  std::string out = "{\"replayed\":";
  AppendJsonUint(*replayed, out);
  return {200, out + "}"};
}

PullReply OperatorService::PurgeDead(std::string_view query, std::string_view body) const {
  auto params = Params::Parse(query, "POST /v1/dead/purge", {});
  if (!params.ok()) return OperatorError(params.status());
  auto selection = ParseDeadSelection(body, /*allow_at=*/false);
  if (!selection.ok()) return OperatorError(selection.status());
  // No ids purges every dead letter, in one step; the parser never gives none without "all".
  auto purged = store_.PurgeDead(selection->ids);
  if (!purged.ok()) return OperatorError(purged.status());
  std::string out = "{\"purged\":";
  AppendJsonUint(*purged, out);
  return {200, out + "}"};
}

}  // namespace strandq::http
