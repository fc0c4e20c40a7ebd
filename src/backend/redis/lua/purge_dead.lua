-- purge-dead: ARGS[6..]: dead event ids; none = every dead event. Unparks their accounts.
-- Returns how many were deleted.
process_due()
local ids = {}
if #ARGS < 6 then
  ids = call('ZRANGE', K_DEAD, '0', '-1')
else
  for i = 6, #ARGS do ids[#ids + 1] = ARGS[i] end
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
for a in pairs(touched) do unpark(a, load(a)) end
finish()
return n
