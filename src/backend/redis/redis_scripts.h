// Copyright 2026 The strandq Authors.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace strandq {

// The store's protocol: one Lua step per operation, each run atomically by the server
// (docs/redis-protocol.md describes the keys and every step). Every step takes
// KEYS[1] = "{prefix}" (the namespace's hash tag; in tests only, KEYS[2] = "{prefix}:clock",
// which holds the time in µs the step uses instead of the server's TIME) and the same ARGV header:
//   ARGV[1] policy ("longest" | "oldest"), ARGV[2] lease TTL in microseconds,
//   ARGV[3] max_attempts, ARGV[4] on_dead ("skip" | "park"), ARGV[5] the client's number (its
//   name in {prefix}:clients, for the leases it is granted; 0: none),
// then the step's own arguments from ARGV[6] on.
enum class RedisScript {
  kEnqueue,
  kClaim,
  kComplete,
  kExtend,
  kStats,
  kListDead,
  kReplayDead,
  kPurgeDead,
  kEnqueueOnce,
  kSetPaused,
  kListAccounts,
  kGetAccount,
};
inline constexpr size_t kRedisScriptCount = 12;

// The layout of a namespace's keys and values (docs/redis-protocol.md), kept in its config hash
// as `format`. A client refuses a namespace of another format rather than misread it. Format 1
// (before this field existed) kept the last settlement as text in the state; format 2 had no
// replay count in strand records; format 3 no paused flag, lease holder, error flag and head id
// in account states, and no listing indexes.
inline constexpr std::string_view kRedisStateFormat = "4";

// Each step runs in one of two ways, with the same arguments and replies:
//  - Redis 7+: as a function of one library (FUNCTION LOAD RedisLibrarySource() once, then
//    FCALL RedisFunctionName(step)), whose shared helpers are created once, at load;
//  - Redis 6.2: as a script (SCRIPT LOAD RedisScriptSource(step), then EVALSHA), which
//    creates them again on every call.
// The library's name, and so its functions' names, include a fingerprint of the code:
// clients of different strandq versions sharing a server never replace each other's library.

// The full source of a step's script (the shared helpers followed by the step).
std::string_view RedisScriptSource(RedisScript script);
// The library of every step, for FUNCTION LOAD.
std::string_view RedisLibrarySource();
// The step's function in that library ("strandq_<fingerprint>_complete").
std::string_view RedisFunctionName(RedisScript script);
// A short name for messages ("complete").
std::string_view RedisScriptName(RedisScript script);
// `error`, as the server reported it for `script` (run from the library if `library`), with
// each line of the chunk it names followed by the file and line of lua/ it is:
// "ERR user_function:812: ..." -> "ERR user_function:812 (complete.lua:40): ...".
std::string RedisExplainError(RedisScript script, bool library, std::string_view error);

// The settlement's third field: the retry delay in µs (>= 0) of a nack, or one of these.
constexpr int64_t kSettleAck = -1;        // acked
constexpr int64_t kSettlePermanent = -2;  // failed for good: dead-letter now

// The complete step's argument for one lease (after its account): the token, the event id and
// `delay_us` (a retry delay, kSettleAck or kSettlePermanent) as little-endian doubles, as Lua's
// struct.pack('<ddd') writes them, followed by the error unless acked. Binary, because Lua
// turns text into numbers and back only at a cost.
std::string RedisSettlementArg(uint64_t token, uint64_t id, int64_t delay_us,
                               std::string_view error);

}  // namespace strandq
