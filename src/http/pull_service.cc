// Copyright 2026 The strandq Authors.
#include "http/pull_service.h"

#include <algorithm>
#include <unordered_set>

#include "http/json_text.h"
#include "http/lease_body.h"
#include "strandq/clock.h"

namespace strandq::http {
namespace {

PullReply Refused(const Status& status) {
  unsigned code = 500;
  if (status.code() == Status::Code::kInvalidArgument) code = 400;
  if (status.code() == Status::Code::kUnavailable) code = 503;
  return {code, JsonErrorBody(status.message())};
}

std::string_view DispositionName(Disposition d) {
  switch (d) {
    case Disposition::kAcked:
      return "acked";
    case Disposition::kRetrying:
      return "retrying";
    case Disposition::kDead:
      return "dead";
  }
  return "unknown";
}

Outcome OutcomeOf(SettleItem& item) {
  switch (item.outcome) {
    case SettleItem::Verb::kAck:
      return Outcome::Ack();
    case SettleItem::Verb::kNack:
      if (item.retry_after_ms >= 0) {
        return Outcome::NackRetryAfter(std::move(item.error),
                                       std::chrono::milliseconds(item.retry_after_ms));
      }
      return Outcome::Nack(std::move(item.error));
    case SettleItem::Verb::kDead:
      return Outcome::Permanent(std::move(item.error));
  }
  return Outcome::Ack();
}

// The items of a settle that name a lease the store will be asked about.
struct Accepted {
  std::vector<Settlement> settlements;
  std::vector<int64_t> starts;
  std::vector<size_t> items;  // the item index of each settlement
};

// Decodes every item's token; an item that does not decode, or names a lease an earlier item
// named, gets its error in `results` and is left out.
Accepted Decode(const LeaseTokenCodec& codec, std::vector<SettleItem>& items,
                std::vector<std::string>& results) {
  Accepted out;
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    auto decoded = codec.Decode(items[i].lease);
    if (!decoded.ok()) {
      results[i] = JsonErrorBody(decoded.status().message());
      continue;
    }
    if (!seen.insert(items[i].lease).second) {
      results[i] = JsonErrorBody("lease given twice in this request (the first item settles it)");
      continue;
    }
    out.settlements.push_back({std::move(decoded->lease), OutcomeOf(items[i])});
    out.starts.push_back(decoded->start_ns);
    out.items.push_back(i);
  }
  return out;
}

std::string JoinArray(const std::vector<std::string>& results) {
  std::string out = "[";
  for (size_t i = 0; i < results.size(); ++i) {
    if (i > 0) out += ',';
    out += results[i];
  }
  out += ']';
  return out;
}

}  // namespace

std::string ItemError(const Status& status) {
  return status.code() == Status::Code::kLeaseLost ? "lease lost" : status.ToString();
}

PullService::PullService(Store& store, LeaseTokenCodec codec, const PullOptions& options,
                         ServerMetrics& metrics)
    : store_(store),
      codec_(std::move(codec)),
      options_(options),
      metrics_(metrics),
      lease_ttl_ns_(store.Traits().lease_ttl.count()),
      polls_(options.max_long_polls) {}

void PullService::Claim(std::string_view body, const std::string& worker, const Reply& reply) {
  auto request = ParseClaimRequest(body);
  if (!request.ok()) return reply(Refused(request.status()));
  // The leases settled first: {"settled":[...],"leases":[...]}; without "settle", no "settled".
  std::string head = "{\"leases\":[";
  if (!request->settle.empty()) {
    head = "{\"settled\":" + JoinArray(SettleItems(request->settle, worker)) + ",\"leases\":[";
  }
  auto leases = store_.Claim(request->max, std::chrono::nanoseconds(0));
  if (!leases.ok() || !leases->empty() || request->wait.count() == 0) {
    return reply(Granted(leases, std::move(head)));
  }
  const size_t max = request->max;
  const std::chrono::milliseconds wait = request->wait;
  const bool admitted = polls_.TrySubmit([this, max, wait, head, reply](std::stop_token stop) {
    reply(Granted(store_.Claim(max, wait, stop), head));
  });
  if (admitted) return;
  // Draining (or leases settled in this request, whose results must reach the client): no wait.
  if (polls_.stopped() || !request->settle.empty()) {
    return reply(Granted(std::vector<Lease>{}, std::move(head)));
  }
  reply({503, JsonErrorBody("too many long-polls waiting at once (--max-long-polls " +
                            std::to_string(polls_.max_jobs()) +
                            "): poll again, with a shorter wait_ms or from fewer clients, or raise "
                            "--max-long-polls")});
}

PullReply PullService::Granted(const Result<std::vector<Lease>>& leases, std::string out) const {
  if (!leases.ok() && leases.status().code() != Status::Code::kCancelled) {
    // Leases settled in the same request are settled: their results must reach the client.
    if (!out.starts_with("{\"settled\"")) return Refused(leases.status());
    out += "],\"error\":";
    AppendJsonString(leases.status().message(), out);
    out += '}';
    return {200, std::move(out)};
  }
  const int64_t start_ns = SystemClock()->WallNs();
  const size_t n = leases.ok() ? leases->size() : 0;
  for (size_t i = 0; i < n; ++i) {
    const Lease& lease = (*leases)[i];
    out += i == 0 ? "{\"lease\":\"" : ",{\"lease\":\"";
    out += codec_.Encode(lease, start_ns);
    out += "\",\"id\":";
    AppendJsonInt(static_cast<int64_t>(lease.event.id), out);
    out += ",\"account\":";
    AppendJsonString(lease.event.account, out);
    out += ",\"seq\":";
    AppendJsonInt(static_cast<int64_t>(lease.event.seq), out);
    out += ",\"attempt\":";
    AppendJsonInt(lease.event.attempt, out);
    out += ",\"payload\":";
    AppendJsonString(lease.event.payload, out);
    out += ",\"expires_in_ms\":";
    AppendJsonInt(ExpiresInMs(lease), out);
    out += '}';
  }
  out += "]}";
  return {200, std::move(out)};
}

int64_t PullService::ExpiresInMs(const Lease& lease) const {
  const int64_t left = lease.deadline_ns - SystemClock()->MonotonicNs();
  return std::clamp<int64_t>(left, 0, lease_ttl_ns_) / 1'000'000;
}

PullReply PullService::Settle(std::string_view body, const std::string& worker) {
  auto items = ParseSettleRequest(body);
  if (!items.ok()) return Refused(items.status());
  return {200, JoinArray(SettleItems(*items, worker))};
}

std::vector<std::string> PullService::SettleItems(std::vector<SettleItem>& items,
                                                  const std::string& worker) {
  std::vector<std::string> results(items.size());
  Accepted accepted = Decode(codec_, items, results);
  const size_t n = accepted.settlements.size();
  const int64_t end_ns = SystemClock()->WallNs();
  if (options_.log != nullptr && options_.record_first && n > 0) {
    std::vector<AttemptRecord> unconfirmed;
    unconfirmed.reserve(n);
    for (size_t k = 0; k < n; ++k) {
      unconfirmed.push_back(
          AttemptLedger::Unconfirmed(accepted.settlements[k], worker, accepted.starts[k], end_ns));
    }
    options_.log->WriteMany(unconfirmed);
  }
  auto completed = n > 0 ? store_.CompleteMany(accepted.settlements, ClaimNext::kNo)
                         : std::vector<Result<CompleteResult>>{};
  std::vector<AttemptRecord> lines;
  lines.reserve(n);
  for (size_t k = 0; k < n; ++k) {
    const Result<CompleteResult>& result = completed[k];
    const AttemptRecord::Outcome logged = ledger_.Book(result);
    const Event& event = accepted.settlements[k].lease.event;
    if (logged == AttemptRecord::Outcome::kAck) {
      metrics_.latency.Observe(end_ns - event.enqueued_ns);
    }
    std::string& out = results[accepted.items[k]];
    if (result.ok()) {
      out = "{\"ok\":true,\"disposition\":\"";
      out += DispositionName(result->disposition);
      out += "\"}";
    } else {
      out = JsonErrorBody(ItemError(result.status()));
    }
    if (options_.log != nullptr) {
      lines.push_back(AttemptLedger::Final(std::move(accepted.settlements[k]), worker,
                                           accepted.starts[k], end_ns, result, logged));
    }
  }
  if (!lines.empty()) options_.log->WriteMany(lines);
  return results;
}

PullReply PullService::Extend(std::string_view body) {
  auto leases = ParseExtendRequest(body);
  if (!leases.ok()) return Refused(leases.status());
  std::vector<std::string> results;
  results.reserve(leases->size());
  for (const std::string& token : *leases) {
    auto decoded = codec_.Decode(token);
    if (!decoded.ok()) {
      results.push_back(JsonErrorBody(decoded.status().message()));
      continue;
    }
    Lease& lease = decoded->lease;
    if (Status s = store_.Extend(lease); !s.ok()) {
      results.push_back(JsonErrorBody(ItemError(s)));
      continue;
    }
    std::string out = "{\"ok\":true,\"expires_in_ms\":";
    AppendJsonInt(ExpiresInMs(lease), out);
    out += '}';
    results.push_back(std::move(out));
  }
  return {200, JoinArray(results)};
}

void PullService::Stop() { polls_.Stop(); }

}  // namespace strandq::http
