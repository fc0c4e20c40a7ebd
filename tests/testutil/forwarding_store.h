// Copyright 2026 The strandq Authors.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "strandq/store.h"

namespace strandq::testing {

// Forwards every call to an inner store; tests override what they change (a slow call, a
// refused one). Thread-safe as the inner store is.
class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}
  Result<std::vector<EnqueueReceipt>> Enqueue(std::span<const NewEvent> b) override {
    return inner_->Enqueue(b);
  }
  Result<EnqueueOnceResult> EnqueueOnce(std::string_view key,
                                        std::span<const NewEvent> b) override {
    return inner_->EnqueueOnce(key, b);
  }
  Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds wait,
                                   std::stop_token stop = {}) override {
    return inner_->Claim(max, wait, stop);
  }
  Result<CompleteResult> Complete(const Lease& l, const Outcome& o, ClaimNext next) override {
    return inner_->Complete(l, o, next);
  }
  Status Extend(Lease& l) override { return inner_->Extend(l); }
  Result<StoreStats> Stats() override { return inner_->Stats(); }
  Result<std::vector<DeadLetter>> ListDead(size_t limit) override {
    return inner_->ListDead(limit);
  }
  Result<size_t> ReplayDead(std::span<const uint64_t> ids, ReplayAt at) override {
    return inner_->ReplayDead(ids, at);
  }
  Result<size_t> PurgeDead(std::span<const uint64_t> ids) override {
    return inner_->PurgeDead(ids);
  }
  Result<std::vector<AccountInfo>> ListAccounts(const AccountQuery& query) override {
    return inner_->ListAccounts(query);
  }
  Result<AccountDetail> GetAccount(std::string_view account, size_t offset, size_t limit) override {
    return inner_->GetAccount(account, offset, limit);
  }
  Result<AccountInfo> SetPaused(std::string_view account, bool paused) override {
    return inner_->SetPaused(account, paused);
  }
  StoreTraits Traits() const override { return inner_->Traits(); }

 private:
  std::unique_ptr<Store> inner_;
};

}  // namespace strandq::testing
