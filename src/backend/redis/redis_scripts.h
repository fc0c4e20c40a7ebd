// Copyright 2026 The strandq Authors.
#pragma once

#include <array>
#include <string_view>

namespace strandq {

// The store's protocol: one Lua script per step, each run atomically by the server
// (docs/redis-protocol.md describes the keys and every script). Every script takes
// KEYS[1] = "{prefix}" (the namespace's hash tag) and the same ARGV header:
//   ARGV[1] policy ("longest" | "oldest"), ARGV[2] lease TTL in microseconds,
//   ARGV[3] max_attempts, ARGV[4] on_dead ("skip" | "park"),
// then the script's own arguments from ARGV[5] on.
enum class RedisScript {
  kEnqueue,
  kClaim,
  kComplete,
  kExtend,
  kStats,
  kListDead,
  kReplayDead,
  kPurgeDead,
};
inline constexpr size_t kRedisScriptCount = 8;

// The full source of a script (the shared prelude followed by its body).
std::string_view RedisScriptSource(RedisScript script);
// A short name for messages ("complete").
std::string_view RedisScriptName(RedisScript script);

}  // namespace strandq
