// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_scripts.h"

#include <string>

namespace strandq {
namespace {

// Shared by every script: key names, the server clock and the state transitions of a strand.
// Times are microseconds of the server's TIME; numbers stay below 2^53 so Lua's doubles are
// exact, and string.format('%.0f') prints them without exponents.
constexpr std::string_view kPrelude = R"lua(
redis.replicate_commands()
local P = KEYS[1]
local K_READY, K_LEASED, K_DELAYED = P .. ':ready', P .. ':leased', P .. ':delayed'
local K_PARKED, K_WAKE, K_STATS = P .. ':parked', P .. ':wake', P .. ':stats'
local K_SEQ, K_TOKEN, K_ATTEMPT = P .. ':seq', P .. ':token', P .. ':attempt'
local K_SETTLED, K_DEAD = P .. ':settled', P .. ':dead'
local function strand(a) return P .. ':s:' .. a end
local function dead_key(id) return P .. ':d:' .. id end

local POLICY = ARGV[1]
local TTL = tonumber(ARGV[2])
local MAX_ATTEMPTS = tonumber(ARGV[3])
local PARK = ARGV[4] == 'park'
local t = redis.call('TIME')
local NOW = tonumber(t[1]) * 1000000 + tonumber(t[2])

-- Set when this call filed a retry delay: blocked claimers must then recompute their wait.
local REWAIT = false

local function num(x) return string.format('%.0f', x) end
local function head_id(rec) return tonumber(string.match(rec, '^(%d+)')) end
local function count(field, n) redis.call('HINCRBY', K_STATS, field, n) end

-- The ready-set score of account a (lowest is served first), nil if its strand is empty.
local function score(a)
  local rec = redis.call('LINDEX', strand(a), 0)
  if not rec then return nil end
  local id = head_id(rec)
  if POLICY == 'oldest' then return id end
  return -redis.call('LLEN', strand(a)) * 4294967296 + id % 4294967296
end

-- Puts account a where it belongs: ready (or re-scored) if it has events and is not leased,
-- delayed or parked.
local function resume(a)
  if redis.call('ZSCORE', K_LEASED, a) or redis.call('ZSCORE', K_DELAYED, a) then return end
  if redis.call('SISMEMBER', K_PARKED, a) == 1 then return end
  local s = score(a)
  if s then redis.call('ZADD', K_READY, s, a) end
end

local function pop_head(a)
  local rec = redis.call('LPOP', strand(a))
  count('pending', -1)
  if redis.call('LLEN', strand(a)) == 0 then count('accounts', -1) end
  return rec
end

local function dead_letter(a, err)
  local attempt = redis.call('HGET', K_ATTEMPT, a) or '0'
  local rec = pop_head(a)
  local id = head_id(rec)
  redis.call('HDEL', K_ATTEMPT, a)
  redis.call('HSET', dead_key(id), 'account', a, 'attempt', attempt, 'error', err,
             'dead_us', num(NOW), 'event', rec)
  redis.call('ZADD', K_DEAD, redis.call('HINCRBY', K_STATS, 'dead_order', 1), id)
  count('dead_lettered', 1)
  if PARK then redis.call('SADD', K_PARKED, a) end
  resume(a)
end

-- The head of account a (neither leased nor delayed now) failed an attempt: dead letter at
-- max_attempts, else ready again after `delay` microseconds.
local function fail(a, err, delay)
  local attempt = tonumber(redis.call('HGET', K_ATTEMPT, a) or '0')
  if attempt >= MAX_ATTEMPTS then
    dead_letter(a, err)
    return 'dead'
  end
  if delay > 0 then
    redis.call('ZADD', K_DELAYED, NOW + delay, a)
    REWAIT = true
  else
    resume(a)
  end
  return 'retry'
end

-- Expires leases whose deadline passed and ends delays that are over (a bounded number per
-- call, so no script runs long; the rest are taken by the next calls).
local function process_due()
  local expired = redis.call('ZRANGEBYSCORE', K_LEASED, '-inf', '(' .. num(NOW), 'LIMIT', 0, 100)
  for _, a in ipairs(expired) do
    redis.call('ZREM', K_LEASED, a)
    count('expired', 1)
    fail(a, 'lease expired', 0)
  end
  local over = redis.call('ZRANGEBYSCORE', K_DELAYED, '-inf', num(NOW), 'LIMIT', 0, 100)
  for _, a in ipairs(over) do
    redis.call('ZREM', K_DELAYED, a)
    resume(a)
  end
end

-- Grants the head of ready account a (already removed from the ready set).
local function grant(a)
  local rec = redis.call('LINDEX', strand(a), 0)
  local token = redis.call('HINCRBY', K_TOKEN, a, 1)
  local attempt = redis.call('HINCRBY', K_ATTEMPT, a, 1)
  redis.call('ZADD', K_LEASED, NOW + TTL, a)
  return {a, rec, token, attempt}
end

local function grant_ready(max)
  local leases = {}
  local popped = redis.call('ZPOPMIN', K_READY, max)
  for i = 1, #popped, 2 do leases[#leases + 1] = grant(popped[i]) end
  return leases
end

-- The wake list holds one element exactly while the ready set is not empty: idle workers
-- block on it with BLMOVE (which moves the element onto the same list, consuming nothing).
-- After a new retry delay it holds one too, so that blocked workers claim once more, find
-- nothing, and sleep again until the new, earlier delay ends.
local function signal()
  if REWAIT or redis.call('ZCARD', K_READY) > 0 then
    if redis.call('EXISTS', K_WAKE) == 0 then redis.call('RPUSH', K_WAKE, '1') end
  else
    redis.call('DEL', K_WAKE)
  end
end

-- Microseconds until the next lease deadline passes or delay ends; -1 if there is none.
local function next_due()
  local best = -1
  local l = redis.call('ZRANGE', K_LEASED, 0, 0, 'WITHSCORES')
  if l[2] then best = math.max(0, tonumber(l[2]) + 1 - NOW) end
  local d = redis.call('ZRANGE', K_DELAYED, 0, 0, 'WITHSCORES')
  if d[2] then
    local v = math.max(0, tonumber(d[2]) - NOW)
    if best < 0 or v < best then best = v end
  end
  return best
end

-- True if (a, token, id) is the live lease of account a.
local function valid(a, token, id)
  local deadline = redis.call('ZSCORE', K_LEASED, a)
  if not deadline or tonumber(deadline) < NOW then return false end
  if redis.call('HGET', K_TOKEN, a) ~= token then return false end
  local rec = redis.call('LINDEX', strand(a), 0)
  return rec ~= false and head_id(rec) == tonumber(id)
end
)lua";

// ARGV[5..]: account, payload pairs. Returns {first id, {seq...}}.
constexpr std::string_view kEnqueue = R"lua(
process_due()
local n = (#ARGV - 4) / 2
local last = redis.call('HINCRBY', K_STATS, 'last_id', n)
local id = last - n
local enqueued = num(NOW) .. '000 '
local seqs, touched, new_accounts = {}, {}, 0
for i = 0, n - 1 do
  local a = ARGV[5 + 2 * i]
  id = id + 1
  local seq = redis.call('HINCRBY', K_SEQ, a, 1)
  local len = redis.call('RPUSH', strand(a), num(id) .. ' ' .. num(seq) .. ' ' .. enqueued .. ARGV[6 + 2 * i])
  if len == 1 then new_accounts = new_accounts + 1 end
  seqs[#seqs + 1] = seq
  touched[a] = true
end
count('pending', n)
count('enqueued', n)
count('accounts', new_accounts)
for a in pairs(touched) do resume(a) end
signal()
return {last - n + 1, seqs}
)lua";

// ARGV[5]: max. Returns {{lease...}, microseconds until the next timer (-1: none)}; a lease is
// {account, record, token, attempt}.
constexpr std::string_view kClaim = R"lua(
process_due()
local leases = grant_ready(tonumber(ARGV[5]))
signal()
return {leases, next_due()}
)lua";

// ARGV[5..11]: account, token, id, 'ack'|'nack', error, retry delay (us), claim_next '1'|'0'.
// Returns {disposition, next lease or {}}: disposition 'acked' | 'retry' | 'dead' | 'lost'.
// A completion of the same lease applied before (a retry after a lost reply) returns its first
// disposition again, with no next lease.
constexpr std::string_view kComplete = R"lua(
process_due()
local a, token, id = ARGV[5], ARGV[6], ARGV[7]
if not valid(a, token, id) then
  signal()
  local settled = redis.call('HGET', K_SETTLED, a)
  local prefix = token .. ':' .. id .. ':'
  if settled and string.sub(settled, 1, #prefix) == prefix then
    return {string.sub(settled, #prefix + 1), {}}
  end
  return {'lost', {}}
end
redis.call('ZREM', K_LEASED, a)
local disposition
if ARGV[8] == 'ack' then
  pop_head(a)
  redis.call('HDEL', K_ATTEMPT, a)
  count('acked', 1)
  resume(a)
  disposition = 'acked'
else
  count('nacked', 1)
  disposition = fail(a, ARGV[9], tonumber(ARGV[10]))
end
redis.call('HSET', K_SETTLED, a, token .. ':' .. id .. ':' .. disposition)
local next = {}
if ARGV[11] == '1' then
  local leases = grant_ready(1)
  if leases[1] then next = leases[1] end
end
signal()
return {disposition, next}
)lua";

// ARGV[5..7]: account, token, id. Returns the new TTL in microseconds, or -1 if the lease is
// no longer valid.
constexpr std::string_view kExtend = R"lua(
process_due()
signal()
if not valid(ARGV[5], ARGV[6], ARGV[7]) then return -1 end
redis.call('ZADD', K_LEASED, 'XX', NOW + TTL, ARGV[5])
return TTL
)lua";

// Returns {field, value, ...}: the counters plus the gauges read from the indexes.
constexpr std::string_view kStats = R"lua(
process_due()
signal()
local out = redis.call('HGETALL', K_STATS)
local function add(k, v) out[#out + 1] = k; out[#out + 1] = tostring(v) end
add('ready', redis.call('ZCARD', K_READY))
add('leased', redis.call('ZCARD', K_LEASED))
add('delayed', redis.call('ZCARD', K_DELAYED))
add('parked', redis.call('SCARD', K_PARKED))
add('dead', redis.call('ZCARD', K_DEAD))
return out
)lua";

// ARGV[5]: limit. Returns {{attempt, error, dead_us, record, account}...}, oldest first.
constexpr std::string_view kListDead = R"lua(
process_due()
signal()
local out = {}
for _, id in ipairs(redis.call('ZRANGE', K_DEAD, 0, tonumber(ARGV[5]) - 1)) do
  out[#out + 1] = redis.call('HMGET', dead_key(id), 'attempt', 'error', 'dead_us', 'event', 'account')
end
return out
)lua";

// ARGV[5]: '1' to put the events at the tail of their accounts, '0' at the head; ARGV[6..]:
// dead event ids in ascending order. A head in progress (leased, delayed or attempted) stays
// the head and replayed events go right behind it. Unparks their accounts. Returns how many
// moved.
constexpr std::string_view kReplayDead = R"lua(
process_due()
local at_tail = ARGV[5] == '1'
local first, last, step = 6, #ARGV, 1
if not at_tail then first, last, step = #ARGV, 6, -1 end
local moved, touched = 0, {}
for i = first, last, step do
  local id = ARGV[i]
  local h = redis.call('HMGET', dead_key(id), 'account', 'event')
  if h[1] then
    local a, rec, s = h[1], h[2], strand(h[1])
    redis.call('DEL', dead_key(id))
    redis.call('ZREM', K_DEAD, id)
    local len = redis.call('LLEN', s)
    if len == 0 then count('accounts', 1) end
    if at_tail then
      redis.call('RPUSH', s, rec)
    else
      local busy = redis.call('ZSCORE', K_LEASED, a) or redis.call('ZSCORE', K_DELAYED, a) or
                   redis.call('HEXISTS', K_ATTEMPT, a) == 1
      if busy and len > 0 then
        local head = redis.call('LPOP', s)
        redis.call('LPUSH', s, rec)
        redis.call('LPUSH', s, head)
      else
        redis.call('LPUSH', s, rec)
      end
    end
    count('pending', 1)
    redis.call('SREM', K_PARKED, a)
    touched[a] = true
    moved = moved + 1
  end
end
for a in pairs(touched) do resume(a) end
signal()
return moved
)lua";

// ARGV[5..]: dead event ids; none = every dead event. Unparks their accounts. Returns how many
// were deleted.
constexpr std::string_view kPurgeDead = R"lua(
process_due()
local ids = {}
if #ARGV < 5 then
  ids = redis.call('ZRANGE', K_DEAD, 0, -1)
else
  for i = 5, #ARGV do ids[#ids + 1] = ARGV[i] end
end
local n, touched = 0, {}
for _, id in ipairs(ids) do
  local a = redis.call('HGET', dead_key(id), 'account')
  if a then
    redis.call('DEL', dead_key(id))
    redis.call('ZREM', K_DEAD, id)
    redis.call('SREM', K_PARKED, a)
    touched[a] = true
    n = n + 1
  end
end
for a in pairs(touched) do resume(a) end
signal()
return n
)lua";

struct ScriptInfo {
  std::string_view name;
  std::string source;
};

const std::array<ScriptInfo, kRedisScriptCount>& Scripts() {
  static const auto* scripts = [] {
    auto with_prelude = [](std::string_view body) {
      return std::string(kPrelude) + std::string(body);
    };
    return new std::array<ScriptInfo, kRedisScriptCount>{{
        {"enqueue", with_prelude(kEnqueue)},
        {"claim", with_prelude(kClaim)},
        {"complete", with_prelude(kComplete)},
        {"extend", with_prelude(kExtend)},
        {"stats", with_prelude(kStats)},
        {"list-dead", with_prelude(kListDead)},
        {"replay-dead", with_prelude(kReplayDead)},
        {"purge-dead", with_prelude(kPurgeDead)},
    }};
  }();
  return *scripts;
}

}  // namespace

std::string_view RedisScriptSource(RedisScript script) {
  return Scripts()[static_cast<size_t>(script)].source;
}

std::string_view RedisScriptName(RedisScript script) {
  return Scripts()[static_cast<size_t>(script)].name;
}

}  // namespace strandq
