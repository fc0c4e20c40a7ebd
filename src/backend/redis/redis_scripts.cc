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
local K_SEQ, K_STATE, K_DEAD = P .. ':seq', P .. ':state', P .. ':dead'
local function strand(a) return P .. ':s:' .. a end
local function dead_key(id) return P .. ':d:' .. id end

local POLICY = ARGV[1]
local TTL = tonumber(ARGV[2])
local MAX_ATTEMPTS = tonumber(ARGV[3])
local PARK = ARGV[4] == 'park'
local t = redis.call('TIME')
local NOW = tonumber(t[1]) * 1000000 + tonumber(t[2])
-- ADDED counts accounts this call added to the ready set, POPPED those it took out; REWAIT is
-- set when it filed a retry delay. wake_if_needed() uses them.
local ADDED, POPPED, REWAIT = 0, 0, false

-- Numbers are kept in binary (the struct library's little-endian doubles): turning numbers
-- into text costs more than the rest of a call. A strand record is
-- struct('<ddd', id, seq, enqueued µs) followed by the payload.
local function head_id(rec) return (struct.unpack('<d', rec)) end
local function count(field, n) redis.call('HINCRBY', K_STATS, field, n) end

-- The state of an account, one hash field: {token of the latest grant, grants of the head so
-- far, leased event id (0: none), lease deadline, end of the retry delay (0: none), parked
-- (0/1), the latest settlement "token:id:disposition"}, stored as struct('<dddddd') followed
-- by the settlement.
local function load(a)
  local v = redis.call('HGET', K_STATE, a)
  if not v then return {0, 0, 0, 0, 0, 0, '-'} end
  local tk, at, id, dl, du, pk = struct.unpack('<dddddd', v)
  return {tk, at, id, dl, du, pk, string.sub(v, 49)}
end
local function save(a, s)
  redis.call('HSET', K_STATE, a, struct.pack('<dddddd', s[1], s[2], s[3], s[4], s[5], s[6]) .. s[7])
end

-- The ready-set score of a strand with head `rec` and `len` events (lowest is served first).
local function score(rec, len)
  local id = head_id(rec)
  if POLICY == 'oldest' then return id end
  return -len * 4294967296 + id % 4294967296
end
local function strand_len(a)
  if POLICY == 'oldest' then return 0 end
  return redis.call('LLEN', strand(a))
end

-- Puts account a (state s) in the ready set, or re-scores it there, if it has events and is
-- not leased, delayed or parked.
local function resume(a, s)
  if s[3] ~= 0 or s[5] ~= 0 or s[6] ~= 0 then return end
  local rec = redis.call('LINDEX', strand(a), 0)
  if not rec then return end
  ADDED = ADDED + redis.call('ZADD', K_READY, score(rec, strand_len(a)), a)
end

-- Removes the head of a's strand; returns it and the new head (false if none).
local function pop_head(a)
  local rec = redis.call('LPOP', strand(a))
  local new_head = redis.call('LINDEX', strand(a), 0)
  if not new_head then count('accounts', -1) end
  return rec, new_head
end

-- Grants head `rec` of account a (state s, taken out of the ready set); the caller saves s.
-- `leased` holds, for every leased account, a time no later than its deadline (the state has
-- the deadline itself): a new lease files its deadline there; an account that goes on with its
-- next event (`file` false), or an extension, leaves the earlier time, and process_due files
-- the real deadline when it gets there.
local function grant(a, s, rec, file)
  s[1] = s[1] + 1
  s[2] = s[2] + 1
  s[3] = head_id(rec)
  s[4] = NOW + TTL
  if file then redis.call('ZADD', K_LEASED, s[4], a) end
  return {a, rec, s[1], s[2]}
end

-- Grants up to `max` of the best ready accounts.
local function grant_ready(max)
  local leases = {}
  local popped = redis.call('ZPOPMIN', K_READY, max)
  for i = 1, #popped, 2 do
    local a = popped[i]
    POPPED = POPPED + 1
    local rec = redis.call('LINDEX', strand(a), 0)
    if rec then
      local s = load(a)
      leases[#leases + 1] = grant(a, s, rec, true)
      save(a, s)
    end
  end
  if #leases > 0 then count('leased', #leases) end
  return leases
end

local function dead_letter(a, s, err)
  local rec = pop_head(a)
  local id = string.format('%.0f', head_id(rec))
  redis.call('HSET', dead_key(id), 'account', a, 'attempt', string.format('%.0f', s[2]),
             'error', err, 'dead_us', string.format('%.0f', NOW), 'event', rec)
  redis.call('ZADD', K_DEAD, redis.call('HINCRBY', K_STATS, 'dead_order', 1), id)
  count('dead_lettered', 1)
  s[2] = 0
  if PARK then
    s[6] = 1
    redis.call('SADD', K_PARKED, a)
  end
end

-- The head of account a (state s, no longer leased) failed an attempt: dead letter at
-- max_attempts, else ready again after `delay` microseconds. The caller saves s.
local function fail(a, s, err, delay)
  if s[2] >= MAX_ATTEMPTS then
    dead_letter(a, s, err)
    resume(a, s)
    return 'dead'
  end
  if delay > 0 then
    s[5] = NOW + delay
    redis.call('ZADD', K_DELAYED, s[5], a)
    REWAIT = true
  else
    resume(a, s)
  end
  return 'retry'
end

-- Expires leases whose deadline passed and ends delays that are over (a bounded number per
-- call, so no script runs long; the rest are taken by the next calls). An entry of `leased`
-- whose account is no longer leased is dropped; one whose lease was extended or renewed is
-- filed again at the real deadline.
local function process_due()
  local due = redis.call('ZRANGEBYSCORE', K_LEASED, '-inf', NOW - 1, 'LIMIT', 0, 100)
  for _, a in ipairs(due) do
    local s = load(a)
    if s[3] == 0 then
      redis.call('ZREM', K_LEASED, a)
    elseif s[4] >= NOW then
      redis.call('ZADD', K_LEASED, s[4], a)
    else
      redis.call('ZREM', K_LEASED, a)
      count('expired', 1)
      count('leased', -1)
      s[3], s[4] = 0, 0
      fail(a, s, 'lease expired', 0)
      save(a, s)
    end
  end
  local over = redis.call('ZRANGEBYSCORE', K_DELAYED, '-inf', NOW, 'LIMIT', 0, 100)
  for _, a in ipairs(over) do
    redis.call('ZREM', K_DELAYED, a)
    local s = load(a)
    s[5] = 0
    resume(a, s)
    save(a, s)
  end
end

-- The wake list holds one element while the ready set is not empty: idle workers block on it
-- with BLMOVE (which moves the element onto the same list, consuming nothing). Any call that
-- grows the ready set sets it; only claim, finding the set empty, clears it. After a new
-- retry delay it is set too, so that blocked workers claim once more, find nothing, and sleep
-- again until the new, earlier delay ends.
local function wake()
  if redis.call('LLEN', K_WAKE) == 0 then redis.call('RPUSH', K_WAKE, '1') end
end
local function wake_if_needed()
  if REWAIT or ADDED > POPPED then wake() end
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

-- True if state s holds the live lease (token, id).
local function valid(s, token, id)
  return s[3] == tonumber(id) and s[1] == tonumber(token) and s[4] >= NOW
end
)lua";

// ARGV[5..]: account, payload pairs. Returns {first id, {seq...}}.
constexpr std::string_view kEnqueue = R"lua(
process_due()
local n = (#ARGV - 4) / 2
local last = redis.call('HINCRBY', K_STATS, 'last_id', n)
local id = last - n
local seqs, touched, new_accounts = {}, {}, 0
for i = 0, n - 1 do
  local a = ARGV[5 + 2 * i]
  id = id + 1
  local seq = redis.call('HINCRBY', K_SEQ, a, 1)
  local len = redis.call('RPUSH', strand(a), struct.pack('<ddd', id, seq, NOW) .. ARGV[6 + 2 * i])
  if len == 1 then new_accounts = new_accounts + 1 end
  seqs[#seqs + 1] = seq
  touched[a] = true
end
count('enqueued', n)
count('accounts', new_accounts)
for a in pairs(touched) do resume(a, load(a)) end
wake_if_needed()
return {last - n + 1, seqs}
)lua";

// ARGV[5]: max. Returns {{lease...}, microseconds until the next timer (-1: none)}; a lease is
// {account, record, token, attempt}.
constexpr std::string_view kClaim = R"lua(
process_due()
local leases = grant_ready(tonumber(ARGV[5]))
if REWAIT or redis.call('ZCARD', K_READY) > 0 then wake() else redis.call('DEL', K_WAKE) end
return {leases, next_due()}
)lua";

// ARGV[5..12]: account, token, id, 'ack'|'nack', error, retry delay (us), claim_next '1'|'0',
// repeat '1'|'0'. Returns {disposition, next lease or {}}: disposition 'acked' | 'retry' |
// 'dead' | 'lost'. A repeat (the client sends it again because the reply to the first send was
// lost) of a completion that was applied returns its first disposition, with no next lease.
constexpr std::string_view kComplete = R"lua(
local a, token, id = ARGV[5], ARGV[6], ARGV[7]
-- Expiries and delays are also found by claim and by every 4th completion: enough to keep
-- them moving while every worker is busy.
if tonumber(id) % 4 == 0 then process_due() end
local s = load(a)
if not valid(s, token, id) then
  local prefix = token .. ':' .. id .. ':'
  if ARGV[12] == '1' and string.sub(s[7], 1, #prefix) == prefix then
    return {string.sub(s[7], #prefix + 1), {}}
  end
  return {'lost', {}}
end
s[3], s[4] = 0, 0
local disposition, new_head
if ARGV[8] == 'ack' then
  local _
  _, new_head = pop_head(a)
  s[2] = 0
  count('acked', 1)
  disposition = 'acked'
else
  count('nacked', 1)
  disposition = fail(a, s, ARGV[9], tonumber(ARGV[10]))
end
s[7] = token .. ':' .. id .. ':' .. disposition
local next = {}
if new_head then
  ADDED = ADDED + redis.call('ZADD', K_READY, score(new_head, strand_len(a)), a)
end
if ARGV[11] == '1' then
  local popped = redis.call('ZPOPMIN', K_READY, 1)
  local b = popped[1]
  if b then POPPED = POPPED + 1 end
  if b == a and new_head then
    -- The hot path: the account is still the best; it goes on with its next event. Its entry
    -- in `leased` is early now, which process_due mends.
    next = grant(a, s, new_head, false)
  elseif b then
    local sb = s
    if b ~= a then sb = load(b) end
    local rec = redis.call('LINDEX', strand(b), 0)
    if rec then
      next = grant(b, sb, rec, true)
      if b ~= a then save(b, sb) end
    end
  end
end
-- a's entry in `leased` stays until process_due drops it.
if not next[1] then count('leased', -1) end
save(a, s)
wake_if_needed()
return {disposition, next}
)lua";

// ARGV[5..7]: account, token, id. Returns the new TTL in microseconds, or -1 if the lease is
// no longer valid.
constexpr std::string_view kExtend = R"lua(
local s = load(ARGV[5])
if not valid(s, ARGV[6], ARGV[7]) then return -1 end
s[4] = NOW + TTL
save(ARGV[5], s)
return TTL
)lua";

// Returns {field, value, ...}: the totals plus the gauges read from the indexes.
constexpr std::string_view kStats = R"lua(
process_due()
wake_if_needed()
local out = redis.call('HGETALL', K_STATS)
local totals = {}
for i = 1, #out, 2 do totals[out[i]] = tonumber(out[i + 1]) end
local function add(k, v) out[#out + 1] = k; out[#out + 1] = string.format('%.0f', v) end
add('pending', (totals.enqueued or 0) + (totals.replayed or 0) - (totals.acked or 0) -
    (totals.dead_lettered or 0))
add('ready', redis.call('ZCARD', K_READY))
add('delayed', redis.call('ZCARD', K_DELAYED))
add('parked', redis.call('SCARD', K_PARKED))
add('dead', redis.call('ZCARD', K_DEAD))
return out
)lua";

// ARGV[5]: limit. Returns {{attempt, error, dead_us, record, account}...}, oldest first.
constexpr std::string_view kListDead = R"lua(
process_due()
wake_if_needed()
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
local moved, states = 0, {}
for i = first, last, step do
  local id = ARGV[i]
  local h = redis.call('HMGET', dead_key(id), 'account', 'event')
  if h[1] then
    local a, rec, key = h[1], h[2], strand(h[1])
    local s = states[a] or load(a)
    states[a] = s
    redis.call('DEL', dead_key(id))
    redis.call('ZREM', K_DEAD, id)
    local len = redis.call('LLEN', key)
    if len == 0 then count('accounts', 1) end
    if at_tail then
      redis.call('RPUSH', key, rec)
    elseif len > 0 and (s[3] ~= 0 or s[5] ~= 0 or s[2] > 0) then
      local head = redis.call('LPOP', key)
      redis.call('LPUSH', key, rec)
      redis.call('LPUSH', key, head)
    else
      redis.call('LPUSH', key, rec)
    end
    count('replayed', 1)
    moved = moved + 1
  end
end
for a, s in pairs(states) do
  s[6] = 0
  redis.call('SREM', K_PARKED, a)
  resume(a, s)
  save(a, s)
end
wake_if_needed()
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
    touched[a] = true
    n = n + 1
  end
end
for a in pairs(touched) do
  local s = load(a)
  s[6] = 0
  redis.call('SREM', K_PARKED, a)
  resume(a, s)
  save(a, s)
end
wake_if_needed()
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
