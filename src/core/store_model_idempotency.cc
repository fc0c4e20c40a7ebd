// Copyright 2026 The strandq Authors.
// StoreModel's idempotent enqueue (the rule is stated in store_model.h).
#include <string>
#include <utility>

#include "core/store_model.h"

namespace strandq {

Result<EnqueueOnceResult> StoreModel::EnqueueOnce(std::string_view key,
                                                  std::string_view fingerprint,
                                                  std::span<const NewEvent> batch,
                                                  std::vector<std::string> payloads,
                                                  ModelTime now) {
  ProcessDue(now);
  std::vector<std::string> expired = idempotency_.Expire(now.wall_ns);
  if (recording_) {
    for (std::string& key : expired) changes_.keys_expired.push_back(std::move(key));
  }
  if (const IdempotencyEntry* known = idempotency_.Find(key, now.wall_ns)) {
    if (known->fingerprint != fingerprint) return IdempotencyKeyReused(key);
    return EnqueueOnceResult{known->receipts, /*replayed=*/true};
  }
  EnqueueOnceResult result{Enqueue(batch, std::move(payloads), now), /*replayed=*/false};
  const IdempotencyEntry& recorded =
      idempotency_.Record({std::string(key), std::string(fingerprint), result.receipts,
                           now.wall_ns + options_.idempotency_window.count()});
  if (recording_) changes_.keys.push_back(recorded);
  return result;
}

}  // namespace strandq
