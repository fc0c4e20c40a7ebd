-- list-accounts: ARGS[6] the state ('' for any, ready, leased, delayed, paused, parked), ARGS[7]
-- the order ('backlog' | 'age'), ARGS[8] the limit (>= 1). Returns {now µs, {account info...}}
-- (account_info): the accounts with events, paused or parked, in that state (paused, parked: by
-- the flag), most pending first (ties to the older head) or oldest head first; those without
-- events last, by name. Any state or ready: a walk of the backlog or age members of `accounts`
-- that stops at the limit; the other states: their own key's members, sorted here.
process_due()
finish()
local filter, by_age, limit = ARGS[6], ARGS[7] == 'age', tonumber(ARGS[8])
-- The state an account is listed in, as StoreModel::StateOf.
local function shown(s)
  if s.leased_id ~= 0 then return 'leased' end
  if s.paused ~= 0 then return 'paused' end
  if s.parked ~= 0 then return 'parked' end
  if s.delayed_until_us ~= 0 then return 'delayed' end
  if s.length > 0 then return 'ready' end
  return 'idle'
end
local function matches(s)
  if filter == '' then return true end
  if filter == 'paused' then return s.paused ~= 0 end
  if filter == 'parked' then return s.parked ~= 0 end
  return shown(s) == filter
end
-- Account names in listing order.
local function before(x, y)
  local sx, sy = STATES[x], STATES[y]
  if sx.length == 0 or sy.length == 0 then
    if (sx.length == 0) ~= (sy.length == 0) then return sy.length == 0 end
    return x < y
  end
  if not by_age and sx.length ~= sy.length then return sx.length > sy.length end
  return sx.head_id < sy.head_id
end
local out = {}
local function take(names)
  for _, a in ipairs(names) do
    if #out >= limit then return end
    out[#out + 1] = account_info(a, load(a))
  end
end
if filter == '' or filter == 'ready' then
  -- The age members of `accounts` have positive scores, the backlog members negative ones.
  local low, high = '-inf', '(0'
  if by_age then low, high = '(0', '+inf' end
  local from, page = 0, max(limit, 100)
  while #out < limit do
    local names = call('ZRANGEBYSCORE', K_ACCOUNTS, low, high, 'LIMIT', int(from), int(page))
    if #names == 0 then break end
    for i, member in ipairs(names) do names[i] = sub(member, 2) end
    load_many(names)
    local matching = {}
    for _, a in ipairs(names) do
      if matches(load(a)) then matching[#matching + 1] = a end
    end
    take(matching)
    from = from + page
  end
  if filter == '' and #out < limit then
    local empty, seen = {}, {}
    for _, key in ipairs({K_PAUSED, K_PARKED}) do
      for _, a in ipairs(call('SMEMBERS', key)) do
        if not seen[a] then
          seen[a] = true
          empty[#empty + 1] = a
        end
      end
    end
    load_many(empty)
    local names = {}
    for _, a in ipairs(empty) do
      if load(a).length == 0 then names[#names + 1] = a end
    end
    table.sort(names)
    take(names)
  end
elseif filter ~= 'idle' then
  local names
  if filter == 'leased' then
    names = call('ZRANGE', K_LEASED, '0', '-1')
  elseif filter == 'delayed' then
    names = call('ZRANGE', K_DELAYED, '0', '-1')
  else
    names = call('SMEMBERS', filter == 'paused' and K_PAUSED or K_PARKED)
  end
  load_many(names)
  local matching = {}
  for _, a in ipairs(names) do
    if matches(load(a)) then matching[#matching + 1] = a end
  end
  table.sort(matching, before)
  take(matching)
end
return {NOW, out}
