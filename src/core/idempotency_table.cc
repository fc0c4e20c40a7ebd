// Copyright 2026 The strandq Authors.
#include "core/idempotency_table.h"

namespace strandq {

Status IdempotencyKeyReused(std::string_view key) {
  return Status::KeyReused("idempotency key '" + std::string(key) +
                           "' was used for a different batch; a repeat must carry the same "
                           "events in the same order (send a new batch under a new key)");
}

const IdempotencyEntry* IdempotencyTable::Find(std::string_view key, int64_t now_wall_ns) const {
  auto it = entries_.find(std::string(key));
  if (it == entries_.end() || now_wall_ns >= it->second.expires_wall_ns) return nullptr;
  return &it->second;
}

const IdempotencyEntry& IdempotencyTable::Record(IdempotencyEntry entry) {
  expiries_.emplace(entry.expires_wall_ns, entry.key);
  std::string key = entry.key;
  auto [it, inserted] = entries_.insert_or_assign(std::move(key), std::move(entry));
  return it->second;
}

std::vector<std::string> IdempotencyTable::Expire(int64_t now_wall_ns) {
  std::vector<std::string> expired;
  while (!expiries_.empty() && expiries_.top().first <= now_wall_ns) {
    auto it = entries_.find(expiries_.top().second);
    // Skip the item of an entry that was replaced (recorded again with another expiry).
    if (it != entries_.end() && it->second.expires_wall_ns == expiries_.top().first) {
      expired.push_back(std::move(it->second.key));
      entries_.erase(it);
    }
    expiries_.pop();
  }
  return expired;
}

void IdempotencyTable::ForEach(const std::function<void(const IdempotencyEntry&)>& visit) const {
  for (const auto& [key, entry] : entries_) visit(entry);
}

}  // namespace strandq
