-- stats: returns {field, value, ...}: the totals plus the gauges read from the indexes.
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
add('paused', call('SCARD', K_PAUSED))
-- The oldest head: the first age member of `accounts` ('a' .. account, positive scores).
local oldest = call('ZRANGEBYSCORE', K_ACCOUNTS, '(0', '+inf', 'LIMIT', '0', '1')[1]
local head = oldest and call('LINDEX', strand(sub(oldest, 2)), '0')
local enqueued_us = 0
if head then
  local _, _, us = sunpack('<ddd', head)
  enqueued_us = us
end
add('oldest_us', enqueued_us)
return out
