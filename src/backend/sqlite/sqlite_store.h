// Copyright 2026 The strandq Authors.
#pragma once

#include <memory>
#include <span>
#include <stop_token>
#include <vector>

#include "backend/memory/memory_store.h"
#include "backend/sqlite/owner_lock.h"
#include "backend/sqlite/sqlite_url.h"
#include "backend/sqlite/sqlite_writer.h"
#include "strandq/store.h"

namespace strandq {

// SqliteStore is the durable embedded store, sqlite:PATH: the StoreModel in memory (a
// MemoryStore) with an SQLite database in WAL mode as its durable record (SqliteWriter, group
// commit). Every step answers only once what it changed is committed, so an acknowledgement
// (an Enqueue's receipts, a settled Complete, a grant) survives a crash of the process (and,
// with sync=full, of the machine). Payloads live in the database and are read when an event is
// granted. Opening the database rebuilds the state and applies the restart rule
// (StoreModel::Restart). One process owns a database at a time (OwnerLock). Thread-safe.
class SqliteStore final : public Store {
 public:
  // `clock` (not owned, may be null) drives leases and delays. InvalidArgument for a file that
  // is not a strandq database; Internal for a damaged one; Unavailable when another process
  // owns it or the file cannot be opened. Nothing is written to a file that is refused. With
  // options.policy_from_store (stats, dlq, drop), a file that does not exist is refused
  // (InvalidArgument) rather than created.
  // `jitter_seed`: recorded in a new database (nullopt: the wall clock); a database keeps the
  // one it was created with, so that its retry delays do not change when it is reopened.
  static Result<std::unique_ptr<Store>> Open(const SqliteUrl& url, const EngineOptions& options,
                                             Clock* clock,
                                             std::optional<uint64_t> jitter_seed = std::nullopt);
  ~SqliteStore() override;

  Result<std::vector<EnqueueReceipt>> Enqueue(std::span<const NewEvent> batch) override {
    return memory_->Enqueue(batch);
  }
  Result<EnqueueOnceResult> EnqueueOnce(std::string_view key,
                                        std::span<const NewEvent> batch) override {
    return memory_->EnqueueOnce(key, batch);
  }
  Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds wait,
                                   std::stop_token stop = {}) override {
    return memory_->Claim(max, wait, std::move(stop));
  }
  Result<CompleteResult> Complete(const Lease& lease, const Outcome& outcome,
                                  ClaimNext claim_next) override {
    return memory_->Complete(lease, outcome, claim_next);
  }
  std::vector<Result<CompleteResult>> CompleteMany(std::span<const Settlement> settlements,
                                                   ClaimNext claim_next) override {
    return memory_->CompleteMany(settlements, claim_next);
  }
  Status Extend(Lease& lease) override { return memory_->Extend(lease); }
  Result<StoreStats> Stats() override { return memory_->Stats(); }
  Result<std::vector<DeadLetter>> ListDead(size_t limit) override {
    return memory_->ListDead(limit);
  }
  Result<size_t> ReplayDead(std::span<const uint64_t> ids, ReplayAt at) override {
    return memory_->ReplayDead(ids, at);
  }
  Result<size_t> PurgeDead(std::span<const uint64_t> ids) override {
    return memory_->PurgeDead(ids);
  }
  Result<std::vector<AccountInfo>> ListAccounts(const AccountQuery& query) override {
    return memory_->ListAccounts(query);
  }
  Result<AccountDetail> GetAccount(std::string_view account, size_t offset, size_t limit) override {
    return memory_->GetAccount(account, offset, limit);
  }
  // Paused survives reopening (accounts.paused); last_error does not, but for a parked account
  // (StoreModel's restart rule).
  Result<AccountInfo> SetPaused(std::string_view account, bool paused) override {
    return memory_->SetPaused(account, paused);
  }
  // Deletes every row (the file stays, as a new database) and returns how many rows it deleted.
  Result<uint64_t> Drop() override;
  StoreTraits Traits() const override;

 private:
  SqliteStore() = default;

  std::string path_;
  std::string location_;  // path_ made absolute (StoreTraits::location)
  EngineOptions options_;
  std::optional<OwnerLock> lock_;
  std::unique_ptr<SqliteWriter> writer_;
  std::unique_ptr<MemoryStore> memory_;  // last: stopped first
};

}  // namespace strandq
