// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_scripts.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <string>

namespace strandq {
namespace {

// DESIGN
// All steps share one Lua chunk: per-call state declared at the top, helpers that use it as
// upvalues, then one function per step. The chunk runs in two ways:
//  - as a Redis 7 function library (FUNCTION LOAD): the chunk runs once, when the library
//    loads, so the helpers are created once; each FCALL only runs begin() and its step. Lua
//    keeps the library's locals between calls (a library is one Lua state's closure).
//  - as EVALSHA scripts (Redis 6.2, which has no functions): each script is the chunk with
//    one step and the line that runs it, so every call creates the helpers again (~20
//    closures, measured at ~1,300 instructions each: the reason functions are preferred).
// Calls are atomic either way, so the per-call upvalues are never seen by two calls at once.

// Per-call state and the helpers. Times are microseconds of the server's TIME; numbers stay
// below 2^53 so Lua's doubles are exact.
constexpr std::string_view kCommon = R"lua(
-- The library functions the steps use, as locals (a global is a table lookup on every use),
-- set by begin(): a function library may not use them while it loads.
local call, pack, sunpack, format, sub, max, min, tonumber, unpack, pairs, ipairs
local P, K_READY, K_LEASED, K_DELAYED, K_PARKED, K_WAKE, K_STATS, K_SEQ, K_STATE, K_DEAD
local ARGS, POLICY, TTL, MAX_ATTEMPTS, PARK, NOW
-- ADDED counts accounts this call added to the ready set, POPPED those it took out; REWAIT is
-- set when it filed a retry delay: finish() sets the wake flag by them. Every server command
-- costs about as much as all the Lua around it, so a call writes what it changed once, at the
-- end (flush()): COUNTS, the increments of the stats hash; STATES, the states it read or
-- wrote, by account, and DIRTY, the accounts whose state it changed; FILED, score/member pairs
-- for `leased`.
local ADDED, POPPED, REWAIT, COUNTS, STATES, DIRTY, FILED
-- Key names by namespace, built once per namespace (string concatenation is not cheap).
local key_names = {}
-- When process_due last ran, by namespace (server µs). Kept by a function library between
-- calls, and only a hint: empty after a reload, and always empty for a script.
local last_due = {}

-- Sets the per-call state from the call's keys and arguments (the header of every step).
local function begin(keys, args)
  if not pack then
    pack, sunpack, format, sub = struct.pack, struct.unpack, string.format, string.sub
    max, min = math.max, math.min
    tonumber, unpack, pairs, ipairs = _G.tonumber, _G.unpack, _G.pairs, _G.ipairs
  end
  call = redis.call
  P = keys[1]
  local k = key_names[P]
  if not k then
    k = {P .. ':ready', P .. ':leased', P .. ':delayed', P .. ':parked', P .. ':wake',
         P .. ':stats', P .. ':seq', P .. ':state', P .. ':dead'}
    key_names[P] = k
  end
  K_READY, K_LEASED, K_DELAYED, K_PARKED, K_WAKE, K_STATS, K_SEQ, K_STATE, K_DEAD = unpack(k)
  ARGS = args
  POLICY = args[1]
  TTL = tonumber(args[2])
  MAX_ATTEMPTS = tonumber(args[3])
  PARK = args[4] == 'park'
  if keys[2] then
    -- Tests only: the time comes from this key (RedisStoreOptions::clock).
    NOW = tonumber(call('GET', keys[2]))
  else
    local t = call('TIME')
    NOW = tonumber(t[1]) * 1000000 + tonumber(t[2])
  end
  ADDED, POPPED, REWAIT, COUNTS, STATES, DIRTY, FILED = 0, 0, false, {}, {}, {}, {}
end

local function strand(a) return P .. ':s:' .. a end
local function dead_key(id) return P .. ':d:' .. id end

-- Numbers are kept in binary (the struct library's little-endian doubles): turning numbers
-- into text costs more than the rest of a call. A strand record is
-- struct('<dddd', id, seq, enqueued µs, times replayed from the dead letters) followed by the
-- payload.
local function head_id(rec) return (sunpack('<d', rec)) end
-- An integral number as text for a command. redis.call turns a number argument into text with
-- printf('%.17g'), the costliest part of a call (measured: ~7,000 instructions for a score);
-- '%d' is exact below 2^63 and a fraction of that.
local function int(n) return format('%d', n) end
local function count(field, n) COUNTS[field] = (COUNTS[field] or 0) + n end
-- call(cmd, key, items...) in chunks of 1000 items (unpack() has a limit; an even size
-- keeps pairs together). Returns the replies, one per chunk.
local function call_chunked(cmd, key, items)
  local replies = {}
  for i = 1, #items, 1000 do
    replies[#replies + 1] = call(cmd, key, unpack(items, i, min(i + 999, #items)))
  end
  return replies
end

-- The state of an account, one hash field: {token of the latest grant, grants of the head so
-- far, leased event id (0: none), lease deadline, end of the retry delay (0: none), parked
-- (0/1), token and event id of the latest settlement, length of the strand, the latest
-- settlement's disposition}, stored as struct('<ddddddddd') followed by the disposition. The
-- length is kept here because an LLEN per event costs more than the field. load() returns the call's own copy (read once per call); the caller
-- changes it and says so with save().
local function decode(v)
  if not v then return {0, 0, 0, 0, 0, 0, 0, 0, 0, '-'} end
  local tk, at, id, dl, du, pk, st, si, len = sunpack('<ddddddddd', v)
  return {tk, at, id, dl, du, pk, st, si, len, sub(v, 73)}
end
local function load(a)
  local s = STATES[a]
  if not s then
    s = decode(call('HGET', K_STATE, a))
    STATES[a] = s
  end
  return s
end
-- Reads the states of `accounts` with one command.
local function load_many(accounts)
  local need = {}
  for _, a in ipairs(accounts) do
    if not STATES[a] then need[#need + 1] = a end
  end
  for c, values in ipairs(call_chunked('HMGET', K_STATE, need)) do
    for i, v in ipairs(values) do STATES[need[(c - 1) * 1000 + i]] = decode(v) end
  end
end
local function save(a, s)
  STATES[a] = s
  DIRTY[a] = true
end

-- Writes the call's changes: states (one HSET), `leased` entries (one ZADD), stats.
local function flush()
  local args = {}
  for a in pairs(DIRTY) do
    local s = STATES[a]
    args[#args + 1] = a
    args[#args + 1] = pack('<ddddddddd', s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]) ..
                      s[10]
  end
  call_chunked('HSET', K_STATE, args)
  call_chunked('ZADD', K_LEASED, FILED)
  for field, n in pairs(COUNTS) do
    if n ~= 0 then call('HINCRBY', K_STATS, field, int(n)) end
  end
  COUNTS, DIRTY, FILED = {}, {}, {}
end

-- The ready-set score, as text, of a strand with head `rec` and `len` events (lowest is
-- served first). Scores are integers and unique (the head id is part of them).
local function score(rec, len)
  local id = head_id(rec)
  if POLICY == 'oldest' then return int(id) end
  return int(-len * 4294967296 + id % 4294967296)
end

-- Puts account a (state s) in the ready set, or re-scores it there, if it has events and is
-- not leased, delayed or parked.
local function resume(a, s)
  if s[3] ~= 0 or s[5] ~= 0 or s[6] ~= 0 or s[9] == 0 then return end
  local rec = call('LINDEX', strand(a), '0')
  if not rec then return end
  ADDED = ADDED + call('ZADD', K_READY, score(rec, s[9]), a)
end

-- Removes the head of a's strand (state s, saved by the caller); returns it and the new head
-- (false if none).
local function pop_head(a, s)
  local key = strand(a)
  local rec = call('LPOP', key)
  s[9] = s[9] - 1
  if s[9] > 0 then return rec, call('LINDEX', key, '0') end
  count('accounts', -1)
  return rec, false
end

-- Grants head `rec` of account a (state s, taken out of the ready set) and saves s.
-- `leased` holds, for every leased account, a time no later than its deadline (the state has
-- the deadline itself): a new lease files its deadline there; an account whose entry is known
-- to be there (it goes on with its next event: `file` false), or an extension, leaves the
-- earlier time, and process_due files the real deadline when it gets there. process_due runs
-- before any grant of a call, so it never misses a filing that flush() has not written yet.
local function grant(a, s, rec, file)
  s[1] = s[1] + 1
  s[2] = s[2] + 1
  s[3] = head_id(rec)
  s[4] = NOW + TTL
  if file then
    FILED[#FILED + 1] = int(s[4])
    FILED[#FILED + 1] = a
  end
  save(a, s)
  return {a, rec, s[1], s[2]}
end

-- Takes the (up to) k best accounts out of the ready set, best first. ZPOPMIN would reply
-- with their scores, each turned into text by the server: for more than one, ZRANGE and
-- ZREMRANGEBYRANK cost less.
local function pop_best(k)
  local best = {}
  if k == 1 then
    best[1] = call('ZPOPMIN', K_READY, '1')[1]
  elseif k > 1 then
    best = call('ZRANGE', K_READY, '0', int(k - 1))
    if #best > 0 then call('ZREMRANGEBYRANK', K_READY, '0', int(#best - 1)) end
  end
  POPPED = POPPED + #best
  return best
end

-- Grants up to `max` of the best ready accounts.
local function grant_ready(max)
  local leases = {}
  local popped = pop_best(max)
  load_many(popped)
  for _, a in ipairs(popped) do
    local rec = call('LINDEX', strand(a), '0')
    if rec then leases[#leases + 1] = grant(a, load(a), rec, true) end
  end
  count('leased', #leases)
  return leases
end

local function dead_letter(a, s, err)
  local rec = pop_head(a, s)
  local id = format('%.0f', head_id(rec))
  call('HSET', dead_key(id), 'account', a, 'attempt', format('%.0f', s[2]),
             'error', err, 'dead_us', format('%.0f', NOW), 'event', rec)
  call('ZADD', K_DEAD, call('HINCRBY', K_STATS, 'dead_order', '1'), id)
  count('dead_lettered', 1)
  s[2] = 0
  if PARK then
    s[6] = 1
    call('SADD', K_PARKED, a)
  end
end

-- The head of account a (state s, no longer leased) failed an attempt: dead letter at
-- max_attempts or if `delay` is -2 (a permanent failure), else ready again after `delay`
-- microseconds. The caller saves s.
local function fail(a, s, err, delay)
  if delay == -2 or s[2] >= MAX_ATTEMPTS then
    dead_letter(a, s, err)
    resume(a, s)
    return 'dead'
  end
  if delay > 0 then
    s[5] = NOW + delay
    call('ZADD', K_DELAYED, int(s[5]), a)
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
  last_due[P] = NOW
  local due = call('ZRANGEBYSCORE', K_LEASED, '-inf', int(NOW - 1), 'LIMIT', '0', '100')
  for _, a in ipairs(due) do
    local s = load(a)
    if s[3] == 0 then
      call('ZREM', K_LEASED, a)
    elseif s[4] >= NOW then
      call('ZADD', K_LEASED, int(s[4]), a)
    else
      call('ZREM', K_LEASED, a)
      count('expired', 1)
      count('leased', -1)
      s[3], s[4] = 0, 0
      fail(a, s, 'lease expired', 0)
      save(a, s)
    end
  end
  local over = call('ZRANGEBYSCORE', K_DELAYED, '-inf', int(NOW), 'LIMIT', '0', '100')
  for _, a in ipairs(over) do
    call('ZREM', K_DELAYED, a)
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
  if call('LLEN', K_WAKE) == 0 then call('RPUSH', K_WAKE, '1') end
end
-- The end of every step that changes state: its writes, then the wake flag.
local function finish()
  flush()
  if REWAIT or ADDED > POPPED then wake() end
end

-- Microseconds until the next lease deadline passes or delay ends; -1 if there is none.
local function next_due()
  local best = -1
  local l = call('ZRANGE', K_LEASED, '0', '0', 'WITHSCORES')
  if l[2] then best = max(0, tonumber(l[2]) + 1 - NOW) end
  local d = call('ZRANGE', K_DELAYED, '0', '0', 'WITHSCORES')
  if d[2] then
    local v = max(0, tonumber(d[2]) - NOW)
    if best < 0 or v < best then best = v end
  end
  return best
end

-- True if state s holds the live lease (token, id), numbers.
local function valid(s, token, id)
  return s[3] == id and s[1] == token and s[4] >= NOW
end
)lua";

// One step: its name (for messages and function names) and the body of `local function
// <lua>()`, which reads its own arguments from ARGS[5] on.
struct Step {
  std::string_view name;
  std::string_view lua;  // the Lua function's name
  std::string_view body;
};

// ARGS[5..]: account, payload pairs. Returns {first id, {seq...}}.
constexpr std::string_view kEnqueue = R"lua(
process_due()
local n = (#ARGS - 4) / 2
local last = call('HINCRBY', K_STATS, 'last_id', int(n))
local id = last - n
local seqs, lens, touched, new_accounts = {}, {}, {}, 0
for i = 0, n - 1 do
  local a = ARGS[5 + 2 * i]
  id = id + 1
  local seq = call('HINCRBY', K_SEQ, a, '1')
  local len = call('RPUSH', strand(a), pack('<dddd', id, seq, NOW, 0) .. ARGS[6 + 2 * i])
  if len == 1 then new_accounts = new_accounts + 1 end
  seqs[#seqs + 1] = seq
  if not lens[a] then touched[#touched + 1] = a end
  lens[a] = len
end
count('enqueued', n)
count('accounts', new_accounts)
load_many(touched)
for _, a in ipairs(touched) do
  local s = load(a)
  s[9] = lens[a]
  save(a, s)
  resume(a, s)
end
finish()
return {last - n + 1, seqs}
)lua";

// ARGS[5]: max. Returns {{lease...}, microseconds until the next timer (-1: none, or leases were
// granted)}; a lease is {account, record, token, attempt}.
constexpr std::string_view kClaim = R"lua(
process_due()
local leases = grant_ready(tonumber(ARGS[5]))
flush()
if REWAIT or call('ZCARD', K_READY) > 0 then wake() else call('DEL', K_WAKE) end
-- The time to the next deadline matters only to a claimer that got nothing and will block.
return {leases, #leases > 0 and -1 or next_due()}
)lua";

// ARGS[5]: claim_next '1'|'0'; ARGS[6]: repeat '1'|'0' (the client sends the call again
// because the reply to the first send was lost); ARGS[7..]: two per lease: the account, then
// struct('<ddd', token, event id, retry delay in µs, or -1 for an ack, -2 for a permanent
// failure) followed by the error unless acked (RedisSettlementArg). Settles every lease, then with
// claim_next grants the best ready accounts, one per lease settled. Returns one {disposition, next
// lease or {}} per lease: disposition 'acked' | 'retry' | 'dead' | 'lost'. In a repeat, a lease
// that was settled returns its first disposition, with no next lease.
constexpr std::string_view kComplete = R"lua(
local claim_next, repeated = ARGS[5] == '1', ARGS[6] == '1'
local n = (#ARGS - 6) / 2
local accounts, settlements = {}, {}
for i = 1, n do
  accounts[i] = ARGS[5 + 2 * i]
  settlements[i] = ARGS[6 + 2 * i]
end
-- Expiries and delays are found by claim, and by a completion when process_due has not run
-- for 5 ms (a script, which keeps nothing between calls, runs it every time): enough to keep
-- them moving while every worker is busy.
if (last_due[P] or 0) + 5000 <= NOW then process_due() end
load_many(accounts)
-- First every settlement. `readied`: score/member pairs of acked accounts that go on (put
-- back in the ready set together); `heads`: their new heads; `settled`: out indexes of the
-- leases settled now (each may get a next lease).
local out, readied, heads, settled = {}, {}, {}, {}
for i = 1, n do
  local a = accounts[i]
  local token, id, delay = sunpack('<ddd', settlements[i])
  local s = load(a)
  if not valid(s, token, id) then
    if repeated and s[7] == token and s[8] == id then
      out[i] = {s[10], {}}
    else
      out[i] = {'lost', {}}
    end
  else
    s[3], s[4] = 0, 0
    local disposition
    if delay == -1 then
      local _, new_head = pop_head(a, s)
      s[2] = 0
      count('acked', 1)
      disposition = 'acked'
      if new_head then
        heads[a] = new_head
        readied[#readied + 1] = score(new_head, s[9])
        readied[#readied + 1] = a
      end
    else
      count('nacked', 1)
      disposition = fail(a, s, sub(settlements[i], 25), delay)
    end
    s[7], s[8], s[10] = token, id, disposition
    save(a, s)
    out[i] = {disposition, {}}
    settled[#settled + 1] = i
  end
end
for _, added in ipairs(call_chunked('ZADD', K_READY, readied)) do ADDED = ADDED + added end
-- Then, with claim_next, the best ready accounts (the settled ones included) are granted, one
-- per settled lease. An account settled here that goes on has its state and new head at hand
-- and its entry in `leased` (early now, which process_due mends): the hot path.
local granted = 0
if claim_next then
  local best = pop_best(#settled)
  load_many(best)
  for _, b in ipairs(best) do
    local rec = heads[b] or call('LINDEX', strand(b), '0')
    if rec then
      granted = granted + 1
      out[settled[granted]][2] = grant(b, load(b), rec, not heads[b])
    end
  end
end
-- The settled leases that got no next lease end; their entries in `leased` stay until
-- process_due drops them.
count('leased', granted - #settled)
finish()
return out
)lua";

// ARGS[5..7]: account, token, id. Returns the new TTL in microseconds, or -1 if the lease is
// no longer valid.
constexpr std::string_view kExtend = R"lua(
local s = load(ARGS[5])
if not valid(s, tonumber(ARGS[6]), tonumber(ARGS[7])) then return -1 end
s[4] = NOW + TTL
save(ARGS[5], s)
flush()
return TTL
)lua";

// Returns {field, value, ...}: the totals plus the gauges read from the indexes.
constexpr std::string_view kStats = R"lua(
process_due()
finish()
local out = call('HGETALL', K_STATS)
local totals = {}
for i = 1, #out, 2 do totals[out[i]] = tonumber(out[i + 1]) end
local function add(k, v) out[#out + 1] = k; out[#out + 1] = format('%.0f', v) end
add('pending', (totals.enqueued or 0) + (totals.replayed or 0) - (totals.acked or 0) -
    (totals.dead_lettered or 0))
add('ready', call('ZCARD', K_READY))
add('delayed', call('ZCARD', K_DELAYED))
add('parked', call('SCARD', K_PARKED))
add('dead', call('ZCARD', K_DEAD))
return out
)lua";

// ARGS[5]: limit. Returns {{attempt, error, dead_us, record, account}...}, oldest first.
constexpr std::string_view kListDead = R"lua(
process_due()
finish()
local out = {}
for _, id in ipairs(call('ZRANGE', K_DEAD, '0', int(tonumber(ARGS[5]) - 1))) do
  out[#out + 1] = call('HMGET', dead_key(id), 'attempt', 'error', 'dead_us', 'event', 'account')
end
return out
)lua";

// ARGS[5]: '1' to put the events at the tail of their accounts, '0' at the head; ARGS[6..]:
// dead event ids in ascending order. A head in progress (leased, delayed or attempted) stays
// the head and replayed events go right behind it. Each record's replay count goes up by one.
// Unparks their accounts. Returns how many moved.
constexpr std::string_view kReplayDead = R"lua(
process_due()
local at_tail = ARGS[5] == '1'
local first, last, step = 6, #ARGS, 1
if not at_tail then first, last, step = #ARGS, 6, -1 end
local moved, states = 0, {}
for i = first, last, step do
  local id = ARGS[i]
  local h = call('HMGET', dead_key(id), 'account', 'event')
  if h[1] then
    local a, key = h[1], strand(h[1])
    local rid, rseq, renq, replays = sunpack('<dddd', h[2])
    local rec = pack('<dddd', rid, rseq, renq, replays + 1) .. sub(h[2], 33)
    local s = states[a] or load(a)
    states[a] = s
    call('DEL', dead_key(id))
    call('ZREM', K_DEAD, id)
    local len = s[9]
    if len == 0 then count('accounts', 1) end
    s[9] = len + 1
    if at_tail then
      call('RPUSH', key, rec)
    elseif len > 0 and (s[3] ~= 0 or s[5] ~= 0 or s[2] > 0) then
      local head = call('LPOP', key)
      call('LPUSH', key, rec)
      call('LPUSH', key, head)
    else
      call('LPUSH', key, rec)
    end
    count('replayed', 1)
    moved = moved + 1
  end
end
for a, s in pairs(states) do
  s[6] = 0
  call('SREM', K_PARKED, a)
  resume(a, s)
  save(a, s)
end
finish()
return moved
)lua";

// ARGS[5..]: dead event ids; none = every dead event. Unparks their accounts. Returns how many
// were deleted.
constexpr std::string_view kPurgeDead = R"lua(
process_due()
local ids = {}
if #ARGS < 5 then
  ids = call('ZRANGE', K_DEAD, '0', '-1')
else
  for i = 5, #ARGS do ids[#ids + 1] = ARGS[i] end
end
local n, touched = 0, {}
for _, id in ipairs(ids) do
  local a = call('HGET', dead_key(id), 'account')
  if a then
    call('DEL', dead_key(id))
    call('ZREM', K_DEAD, id)
    touched[a] = true
    n = n + 1
  end
end
for a in pairs(touched) do
  local s = load(a)
  s[6] = 0
  call('SREM', K_PARKED, a)
  resume(a, s)
  save(a, s)
end
finish()
return n
)lua";

// In RedisScript order.
constexpr std::array<Step, kRedisScriptCount> kSteps = {{
    {"enqueue", "enqueue", kEnqueue},
    {"claim", "claim", kClaim},
    {"complete", "complete", kComplete},
    {"extend", "extend", kExtend},
    {"stats", "stats", kStats},
    {"list-dead", "list_dead", kListDead},
    {"replay-dead", "replay_dead", kReplayDead},
    {"purge-dead", "purge_dead", kPurgeDead},
}};

std::string StepFunction(const Step& step) {
  return "local function " + std::string(step.lua) + "()" + std::string(step.body) + "end\n";
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
  std::array<std::string, kRedisScriptCount> scripts;    // EVAL sources
  std::array<std::string, kRedisScriptCount> functions;  // FCALL names
  std::string library;                                   // FUNCTION LOAD source
};

const Sources& AllSources() {
  static const auto* sources = [] {
    auto* s = new Sources;
    std::string steps;
    for (const Step& step : kSteps) steps += StepFunction(step);
    const std::string code = std::string(kCommon) + steps;
    char name[32];
    std::snprintf(name, sizeof(name), "strandq_%016llx",
                  static_cast<unsigned long long>(Fingerprint(code)));
    s->library = "#!lua name=" + std::string(name) + "\n" + code;
    for (size_t i = 0; i < kSteps.size(); ++i) {
      const Step& step = kSteps[i];
      s->functions[i] = std::string(name) + "_" + std::string(step.lua);
      s->library += "redis.register_function('" + s->functions[i] +
                    "', function(keys, args) begin(keys, args) return " + std::string(step.lua) +
                    "() end)\n";
      s->scripts[i] = "redis.replicate_commands()\n" + std::string(kCommon) + StepFunction(step) +
                      "begin(KEYS, ARGV)\nreturn " + std::string(step.lua) + "()\n";
    }
    return s;
  }();
  return *sources;
}

}  // namespace

std::string_view RedisScriptSource(RedisScript script) {
  return AllSources().scripts[static_cast<size_t>(script)];
}

std::string_view RedisScriptName(RedisScript script) {
  return kSteps[static_cast<size_t>(script)].name;
}

std::string_view RedisFunctionName(RedisScript script) {
  return AllSources().functions[static_cast<size_t>(script)];
}

std::string_view RedisLibrarySource() { return AllSources().library; }

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
