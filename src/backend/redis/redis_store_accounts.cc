// Copyright 2026 The strandq Authors.
// RedisStore's accounts: listing them, one account with its events, pausing and resuming
// (the steps list_accounts.lua, get_account.lua and set_paused.lua).
#include <algorithm>
#include <string>

#include "backend/redis/redis_state.h"
#include "backend/redis/redis_store.h"

namespace strandq {
namespace {

// Lua numbers are doubles: offsets and limits stay where they are exact, and far below.
constexpr size_t kMaxCount = size_t{1} << 40;

Status MalformedReply(std::string_view what) {
  return Status::Internal("unexpected reply from Redis to " + std::string(what));
}

Status UnknownAccount(std::string_view account) {
  return Status::NotFound("no account '" + std::string(account.substr(0, 64)) +
                          "': the store never accepted an event of it");
}

// The state shown for an account, as StoreModel::StateOf.
AccountState ShownState(const RedisState& s) {
  if (s.Get("leased_id") != 0) return AccountState::kLeased;
  if (s.Get("paused") != 0) return AccountState::kPaused;
  if (s.Get("parked") != 0) return AccountState::kParked;
  if (s.Get("delayed_until_us") != 0) return AccountState::kDelayed;
  if (s.Get("length") > 0) return AccountState::kReady;
  return AccountState::kIdle;
}

// A reply {now µs, ...} whose first element is the server's time.
bool TimedReply(const redisReply& r, size_t elements, int64_t& now_us) {
  if (r.type != REDIS_REPLY_ARRAY || r.elements != elements ||
      r.element[0]->type != REDIS_REPLY_INTEGER) {
    return false;
  }
  now_us = r.element[0]->integer;
  return true;
}

}  // namespace

Result<AccountInfo> RedisStore::ParseAccount(const redisReply& reply, int64_t now_us) const {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 5) return MalformedReply("an account");
  auto state = DecodeRedisState(ReplyText(*reply.element[1]));
  if (!state.ok()) return MalformedReply("an account");
  AccountInfo info;
  info.account = std::string(ReplyText(*reply.element[0]));
  info.state = ShownState(*state);
  info.paused = state->Get("paused") != 0;
  info.parked = state->Get("parked") != 0;
  info.pending = static_cast<uint64_t>(state->Get("length"));
  if (reply.element[2]->type != REDIS_REPLY_NIL) {
    Event& head = info.head.emplace();
    if (!DecodeRedisRecord(ReplyText(*reply.element[2]), head)) {
      return MalformedReply("an account");
    }
    head.account = info.account;
    head.attempt = static_cast<uint32_t>(state->Get("attempts"));
  }
  if (reply.element[3]->type != REDIS_REPLY_NIL) {
    info.last_error = std::string(ReplyText(*reply.element[3]));
  }
  const auto due = [now_us](double until_us) {
    return std::chrono::nanoseconds(std::max<int64_t>(0, static_cast<int64_t>(until_us) - now_us) *
                                    1000);
  };
  if (info.state == AccountState::kLeased) {
    info.due_in = due(state->Get("deadline_us"));
    info.lease_token = static_cast<uint64_t>(state->Get("token"));
    if (reply.element[4]->type != REDIS_REPLY_NIL) {
      info.lease_holder = std::string(ReplyText(*reply.element[4]));
    }
  } else if (info.state == AccountState::kDelayed) {
    info.due_in = due(state->Get("delayed_until_us"));
  }
  return info;
}

Result<std::vector<AccountInfo>> RedisStore::ListAccounts(const AccountQuery& query) {
  std::vector<AccountInfo> out;
  if (query.limit == 0 || query.state == AccountState::kIdle) return out;
  const std::string limit = std::to_string(std::min(query.limit, kMaxCount));
  const std::string_view state = query.state ? AccountStateName(*query.state) : "";
  const std::string_view sort = query.sort == AccountQuery::Sort::kAge ? "age" : "backlog";
  auto reply = Run(RedisScript::kListAccounts, {state, sort, limit}, Retry::kAlways);
  if (!reply.ok()) return reply.status();
  int64_t now_us = 0;
  const redisReply& r = **reply;
  if (!TimedReply(r, 2, now_us) || r.element[1]->type != REDIS_REPLY_ARRAY) {
    return MalformedReply("list-accounts");
  }
  for (size_t i = 0; i < r.element[1]->elements; ++i) {
    auto info = ParseAccount(*r.element[1]->element[i], now_us);
    if (!info.ok()) return info.status();
    out.push_back(std::move(*info));
  }
  return out;
}

Result<AccountDetail> RedisStore::GetAccount(std::string_view account, size_t offset,
                                             size_t limit) {
  const std::string from = std::to_string(std::min(offset, kMaxCount));
  const std::string count = std::to_string(std::min(limit, kMaxCount));
  auto reply = Run(RedisScript::kGetAccount, {account, from, count}, Retry::kAlways);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (r.type == REDIS_REPLY_NIL) return UnknownAccount(account);
  int64_t now_us = 0;
  if (!TimedReply(r, 3, now_us) || r.element[2]->type != REDIS_REPLY_ARRAY) {
    return MalformedReply("get-account");
  }
  AccountDetail detail;
  auto info = ParseAccount(*r.element[1], now_us);
  if (!info.ok()) return info.status();
  detail.info = std::move(*info);
  const redisReply& records = *r.element[2];
  for (size_t i = 0; i < records.elements; ++i) {
    Event& event = detail.events.emplace_back();
    if (!DecodeRedisRecord(ReplyText(*records.element[i]), event)) {
      return MalformedReply("get-account");
    }
    event.account = detail.info.account;
    if (offset == 0 && i == 0 && detail.info.head) event.attempt = detail.info.head->attempt;
  }
  return detail;
}

Result<AccountInfo> RedisStore::SetPaused(std::string_view account, bool paused) {
  auto reply = Run(RedisScript::kSetPaused, {account, paused ? "1" : "0"}, Retry::kAlways);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (r.type == REDIS_REPLY_NIL) return UnknownAccount(account);
  int64_t now_us = 0;
  if (!TimedReply(r, 2, now_us)) return MalformedReply("set-paused");
  return ParseAccount(*r.element[1], now_us);
}

}  // namespace strandq
