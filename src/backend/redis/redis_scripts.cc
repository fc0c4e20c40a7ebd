// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_scripts.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "backend/redis/lua_chunk.h"
#include "backend/redis/redis_lua_files.h"
#include "backend/redis/redis_state.h"

namespace strandq {
namespace {

// One step: its name (for messages), its Lua function's name and its file, the body of that
// function, which reads its own arguments from ARGS[6] on.
struct Step {
  std::string_view name;
  std::string_view lua;
  std::string_view file;
};

// In RedisScript order.
constexpr std::array<Step, kRedisScriptCount> kSteps = {{
    {"enqueue", "enqueue", "enqueue.lua"},
    {"claim", "claim", "claim.lua"},
    {"complete", "complete", "complete.lua"},
    {"extend", "extend", "extend.lua"},
    {"stats", "stats", "stats.lua"},
    {"list-dead", "list_dead", "list_dead.lua"},
    {"replay-dead", "replay_dead", "replay_dead.lua"},
    {"purge-dead", "purge_dead", "purge_dead.lua"},
    {"enqueue-once", "enqueue_once", "enqueue_once.lua"},
    {"set-paused", "set_paused", "set_paused.lua"},
    {"list-accounts", "list_accounts", "list_accounts.lua"},
    {"get-account", "get_account", "get_account.lua"},
}};

// A file of lua/, its state fields turned into positions (RedisStateFieldsAsIndexes).
std::string LuaFile(std::string_view name) {
  for (const EmbeddedFile& file : RedisLuaFiles()) {
    if (file.name == name) return RedisStateFieldsAsIndexes(file.text);
  }
  std::fprintf(stderr, "strandq: %.*s is not embedded (src/CMakeLists.txt)\n",
               static_cast<int>(name.size()), name.data());
  std::abort();
}

// The shared pieces, in chunk order: the call's state and helpers, the state codec generated
// from kRedisStateNumbers, then the state and strand helpers (docs/redis-protocol.md).
void AppendHelpers(LuaChunk& chunk) {
  chunk.Append("call.lua", LuaFile("call.lua"));
  chunk.Append("state codec (redis_state.cc)", RedisStateCodecLua());
  for (std::string_view name : {"state.lua", "strand.lua"}) chunk.Append(name, LuaFile(name));
}

// `local function <lua>() <body> end`, on the body's own lines.
void AppendStep(LuaChunk& chunk, const Step& step) {
  chunk.Append(step.file,
               "local function " + std::string(step.lua) + "() " + LuaFile(step.file) + "\nend\n");
}

// FNV-1a, 64 bits: a name for this exact code, so that servers shared by clients of several
// strandq versions keep one library per version instead of replacing each other's.
uint64_t Fingerprint(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

struct Sources {
  std::array<LuaChunk, kRedisScriptCount> scripts;       // EVAL sources
  std::array<std::string, kRedisScriptCount> functions;  // FCALL names
  LuaChunk library;                                      // FUNCTION LOAD source
};

std::string LibraryName() {
  LuaChunk code;
  AppendHelpers(code);
  for (const Step& step : kSteps) AppendStep(code, step);
  char name[32];
  std::snprintf(name, sizeof(name), "strandq_%016llx",
                static_cast<unsigned long long>(Fingerprint(code.text())));
  return name;
}

const Sources& AllSources() {
  static const auto* sources = [] {
    auto* s = new Sources;
    const std::string name = LibraryName();
    s->library.Append("library header", "#!lua name=" + name + "\n");
    AppendHelpers(s->library);
    std::string registrations;
    for (size_t i = 0; i < kSteps.size(); ++i) {
      const Step& step = kSteps[i];
      AppendStep(s->library, step);
      s->functions[i] = name + "_" + std::string(step.lua);
      registrations += "redis.register_function('" + s->functions[i] +
                       "', function(keys, args) begin(keys, args) return " + std::string(step.lua) +
                       "() end)\n";
      LuaChunk& script = s->scripts[i];
      script.Append("script header", "redis.replicate_commands()\n");
      AppendHelpers(script);
      AppendStep(script, step);
      script.Append("script footer", "begin(KEYS, ARGV)\nreturn " + std::string(step.lua) + "()\n");
    }
    s->library.Append("library registrations", registrations);
    return s;
  }();
  return *sources;
}

}  // namespace

std::string_view RedisScriptSource(RedisScript script) {
  return AllSources().scripts[static_cast<size_t>(script)].text();
}

std::string_view RedisScriptName(RedisScript script) {
  return kSteps[static_cast<size_t>(script)].name;
}

std::string_view RedisFunctionName(RedisScript script) {
  return AllSources().functions[static_cast<size_t>(script)];
}

std::string_view RedisLibrarySource() { return AllSources().library.text(); }

std::string RedisExplainError(RedisScript script, bool library, std::string_view error) {
  const Sources& sources = AllSources();
  return (library ? sources.library : sources.scripts[static_cast<size_t>(script)]).Explain(error);
}

std::string RedisSettlementArg(uint64_t token, uint64_t id, int64_t delay_us,
                               std::string_view error) {
  std::string out;
  const bool ack = delay_us == kSettleAck;
  out.reserve(24 + error.size());
  for (double value :
       {static_cast<double>(token), static_cast<double>(id), static_cast<double>(delay_us)}) {
    const auto bits = std::bit_cast<uint64_t>(value);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
  }
  if (!ack) out.append(error);
  return out;
}

}  // namespace strandq
