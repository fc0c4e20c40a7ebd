-- state.lua: an account's state, read once per call and written once at its end.
-- decode() and encode() come before this file, generated from kRedisStateNumbers
-- (redis_state.h), which names the fields and draws their layout; a state is written here by
-- field name (s.token) and runs as a position (s[1]): RedisStateFieldsAsIndexes.

-- The call's own copy of account a's state (read once per call); the caller changes it and
-- says so with save().
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
-- Saves account a's state s after its length changed, and its head (s.head_id) if `head`:
-- flush() re-files it in the listing index.
local function reindex(a, s, head)
  save(a, s)
  if head then
    INDEXED[a] = 'head'
  elseif not INDEXED[a] then
    INDEXED[a] = 'length'
  end
end

-- The listing index `accounts` holds two members per account with events: 'b' .. account,
-- scored -length * 2^32 + (head id mod 2^32) (negative: the backlog order), and 'a' .. account,
-- scored by the head id (positive: the age order). One ZADD files the changed ones (the age
-- member only when the head changed), one ZREM drops those left without events.
local function flush_indexes()
  local add, gone = {}, {}
  for a, changed in pairs(INDEXED) do
    local s = STATES[a]
    if s.length > 0 then
      add[#add + 1] = int(-s.length * 4294967296 + s.head_id % 4294967296)
      add[#add + 1] = 'b' .. a
      if changed == 'head' then
        add[#add + 1] = int(s.head_id)
        add[#add + 1] = 'a' .. a
      end
    else
      gone[#gone + 1] = 'b' .. a
      gone[#gone + 1] = 'a' .. a
    end
  end
  call_chunked('ZADD', K_ACCOUNTS, add)
  call_chunked('ZREM', K_ACCOUNTS, gone)
end

-- Writes the call's changes: states (one HSET), `leased` entries (one ZADD), the listing
-- indexes, stats.
local function flush()
  local args = {}
  for a in pairs(DIRTY) do
    args[#args + 1] = a
    args[#args + 1] = encode(STATES[a])
  end
  call_chunked('HSET', K_STATE, args)
  call_chunked('ZADD', K_LEASED, FILED)
  if next(INDEXED) then flush_indexes() end
  for field, n in pairs(COUNTS) do
    if n ~= 0 then call('HINCRBY', K_STATS, field, int(n)) end
  end
  COUNTS, DIRTY, FILED, INDEXED = {}, {}, {}, {}
end

-- True if state s holds the live lease (token, id), numbers.
local function valid(s, token, id)
  return s.leased_id == id and s.token == token and s.deadline_us >= NOW
end
