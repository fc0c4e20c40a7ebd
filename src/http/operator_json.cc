// Copyright 2026 The strandq Authors.
#include "http/operator_json.h"

#include <algorithm>

#include "http/json_text.h"

namespace strandq::http {
namespace {

int64_t AgeMsAt(int64_t now_ns, int64_t then_ns) {
  return std::max<int64_t>(0, now_ns - then_ns) / 1'000'000;
}

// `"name":` then the value, after a ',' unless `first`.
void JsonKey(std::string_view name, std::string& out, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += name;
  out += "\":";
}

void AppendBool(bool value, std::string& out) { out += value ? "true" : "false"; }

// "id","seq","attempt","replay","age_ms" of an event, without braces.
void AppendEventFields(const Event& e, int64_t now_ns, std::string& out) {
  JsonKey("id", out, true);
  AppendJsonUint(e.id, out);
  JsonKey("seq", out);
  AppendJsonUint(e.seq, out);
  JsonKey("attempt", out);
  AppendJsonUint(e.attempt, out);
  JsonKey("replay", out);
  AppendJsonUint(e.replay, out);
  JsonKey("age_ms", out);
  AppendJsonInt(AgeMsAt(now_ns, e.enqueued_ns), out);
}

void AppendAccount(const AccountInfo& info, int64_t now_ns, const LeaseTokenOf& token,
                   std::string& out) {
  out += '{';
  JsonKey("account", out, true);
  AppendJsonString(info.account, out);
  JsonKey("state", out);
  AppendJsonString(AccountStateName(info.state), out);
  JsonKey("paused", out);
  AppendBool(info.paused, out);
  JsonKey("parked", out);
  AppendBool(info.parked, out);
  JsonKey("pending", out);
  AppendJsonUint(info.pending, out);
  JsonKey("head", out);
  if (info.head) {
    out += '{';
    AppendEventFields(*info.head, now_ns, out);
    out += '}';
  } else {
    out += "null";
  }
  JsonKey("last_error", out);
  AppendJsonString(info.last_error, out);
  JsonKey("due_in_ms", out);
  AppendJsonInt(std::max<int64_t>(0, info.due_in.count()) / 1'000'000, out);
  const bool leased = info.state == AccountState::kLeased;
  const std::optional<std::string> lease = leased && token ? token(info) : std::nullopt;
  JsonKey("lease_token", out);
  if (lease) {
    AppendJsonString(*lease, out);
  } else {
    out += "null";
  }
  JsonKey("lease_holder", out);
  if (leased && !info.lease_holder.empty()) {
    AppendJsonString(info.lease_holder, out);
  } else {
    out += "null";
  }
  out += '}';
}

}  // namespace

int64_t OldestPendingAgeNs(const StoreStats& stats, int64_t now_ns) {
  if (stats.pending == 0 || stats.oldest_pending_ns == 0) return 0;
  return std::max<int64_t>(0, now_ns - stats.oldest_pending_ns);
}

std::string AccountJson(const AccountInfo& info, int64_t now_ns, const LeaseTokenOf& token) {
  std::string out;
  AppendAccount(info, now_ns, token, out);
  return out;
}

std::string AccountListJson(const std::vector<AccountInfo>& accounts, const AccountQuery& query,
                            int64_t now_ns, const LeaseTokenOf& token) {
  std::string out = "{\"accounts\":[";
  out.reserve(64 + accounts.size() * 256);
  for (size_t i = 0; i < accounts.size(); ++i) {
    if (i > 0) out += ',';
    AppendAccount(accounts[i], now_ns, token, out);
  }
  out += "],\"sort\":";
  AppendJsonString(query.sort == AccountQuery::Sort::kAge ? "age" : "backlog", out);
  out += ",\"state\":";
  if (query.state) {
    AppendJsonString(AccountStateName(*query.state), out);
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

std::string AccountDetailJson(const AccountDetail& detail, size_t offset, size_t limit,
                              int64_t now_ns, const LeaseTokenOf& token) {
  std::string out = "{\"account\":";
  AppendAccount(detail.info, now_ns, token, out);
  out += ",\"events\":[";
  for (size_t i = 0; i < detail.events.size(); ++i) {
    out += i == 0 ? "{" : ",{";
    AppendEventFields(detail.events[i], now_ns, out);
    JsonKey("payload", out);
    AppendJsonString(detail.events[i].payload, out);
    out += '}';
  }
  out += "],\"offset\":";
  AppendJsonUint(offset, out);
  out += ",\"limit\":";
  AppendJsonUint(limit, out);
  out += '}';
  return out;
}

std::string DeadListJson(const std::vector<DeadLetter>& dead, int64_t now_ns) {
  std::string out = "{\"dead\":[";
  for (size_t i = 0; i < dead.size(); ++i) {
    const DeadLetter& d = dead[i];
    out += i == 0 ? "{" : ",{";
    JsonKey("id", out, true);
    AppendJsonUint(d.event.id, out);
    JsonKey("account", out);
    AppendJsonString(d.event.account, out);
    JsonKey("seq", out);
    AppendJsonUint(d.event.seq, out);
    JsonKey("attempt", out);
    AppendJsonUint(d.event.attempt, out);
    JsonKey("replay", out);
    AppendJsonUint(d.event.replay, out);
    JsonKey("error", out);
    AppendJsonString(d.error, out);
    JsonKey("dead_ns", out);
    AppendJsonInt(d.dead_ns, out);
    JsonKey("age_ms", out);
    AppendJsonInt(AgeMsAt(now_ns, d.dead_ns), out);
    JsonKey("payload", out);
    AppendJsonString(d.event.payload, out);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace strandq::http
