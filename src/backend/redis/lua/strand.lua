-- strand.lua: the rules of a strand, as the steps share them. They state in Lua what
-- StoreModel (src/core/store_model.h) states in C++, for the layout of docs/redis-protocol.md;
-- the differential test holds the two to the same answers.

-- The ready-set score, as text, of a strand with head `rec` and `len` events (lowest is
-- served first). Scores are integers and unique (the head id is part of them).
local function score(rec, len)
  local id = head_id(rec)
  if POLICY == 'oldest' then return int(id) end
  return int(-len * 4294967296 + id % 4294967296)
end

-- Puts account a (state s) in the ready set, or re-scores it there, if it has events and is
-- not leased, delayed, parked or paused: every way into the ready set but an ack's (complete).
local function resume(a, s)
  if s.leased_id ~= 0 or s.delayed_until_us ~= 0 or s.parked ~= 0 or s.paused ~= 0 or
      s.length == 0 then
    return
  end
  local rec = call('LINDEX', strand(a), '0')
  if not rec then return end
  ADDED = ADDED + call('ZADD', K_READY, score(rec, s.length), a)
end

-- Removes the head of a's strand (state s, saved); returns it and the new head (false if none).
local function pop_head(a, s)
  local key = strand(a)
  local rec = call('LPOP', key)
  s.length = s.length - 1
  local new_head = false
  if s.length > 0 then
    new_head = call('LINDEX', key, '0')
    s.head_id = head_id(new_head)
  else
    s.head_id = 0
    count('accounts', -1)
  end
  reindex(a, s, true)
  return rec, new_head
end

-- The latest failure of account a's head (state s, saved by the caller), or none: kept in
-- `errors` while s.errored is 1, so that an ack of an account that never failed costs nothing.
local function set_error(a, s, err)
  if err then
    call('HSET', K_ERRORS, a, err)
    s.errored = 1
  elseif s.errored ~= 0 then
    call('HDEL', K_ERRORS, a)
    s.errored = 0
  end
end

-- Appends the events of ARGS[from..] (account, payload pairs) to their strands, each with the
-- next id and its account's next seq, and puts the accounts touched in the ready set (or
-- re-scores them there) unless leased, delayed or parked. Returns {first id, {seq...}}.
local function append(from)
  local n = (#ARGS - from + 1) / 2
  local last = call('HINCRBY', K_STATS, 'last_id', int(n))
  local id = last - n
  local seqs, lens, heads, touched, new_accounts = {}, {}, {}, {}, 0
  for i = 0, n - 1 do
    local a = ARGS[from + 2 * i]
    id = id + 1
    local seq = call('HINCRBY', K_SEQ, a, '1')
    local len = call('RPUSH', strand(a), pack('<dddd', id, seq, NOW, 0) .. ARGS[from + 1 + 2 * i])
    if len == 1 then
      new_accounts = new_accounts + 1
      heads[a] = id
    end
    seqs[#seqs + 1] = seq
    if not lens[a] then touched[#touched + 1] = a end
    lens[a] = len
  end
  count('enqueued', n)
  count('accounts', new_accounts)
  load_many(touched)
  for _, a in ipairs(touched) do
    local s = load(a)
    s.length = lens[a]
    if heads[a] then s.head_id = heads[a] end
    reindex(a, s, heads[a] ~= nil)
    resume(a, s)
  end
  return {last - n + 1, seqs}
end

-- Grants head `rec` of account a (state s, taken out of the ready set) and saves s.
-- `leased` holds, for every leased account, a time no later than its deadline (the state has
-- the deadline itself): a new lease files its deadline there; an account whose entry is known
-- to be there (it goes on with its next event: `file` false), or an extension, leaves the
-- earlier time, and process_due files the real deadline when it gets there. process_due runs
-- before any grant of a call, so it never misses a filing that flush() has not written yet.
local function grant(a, s, rec, file)
  s.token = s.token + 1
  s.attempts = s.attempts + 1
  s.leased_id = head_id(rec)
  s.deadline_us = NOW + TTL
  s.holder = CLIENT
  if file then
    FILED[#FILED + 1] = int(s.deadline_us)
    FILED[#FILED + 1] = a
  end
  save(a, s)
  return {a, rec, s.token, s.attempts}
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

-- Grants up to `k` of the best ready accounts.
local function grant_ready(k)
  local leases = {}
  local popped = pop_best(k)
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
  call('HSET', dead_key(id), 'account', a, 'attempt', format('%.0f', s.attempts),
             'error', err, 'dead_us', format('%.0f', NOW), 'event', rec)
  call('ZADD', K_DEAD, call('HINCRBY', K_STATS, 'dead_order', '1'), id)
  count('dead_lettered', 1)
  s.attempts = 0
  if PARK then
    s.parked = 1
    call('SADD', K_PARKED, a)
  end
end

-- Account a (state s) goes on after its dead letters were replayed or purged: unparked, back
-- in the ready set if it has events and nothing holds it; saves s.
local function unpark(a, s)
  s.parked = 0
  call('SREM', K_PARKED, a)
  resume(a, s)
  save(a, s)
end

-- The head of account a (state s, no longer leased) failed an attempt: dead letter at
-- max_attempts or if `delay` is -2 (a permanent failure), else ready again after `delay`
-- microseconds. The caller saves s.
local function fail(a, s, err, delay)
  set_error(a, s, err)
  if delay == -2 or s.attempts >= MAX_ATTEMPTS then
    dead_letter(a, s, err)
    resume(a, s)
    return 'dead'
  end
  if delay > 0 then
    s.delayed_until_us = NOW + delay
    call('ZADD', K_DELAYED, int(s.delayed_until_us), a)
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
    if s.leased_id == 0 then
      call('ZREM', K_LEASED, a)
    elseif s.deadline_us >= NOW then
      call('ZADD', K_LEASED, int(s.deadline_us), a)
    else
      call('ZREM', K_LEASED, a)
      count('expired', 1)
      count('leased', -1)
      s.leased_id, s.deadline_us = 0, 0
      fail(a, s, 'lease expired', 0)
      save(a, s)
    end
  end
  local over = call('ZRANGEBYSCORE', K_DELAYED, '-inf', int(NOW), 'LIMIT', '0', '100')
  for _, a in ipairs(over) do
    call('ZREM', K_DELAYED, a)
    local s = load(a)
    s.delayed_until_us = 0
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

-- What an operator sees of account a (state s): {account, encoded state, the head's record
-- without its payload or false, the head's latest error or false, the lease holder's name or
-- false}. The client tells the account's state from these (RedisStore::ParseAccount).
local function account_info(a, s)
  local rec = s.length > 0 and call('LINDEX', strand(a), '0')
  local err = s.errored ~= 0 and call('HGET', K_ERRORS, a)
  local holder = s.leased_id ~= 0 and s.holder ~= 0 and
    call('HGET', K_CLIENTS, 'id:' .. int(s.holder))
  return {a, encode(s), rec and sub(rec, 1, 32) or false, err or false, holder or false}
end
