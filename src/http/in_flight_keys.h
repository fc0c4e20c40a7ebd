// Copyright 2026 The strandq Authors.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace strandq::http {

// The idempotency keys of the POST /v1/events this server is handling right now. A request
// holds its key while its store call runs; a request with the same key meanwhile is refused
// (409), since its answer is not known yet. That makes 409 reachable whatever the store: with
// an atomic store the repeat would only wait and be answered the first request's receipts.
// Only this process's requests are seen. Thread-safe.
class InFlightKeys {
 public:
  // Releases its key when destroyed.
  class Hold {
   public:
    Hold(InFlightKeys& owner, std::string key) : owner_(&owner), key_(std::move(key)) {}
    Hold(Hold&& other) noexcept : owner_(other.owner_), key_(std::move(other.key_)) {
      other.owner_ = nullptr;
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    Hold& operator=(Hold&&) = delete;
    ~Hold();

   private:
    InFlightKeys* owner_;
    std::string key_;
  };

  // A hold on `key`, or nullopt while another request holds it.
  std::optional<Hold> TryHold(std::string_view key);
  // Keys held now.
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_set<std::string> keys_;  // guarded by mu_
};

}  // namespace strandq::http
