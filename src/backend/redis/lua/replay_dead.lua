-- replay-dead: ARGS[6]: '1' to put the events at the tail of their accounts, '0' at the head;
-- ARGS[7..]: dead event ids in ascending order. A head in progress (leased, delayed or
-- attempted) stays the head and replayed events go right behind it. Each record's replay
-- count goes up by one. Unparks their accounts. Returns how many moved.
process_due()
local at_tail = ARGS[6] == '1'
local first, last, step = 7, #ARGS, 1
if not at_tail then first, last, step = #ARGS, 7, -1 end
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
    local len = s.length
    if len == 0 then count('accounts', 1) end
    s.length = len + 1
    if at_tail then
      call('RPUSH', key, rec)
    elseif len > 0 and (s.leased_id ~= 0 or s.delayed_until_us ~= 0 or s.attempts > 0) then
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
  s.head_id = head_id(call('LINDEX', strand(a), '0'))
  reindex(a, s, true)
  unpark(a, s)
end
finish()
return moved
