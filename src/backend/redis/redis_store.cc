// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_store.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

#include "backend/redis/redis_state.h"
#include "core/batch_fingerprint.h"
#include "core/idempotency_table.h"
#include "util/random.h"

namespace strandq {

// DESIGN
// The server holds the truth; this class only carries calls to it. Each Store method is one
// call of a step of lua/ (FCALL of the library's function; EVALSHA of the step's script on
// Redis 6.2) on a connection taken from the pool (redis_store_calls.cc: concurrent callers run
// concurrently, one connection each) and put back afterwards; a connection that
// failed is dropped and the call, if repeating it is safe, goes round again after a backoff.
// Repeating is safe for every script but enqueue (enqueue-once is: a repeat finds its own key
// and is answered the receipts recorded with it): claims only grant (a lost grant expires and
// is delivered again), completions record the token, event id and disposition of the latest
// settlement in the account's state so that a repeated completion (marked as such) that was applied
// before is answered with its first disposition, extensions and reads change nothing new. Blocking:
// when the claim script grants nothing, Claim blocks in BLMOVE on the wake list (see wake() in
// lua/strand.lua) for at most the caller's wait, the time until the next lease deadline or retry
// delay (the claim script returns it) and one lease TTL, then claims again. A new retry delay wakes
// blocked claimers so they sleep until it ends; a lease granted while they sleep is noticed within
// one TTL of its expiry at worst. A caller's stop request wakes its own BLMOVE with CLIENT UNBLOCK
// from another connection. Deadlines come from the server's clock; a Lease's deadline_ns is
// translated to this host's monotonic clock (the time of the request plus the TTL), which errs on
// the early side.

namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using SteadyClock = std::chrono::steady_clock;

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

int64_t Micros(nanoseconds ns) { return std::max<int64_t>(0, (ns.count() + 999) / 1000); }

Status Malformed(std::string_view what) {
  return Status::Internal("unexpected reply from Redis to " + std::string(what));
}

}  // namespace

Result<std::unique_ptr<RedisStore>> RedisStore::Open(const RedisUrl& url,
                                                     const EngineOptions& options,
                                                     const RedisStoreOptions& redis_options) {
  Status valid = ValidateEngineOptions(options);
  if (!valid.ok()) return valid;
  auto conn = RedisConnection::Open(url, redis_options.io_timeout);
  if (!conn.ok()) return conn.status();
  auto policy = NamespacePolicy(**conn, url, options);
  if (!policy.ok()) return policy.status();
  EngineOptions effective = options;
  effective.policy = *policy;
  std::unique_ptr<RedisStore> store(new RedisStore(url, effective, redis_options));
  Status format = store->CheckFormat(**conn);
  if (!format.ok()) return format;
  if (Status client = store->RegisterClient(**conn); !client.ok()) return client;
  store->functions_ = redis_options.functions && (*conn)->server_version() >= 70000;
  for (size_t i = 0; i < (store->functions_ ? 1 : kRedisScriptCount); ++i) {
    Status loaded = store->Load(**conn, static_cast<RedisScript>(i));
    if (!loaded.ok()) return loaded;
  }
  store->Release(std::move(*conn));
  return store;
}

Status RedisStore::CheckFormat(RedisConnection& conn) {
  const std::string config = tag_ + ":config";
  auto got = conn.Command({"HGET", config, "format"});
  if (!got.ok()) return got.status();
  std::string format(ReplyText(**got));
  if ((*got)->type == REDIS_REPLY_NIL) {
    // Format 1 wrote no `format` field: a namespace with state but without it is of format 1.
    auto old = conn.Command({"EXISTS", tag_ + ":state"});
    if (!old.ok()) return old.status();
    if ((*old)->type == REDIS_REPLY_INTEGER && (*old)->integer > 0) {
      format = "1";
    } else if (options_.policy_from_store) {
      return Status();  // a new namespace: the first producer or worker records the format
    } else {
      auto set = conn.Command({"HSETNX", config, "format", kRedisStateFormat});
      if (!set.ok()) return set.status();
      got = conn.Command({"HGET", config, "format"});
      if (!got.ok()) return got.status();
      format = std::string(ReplyText(**got));
    }
  }
  if (format == kRedisStateFormat) return Status();
  return Status::InvalidArgument(
      "namespace '" + url_.prefix + "' at " + url_.Address() + " holds data of format " + format +
      "; this strandq reads format " + std::string(kRedisStateFormat) +
      " (drain it with the strandq that wrote it, or use another ?prefix=)");
}

RedisStore::RedisStore(const RedisUrl& url, const EngineOptions& options,
                       const RedisStoreOptions& redis_options)
    : url_(url),
      options_(options),
      redis_options_(redis_options),
      backoff_(options.retry_backoff, options.retry_backoff_max),
      tag_("{" + url.prefix + "}"),
      wake_key_(tag_ + ":wake"),
      header_{std::string(PolicyName(options.policy)),
              std::to_string(std::max<int64_t>(1, Micros(options.lease_ttl))),
              std::to_string(options.max_attempts), std::string(OnDeadName(options.on_dead)), "0"},
      jitter_seed_(redis_options.jitter_seed != 0 ? redis_options.jitter_seed : RandomSeed()),
      clock_(redis_options.clock != nullptr ? redis_options.clock : SystemClock()),
      clock_key_(tag_ + ":clock") {}

RedisStore::~RedisStore() = default;

// ---- Public API ----

Result<std::vector<EnqueueReceipt>> RedisStore::Enqueue(std::span<const NewEvent> batch) {
  Status valid = ValidateNewEvents(batch, options_.max_payload_bytes);
  if (!valid.ok()) return valid;
  std::vector<EnqueueReceipt> receipts;
  if (batch.empty()) return receipts;
  std::vector<std::string_view> args;
  args.reserve(batch.size() * 2);
  for (const NewEvent& event : batch) {
    args.push_back(event.account);
    args.push_back(event.payload);
  }
  auto reply = Run(RedisScript::kEnqueue, args, Retry::kOnlyToConnect);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 || r.element[0]->type != REDIS_REPLY_INTEGER ||
      r.element[1]->type != REDIS_REPLY_ARRAY || r.element[1]->elements != batch.size()) {
    return Malformed("enqueue");
  }
  const auto first = static_cast<uint64_t>(r.element[0]->integer);
  receipts.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    receipts.push_back({first + i, static_cast<uint64_t>(r.element[1]->element[i]->integer)});
  }
  return receipts;
}

Result<EnqueueOnceResult> RedisStore::EnqueueOnce(std::string_view key,
                                                  std::span<const NewEvent> batch) {
  if (Status valid = ValidateIdempotencyKey(key); !valid.ok()) return valid;
  Status valid = ValidateNewEvents(batch, options_.max_payload_bytes);
  if (!valid.ok()) return valid;
  const std::string fingerprint = BatchFingerprint(batch);
  const std::string window = std::to_string(Micros(options_.idempotency_window));
  std::vector<std::string_view> args = {key, fingerprint, window};
  args.reserve(3 + batch.size() * 2);
  for (const NewEvent& event : batch) {
    args.push_back(event.account);
    args.push_back(event.payload);
  }
  auto reply = Run(RedisScript::kEnqueueOnce, std::move(args), Retry::kAlways);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (r.type != REDIS_REPLY_ARRAY || r.elements < 1 || r.element[0]->type != REDIS_REPLY_INTEGER) {
    return Malformed("enqueue-once");
  }
  if (r.element[0]->integer == 2) return IdempotencyKeyReused(key);
  if (r.elements != 3 || r.element[1]->type != REDIS_REPLY_INTEGER ||
      r.element[2]->type != REDIS_REPLY_ARRAY || r.element[2]->elements != batch.size()) {
    return Malformed("enqueue-once");
  }
  EnqueueOnceResult result;
  result.replayed = r.element[0]->integer == 1;
  const auto first = static_cast<uint64_t>(r.element[1]->integer);
  result.receipts.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    result.receipts.push_back(
        {first + i, static_cast<uint64_t>(r.element[2]->element[i]->integer)});
  }
  return result;
}

Result<std::vector<Lease>> RedisStore::Claim(size_t max, nanoseconds wait, std::stop_token stop) {
  std::vector<Lease> leases;
  if (max == 0) return leases;
  constexpr auto kForever = std::chrono::hours(24 * 365);
  const SteadyClock::time_point give_up =
      wait >= kForever ? SteadyClock::time_point::max() : SteadyClock::now() + wait;
  const std::string max_text = std::to_string(max);
  for (;;) {
    if (stop.stop_requested()) return leases;
    const int64_t requested_ns = clock_->MonotonicNs();
    auto reply = Run(RedisScript::kClaim, {max_text}, Retry::kAlways, -1, stop);
    if (!reply.ok()) return reply.status();
    const redisReply& r = **reply;
    if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 || r.element[0]->type != REDIS_REPLY_ARRAY ||
        r.element[1]->type != REDIS_REPLY_INTEGER) {
      return Malformed("claim");
    }
    for (size_t i = 0; i < r.element[0]->elements; ++i) {
      auto lease = ParseLease(*r.element[0]->element[i]);
      if (!lease.ok()) return lease.status();
      lease->deadline_ns = requested_ns + options_.lease_ttl.count();
      leases.push_back(std::move(*lease));
    }
    if (!leases.empty() || wait.count() <= 0) return leases;
    const auto now = SteadyClock::now();
    if (now >= give_up) return leases;
    nanoseconds block = give_up == SteadyClock::time_point::max()
                            ? nanoseconds(kForever)
                            : std::chrono::duration_cast<nanoseconds>(give_up - now);
    if (const int64_t due_us = r.element[1]->integer; due_us >= 0) {
      block = std::min(block, nanoseconds(due_us * 1000));
    }
    // A lease granted from now on cannot expire sooner than one TTL from now: waking then at
    // the latest notices it (the server does not signal expiries).
    block = std::min(block, std::chrono::duration_cast<nanoseconds>(options_.lease_ttl));
    Status waited = WaitForWork(block, stop);
    if (!waited.ok()) return waited;
  }
}

Result<CompleteResult> RedisStore::Complete(const Lease& lease, const Outcome& outcome,
                                            ClaimNext claim_next) {
  const Settlement settlement{lease, outcome};
  return std::move(CompleteMany({&settlement, 1}, claim_next)[0]);
}

std::vector<Result<CompleteResult>> RedisStore::CompleteMany(
    std::span<const Settlement> settlements, ClaimNext claim_next) {
  std::vector<Result<CompleteResult>> results;
  if (settlements.empty()) return results;
  // The account and the encoded settlement of each lease; args points into `encoded`.
  std::vector<std::string> encoded;
  encoded.reserve(settlements.size());
  std::vector<std::string_view> args = {claim_next == ClaimNext::kYes ? "1" : "0", "0"};
  args.reserve(2 + settlements.size() * 2);
  for (const Settlement& s : settlements) {
    encoded.push_back(
        RedisSettlementArg(s.lease.token, s.lease.event.id, SettlementDelay(s), s.outcome.error));
    args.push_back(s.lease.event.account);
    args.push_back(encoded.back());
  }
  const int64_t requested_ns = clock_->MonotonicNs();
  auto reply = Run(RedisScript::kComplete, std::move(args), Retry::kAlways, /*repeat_flag=*/1);
  if (!reply.ok()) return std::vector<Result<CompleteResult>>(settlements.size(), reply.status());
  const redisReply& r = **reply;
  if (r.type != REDIS_REPLY_ARRAY || r.elements != settlements.size()) {
    return std::vector<Result<CompleteResult>>(settlements.size(), Malformed("complete"));
  }
  results.reserve(settlements.size());
  for (size_t i = 0; i < settlements.size(); ++i) {
    results.push_back(ParseCompletion(*r.element[i], settlements[i].lease, requested_ns));
  }
  return results;
}

Result<CompleteResult> RedisStore::ParseCompletion(const redisReply& reply, const Lease& lease,
                                                   int64_t requested_ns) const {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 2 ||
      reply.element[1]->type != REDIS_REPLY_ARRAY) {
    return Malformed("complete");
  }
  const std::string_view disposition = ReplyText(*reply.element[0]);
  CompleteResult result;
  if (disposition == "acked") {
    result.disposition = Disposition::kAcked;
  } else if (disposition == "retry") {
    result.disposition = Disposition::kRetrying;
  } else if (disposition == "dead") {
    result.disposition = Disposition::kDead;
  } else if (disposition == "lost") {
    return Status::LeaseLost("lease of event " + std::to_string(lease.event.id) + " (account '" +
                             lease.event.account.substr(0, 64) + "', token " +
                             std::to_string(lease.token) +
                             ") is no longer valid: it expired or was granted again");
  } else {
    return Malformed("complete");
  }
  if (reply.element[1]->elements != 0) {
    auto next = ParseLease(*reply.element[1]);
    if (!next.ok()) return next.status();
    next->deadline_ns = requested_ns + options_.lease_ttl.count();
    result.next = std::move(*next);
  }
  return result;
}

Status RedisStore::Extend(Lease& lease) {
  const int64_t requested_ns = clock_->MonotonicNs();
  auto reply =
      Run(RedisScript::kExtend,
          {lease.event.account, std::to_string(lease.token), std::to_string(lease.event.id)},
          Retry::kAlways);
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_INTEGER) return Malformed("extend");
  if ((*reply)->integer < 0) {
    return Status::LeaseLost("lease of event " + std::to_string(lease.event.id) +
                             " is no longer valid: it expired or was granted again");
  }
  lease.deadline_ns = requested_ns + (*reply)->integer * 1000;
  return Status();
}

Result<StoreStats> RedisStore::Stats() {
  auto reply = Run(RedisScript::kStats, {}, Retry::kAlways);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (r.type != REDIS_REPLY_ARRAY || r.elements % 2 != 0) return Malformed("stats");
  StoreStats stats;
  const std::pair<std::string_view, uint64_t*> fields[] = {
      {"pending", &stats.pending}, {"accounts", &stats.accounts},
      {"ready", &stats.ready},     {"leased", &stats.leased},
      {"delayed", &stats.delayed}, {"parked", &stats.parked},
      {"dead", &stats.dead},       {"enqueued", &stats.enqueued},
      {"acked", &stats.acked},     {"nacked", &stats.nacked},
      {"expired", &stats.expired}, {"dead_lettered", &stats.dead_lettered},
      {"paused", &stats.paused},
  };
  int64_t oldest_us = 0;
  for (size_t i = 0; i < r.elements; i += 2) {
    const std::string_view name = ReplyText(*r.element[i]);
    if (name == "oldest_us" && !ParseNumber(ReplyText(*r.element[i + 1]), oldest_us)) {
      return Malformed("stats");
    }
    for (const auto& [field, target] : fields) {
      if (name != field) continue;
      int64_t value = 0;
      if (!ParseNumber(ReplyText(*r.element[i + 1]), value)) return Malformed("stats");
      *target = static_cast<uint64_t>(std::max<int64_t>(0, value));
    }
  }
  stats.oldest_pending_ns = oldest_us * 1000;
  return stats;
}

Result<std::vector<DeadLetter>> RedisStore::ListDead(size_t limit) {
  std::vector<DeadLetter> out;
  if (limit == 0) return out;
  // Lua numbers are doubles: keep the limit where they are exact.
  constexpr size_t kMaxLimit = size_t{1} << 52;
  auto reply =
      Run(RedisScript::kListDead, {std::to_string(std::min(limit, kMaxLimit))}, Retry::kAlways);
  if (!reply.ok()) return reply.status();
  const redisReply& r = **reply;
  if (r.type != REDIS_REPLY_ARRAY) return Malformed("list-dead");
  for (size_t i = 0; i < r.elements; ++i) {
    const redisReply& e = *r.element[i];
    if (e.type != REDIS_REPLY_ARRAY || e.elements != 5) return Malformed("list-dead");
    DeadLetter& letter = out.emplace_back();
    int64_t dead_us = 0;
    if (!ParseNumber(ReplyText(*e.element[0]), letter.event.attempt) ||
        !ParseNumber(ReplyText(*e.element[2]), dead_us) ||
        !DecodeRedisRecord(ReplyText(*e.element[3]), letter.event)) {
      return Malformed("list-dead");
    }
    letter.error = std::string(ReplyText(*e.element[1]));
    letter.dead_ns = dead_us * 1000;
    letter.event.account = std::string(ReplyText(*e.element[4]));
  }
  return out;
}

Result<size_t> RedisStore::ReplayDead(std::span<const uint64_t> ids, ReplayAt at) {
  std::vector<uint64_t> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (sorted.empty()) return size_t{0};
  std::vector<std::string> args = {at == ReplayAt::kTail ? "1" : "0"};
  for (uint64_t id : sorted) args.push_back(std::to_string(id));
  auto reply = Run(RedisScript::kReplayDead, {args.begin(), args.end()}, Retry::kAlways);
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_INTEGER) return Malformed("replay-dead");
  return static_cast<size_t>((*reply)->integer);
}

Result<size_t> RedisStore::PurgeDead(std::span<const uint64_t> ids) {
  std::vector<std::string> args;
  for (uint64_t id : ids) args.push_back(std::to_string(id));
  auto reply = Run(RedisScript::kPurgeDead, {args.begin(), args.end()}, Retry::kAlways);
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_INTEGER) return Malformed("purge-dead");
  return static_cast<size_t>((*reply)->integer);
}

Result<Lease> RedisStore::ParseLease(const redisReply& reply) const {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 4 ||
      reply.element[2]->type != REDIS_REPLY_INTEGER ||
      reply.element[3]->type != REDIS_REPLY_INTEGER) {
    return Malformed("a lease");
  }
  Lease lease;
  if (!DecodeRedisRecord(ReplyText(*reply.element[1]), lease.event)) return Malformed("a lease");
  lease.event.account = std::string(ReplyText(*reply.element[0]));
  lease.event.attempt = static_cast<uint32_t>(reply.element[3]->integer);
  lease.token = static_cast<uint64_t>(reply.element[2]->integer);
  return lease;
}

int64_t RedisStore::SettlementDelay(const Settlement& s) const {
  if (s.outcome.acked()) return kSettleAck;
  if (s.outcome.permanent()) return kSettlePermanent;
  if (s.outcome.retry_after.count() >= 0) return Micros(s.outcome.retry_after);
  return Micros(RetryDelay(s.lease));
}

nanoseconds RedisStore::RetryDelay(const Lease& lease) const {
  const uint32_t attempt = lease.event.attempt;
  return backoff_.Delay(attempt, JitterDraw(jitter_seed_, lease.event.id, attempt));
}

}  // namespace strandq
