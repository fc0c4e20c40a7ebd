// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "strandq/event.h"
#include "strandq/status.h"

namespace strandq {

// A producer's idempotency key as a store remembers it (Store::EnqueueOnce).
struct IdempotencyEntry {
  std::string key;
  std::string fingerprint;               // BatchFingerprint of the batch it enqueued
  std::vector<EnqueueReceipt> receipts;  // what that batch was answered
  int64_t expires_wall_ns = 0;           // from this wall instant on, the key is forgotten
};

// The answer to a known key with a different batch (KeyReused), the same from every store.
Status IdempotencyKeyReused(std::string_view key);

// IdempotencyTable holds the idempotency keys of a store, each with its batch's fingerprint
// and receipts, until it expires. An entry is live while now < expires_wall_ns; Find never
// returns one that is not, so an expired key is as if never recorded whether or not Expire has
// removed it yet. Expire removes the expired entries in order of expiry (a min-heap beside the
// map, so each entry costs O(log n) once, whatever order entries were recorded or restored in)
// and returns their keys, for a store that mirrors the table elsewhere. A store that keeps the
// table across restarts calls Record with every persisted entry when it opens. Not
// thread-safe (its owner's lock guards it).
class IdempotencyTable {
 public:
  // The entry of `key` live at `now_wall_ns`, or null. Valid until the next Record or Expire.
  const IdempotencyEntry* Find(std::string_view key, int64_t now_wall_ns) const;
  // Records `entry`, replacing any entry of the same key.
  const IdempotencyEntry& Record(IdempotencyEntry entry);
  // Removes every entry that expired at or before `now_wall_ns`; returns their keys.
  std::vector<std::string> Expire(int64_t now_wall_ns);
  // Calls `visit` with every entry held, in no particular order (expired ones not yet removed
  // included).
  void ForEach(const std::function<void(const IdempotencyEntry&)>& visit) const;
  size_t size() const { return entries_.size(); }

 private:
  using Due = std::pair<int64_t, std::string>;  // expires_wall_ns, key
  std::unordered_map<std::string, IdempotencyEntry> entries_;
  // One item per Record; an item whose entry was replaced since is skipped when it comes due.
  std::priority_queue<Due, std::vector<Due>, std::greater<>> expiries_;
};

}  // namespace strandq
