// Copyright 2026 The strandq Authors.
#include "strandq/store.h"

#include <iterator>

namespace strandq {

Status ValidateIdempotencyKey(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("the idempotency key is empty");
  if (key.size() > kMaxIdempotencyKeyBytes) {
    return Status::InvalidArgument("the idempotency key is " + std::to_string(key.size()) +
                                   " bytes long, more than " +
                                   std::to_string(kMaxIdempotencyKeyBytes));
  }
  for (size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c < '!' || c > '~') {
      static constexpr char kHex[] = "0123456789abcdef";
      return Status::InvalidArgument(std::string("the idempotency key has a bad byte 0x") +
                                     kHex[c >> 4] + kHex[c & 0xf] + " at offset " +
                                     std::to_string(i) +
                                     " (allowed: 1 to 255 bytes of visible ASCII, '!' to '~', "
                                     "no spaces)");
    }
  }
  return Status();
}

std::vector<Result<CompleteResult>> Store::CompleteMany(std::span<const Settlement> settlements,
                                                        ClaimNext claim_next) {
  std::vector<Result<CompleteResult>> results;
  results.reserve(settlements.size());
  for (const Settlement& s : settlements)
    results.push_back(Complete(s.lease, s.outcome, claim_next));
  return results;
}

namespace {
constexpr std::string_view kAccountStateNames[] = {"idle",    "ready",  "leased",
                                                   "delayed", "paused", "parked"};
Status NoAccounts() {
  return Status::InvalidArgument("this store does not list or pause its accounts");
}
}  // namespace

std::string_view AccountStateName(AccountState state) {
  return kAccountStateNames[static_cast<size_t>(state)];
}

std::optional<AccountState> ParseAccountState(std::string_view name) {
  for (size_t i = 0; i < std::size(kAccountStateNames); ++i)
    if (kAccountStateNames[i] == name) return static_cast<AccountState>(i);
  return std::nullopt;
}

Result<std::vector<AccountInfo>> Store::ListAccounts(const AccountQuery&) { return NoAccounts(); }

Result<AccountDetail> Store::GetAccount(std::string_view, size_t, size_t) { return NoAccounts(); }

Result<AccountInfo> Store::SetPaused(std::string_view, bool) { return NoAccounts(); }

Result<uint64_t> Store::Drop() {
  return Status::InvalidArgument(
      "this store lives only inside its process: there is nothing to drop (drop is for a "
      "shared store, redis://...)");
}

}  // namespace strandq
