-- list-dead: ARGS[6]: limit. Returns {{attempt, error, dead_us, record, account}...}, oldest
-- first.
process_due()
finish()
local out = {}
for _, id in ipairs(call('ZRANGE', K_DEAD, '0', int(tonumber(ARGS[6]) - 1))) do
  out[#out + 1] = call('HMGET', dead_key(id), 'attempt', 'error', 'dead_us', 'event', 'account')
end
return out
