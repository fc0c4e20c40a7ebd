// Copyright 2026 The strandq Authors.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "backend/redis/redis_connection.h"
#include "backend/redis/redis_scripts.h"
#include "backend/redis/redis_url.h"
#include "core/backoff.h"
#include "strandq/store.h"

namespace strandq {

// Settings of a RedisStore beyond the engine's.
struct RedisStoreOptions {
  // Connecting, and a reply that is not blocking, may take this long.
  std::chrono::milliseconds io_timeout = std::chrono::seconds(5);
  // After a dropped connection or a restarted server, calls keep reconnecting (with backoff,
  // 50 ms doubling to 1 s) for this long before they return Unavailable.
  std::chrono::milliseconds reconnect_for = std::chrono::seconds(30);
  // Run the steps as Redis 7 functions when the server has them (the helpers are created once
  // per library load, not once per call). False: EVALSHA scripts, as on Redis 6.2.
  bool functions = true;
  // Seeds the retry jitter (JitterDraw); 0: a random seed.
  uint64_t jitter_seed = 0;
  // For tests only (null in production): the steps take their time from this clock's monotonic
  // reading, in microseconds, instead of the server's TIME, and leases' deadline_ns are on it.
  // The store writes the reading to the namespace's `clock` key (KEYS[2] of every step) before
  // a step when it changed. Every process sharing the namespace must use the same clock.
  Clock* clock = nullptr;
};

// RedisStore is the Store of many processes: its state lives in one Redis server (6.2+), under
// the keys of one namespace ("{prefix}:..." so that they share a cluster slot), and every state
// change is one Lua script run atomically by the server (docs/redis-protocol.md). It keeps every
// promise of Store: per-account FIFO, one lease per account, fencing tokens that only grow,
// atomic batches, leases that expire on the server's clock and are delivered again. An idle
// Claim blocks in BLMOVE on the namespace's wake list, never polling. Connections are pooled
// (one per concurrent caller); a failed connection is replaced, and calls that are safe to
// repeat are retried with backoff for reconnect_for: claims, completions (a completion the
// server already applied is recognised and not applied twice), extensions, stats and the
// dead-letter operations. An Enqueue whose reply was lost is not repeated (it may have been
// stored): it returns Unavailable. Thread-safe.
class RedisStore final : public Store {
 public:
  // Connects once (so a wrong URL, a refused connection, a wrong password or an old server is
  // reported now), loads the scripts and records the policy of the namespace: a namespace keeps
  // the policy it was first used with, and a client asking for another one is refused (one
  // opening with options.policy_from_store takes it instead).
  static Result<std::unique_ptr<RedisStore>> Open(const RedisUrl& url, const EngineOptions& options,
                                                  const RedisStoreOptions& redis_options = {});
  ~RedisStore() override;

  Result<std::vector<EnqueueReceipt>> Enqueue(std::span<const NewEvent> batch) override;
  // One call of the enqueue-once step, which records the key with the events. Unlike Enqueue
  // it is repeated after a lost reply: the repeat finds the key (answered replayed).
  Result<EnqueueOnceResult> EnqueueOnce(std::string_view key,
                                        std::span<const NewEvent> batch) override;
  Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds wait,
                                   std::stop_token stop = {}) override;
  Result<CompleteResult> Complete(const Lease& lease, const Outcome& outcome,
                                  ClaimNext claim_next) override;
  // One call of the complete step for every settlement.
  std::vector<Result<CompleteResult>> CompleteMany(std::span<const Settlement> settlements,
                                                   ClaimNext claim_next) override;
  Status Extend(Lease& lease) override;
  Result<StoreStats> Stats() override;
  Result<std::vector<DeadLetter>> ListDead(size_t limit) override;
  Result<size_t> ReplayDead(std::span<const uint64_t> ids, ReplayAt at) override;
  Result<size_t> PurgeDead(std::span<const uint64_t> ids) override;
  // One call each (redis_store_accounts.cc); the listing walks the namespace's `accounts`
  // index (by backlog or by age) up to the limit.
  Result<std::vector<AccountInfo>> ListAccounts(const AccountQuery& query) override;
  Result<AccountDetail> GetAccount(std::string_view account, size_t offset, size_t limit) override;
  Result<AccountInfo> SetPaused(std::string_view account, bool paused) override;
  // Unlinks every key of the namespace, found with SCAN (never KEYS, which blocks the server).
  Result<uint64_t> Drop() override;
  StoreTraits Traits() const override {
    return {StoreTraits::Kind::kShared, true, options_.lease_ttl};
  }

 private:
  using Connection = std::unique_ptr<RedisConnection>;
  enum class Retry { kAlways, kOnlyToConnect };

  RedisStore(const RedisUrl& url, const EngineOptions& options,
             const RedisStoreOptions& redis_options);

  // The namespace's policy (redis_namespace.cc): the one it records, which `options.policy`
  // must match unless options.policy_from_store; else `options.policy`, recorded unless
  // options.policy_from_store. InvalidArgument on a mismatch.
  static Result<Policy> NamespacePolicy(RedisConnection& conn, const RedisUrl& url,
                                        const EngineOptions& options);
  // InvalidArgument unless the namespace is new or of kRedisStateFormat (recorded if new,
  // unless options_.policy_from_store).
  Status CheckFormat(RedisConnection& conn);
  // Finds or makes this client's number in the namespace's `clients` hash (by
  // EngineOptions::client_name) and puts it in the header (0, and nothing recorded, with
  // options_.policy_from_store).
  Status RegisterClient(RedisConnection& conn);
  // An account info {account, state, head record or nil, error or nil, holder or nil} at the
  // server's time `now_us` (lua/strand.lua: account_info).
  Result<AccountInfo> ParseAccount(const redisReply& reply, int64_t now_us) const;
  // A pooled connection, or a new one (then `*fresh` is set to true).
  Result<Connection> Acquire(bool* fresh = nullptr);
  void Release(Connection conn);
  // Runs `script` with `args` (after the common header) on a pooled connection; retries as
  // `retry` allows. When a send may have reached the server before its connection failed,
  // the repeat sets args[repeat_flag] (if >= 0) to "1". An error reply becomes Internal.
  // Gives up with Cancelled between retries once `stop` is requested.
  Result<RedisReply> Run(RedisScript script, std::vector<std::string_view> args, Retry retry,
                         int repeat_flag = -1, std::stop_token stop = {});
  // FCALL (or EVALSHA) of `script` on `conn`; loads the library (or script) again and repeats
  // if the server does not know it (a restart without persistence, FUNCTION/SCRIPT FLUSH).
  Result<RedisReply> Call(RedisConnection& conn, RedisScript script,
                          const std::vector<std::string_view>& args);
  // FUNCTION LOAD REPLACE of the library, or SCRIPT LOAD of `script` (updating shas_).
  Status Load(RedisConnection& conn, RedisScript script);
  // Blocks on the wake list for up to `wait` (a failed connection just ends the wait).
  Status WaitForWork(std::chrono::nanoseconds wait, std::stop_token stop);
  // Ends the BLMOVE of connection `client_id` now (CLIENT UNBLOCK from another connection).
  // Any thread.
  void Unblock(int64_t client_id);
  // Parses one completion's {disposition, next lease or {}}.
  Result<CompleteResult> ParseCompletion(const redisReply& reply, const Lease& lease,
                                         int64_t requested_ns) const;
  // Parses a lease {account, record, token, attempt}.
  Result<Lease> ParseLease(const redisReply& reply) const;
  std::chrono::nanoseconds RetryDelay(const Lease& lease) const;
  // The settlement's delay field (RedisSettlementArg): the handler's retry delay, else a drawn
  // backoff; kSettleAck or kSettlePermanent.
  int64_t SettlementDelay(const Settlement& settlement) const;
  // With a test clock, writes its reading to clock_key_ if it changed.
  Status WriteTestClock(RedisConnection& conn);

  const RedisUrl url_;
  const EngineOptions options_;
  const RedisStoreOptions redis_options_;
  const Backoff backoff_;
  const std::string tag_;              // "{prefix}", KEYS[1] of every script
  const std::string wake_key_;         // "{prefix}:wake"
  std::array<std::string, 5> header_;  // ARGV[1..5] of every script
  const uint64_t jitter_seed_;
  Clock* const clock_;           // SystemClock(), or RedisStoreOptions::clock
  const std::string clock_key_;  // "{prefix}:clock"; used with RedisStoreOptions::clock
  bool functions_ = false;       // FCALL, not EVALSHA; set by Open

  std::mutex mu_;  // guards everything below
  std::vector<Connection> idle_;
  std::array<std::string, kRedisScriptCount> shas_;  // EVALSHA only; empty until loaded
  int64_t clock_written_us_ = -1;                    // the test clock's reading in clock_key_
};

}  // namespace strandq
