-- call.lua: the state of one call and the helpers that read and write it.
--
-- Every step runs as `begin(keys, args)` followed by its own function, atomically. The helpers
-- keep the call's state in upvalues: the chunk is either a Redis 7 function library (loaded
-- once; each FCALL runs begin() and its step) or, on Redis 6.2, a script per step that creates
-- the helpers on every call. Calls are atomic either way, so no two calls see these at once.
-- Times are microseconds of the server's TIME; numbers stay below 2^53 so Lua's doubles are
-- exact.

-- The library functions the steps use, as locals (a global is a table lookup on every use),
-- set by begin(): a function library may not use them while it loads.
local call, pack, sunpack, format, sub, max, min, tonumber, unpack, pairs, ipairs, next
local P, K_READY, K_LEASED, K_DELAYED, K_PARKED, K_WAKE, K_STATS, K_SEQ, K_STATE, K_DEAD
local K_PAUSED, K_ACCOUNTS, K_ERRORS, K_CLIENTS
-- CLIENT: the number of the calling client in K_CLIENTS (its lease holder name), 0: none.
local ARGS, POLICY, TTL, MAX_ATTEMPTS, PARK, CLIENT, NOW
-- ADDED counts accounts this call added to the ready set, POPPED those it took out; REWAIT is
-- set when it filed a retry delay: finish() sets the wake flag by them. Every server command
-- costs about as much as all the Lua around it, so a call writes what it changed once, at the
-- end (flush()): COUNTS, the increments of the stats hash; STATES, the states it read or
-- wrote, by account, and DIRTY, the accounts whose state it changed; FILED, score/member pairs
-- for `leased`; INDEXED, the accounts whose length ('length') or head ('head') changed (the
-- listing index).
local ADDED, POPPED, REWAIT, COUNTS, STATES, DIRTY, FILED, INDEXED
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
    tonumber, unpack, pairs, ipairs, next = _G.tonumber, _G.unpack, _G.pairs, _G.ipairs, _G.next
  end
  call = redis.call
  P = keys[1]
  local k = key_names[P]
  if not k then
    k = {P .. ':ready', P .. ':leased', P .. ':delayed', P .. ':parked', P .. ':wake',
         P .. ':stats', P .. ':seq', P .. ':state', P .. ':dead', P .. ':paused',
         P .. ':accounts', P .. ':errors', P .. ':clients'}
    key_names[P] = k
  end
  K_READY, K_LEASED, K_DELAYED, K_PARKED, K_WAKE, K_STATS, K_SEQ, K_STATE, K_DEAD, K_PAUSED,
    K_ACCOUNTS, K_ERRORS, K_CLIENTS = unpack(k)
  ARGS = args
  POLICY = args[1]
  TTL = tonumber(args[2])
  MAX_ATTEMPTS = tonumber(args[3])
  PARK = args[4] == 'park'
  CLIENT = tonumber(args[5])
  if keys[2] then
    -- Tests only: the time comes from this key (RedisStoreOptions::clock).
    NOW = tonumber(call('GET', keys[2]))
  else
    local t = call('TIME')
    NOW = tonumber(t[1]) * 1000000 + tonumber(t[2])
  end
  ADDED, POPPED, REWAIT, COUNTS, STATES, DIRTY, FILED, INDEXED = 0, 0, false, {}, {}, {}, {}, {}
end

local function strand(a) return P .. ':s:' .. a end
local function dead_key(id) return P .. ':d:' .. id end

-- Numbers are kept in binary (the struct library's little-endian doubles): turning numbers
-- into text costs more than the rest of a call. A strand record is
-- struct('<dddd', id, seq, enqueued µs, times replayed from the dead letters) followed by the
-- payload.
local function head_id(rec) return (sunpack('<d', rec)) end
-- An integral number as text for a command. redis.call turns a number argument into text with
-- printf('%.17g'), the costliest part of a call; '%d' is exact below 2^63 and a fraction of
-- that.
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
