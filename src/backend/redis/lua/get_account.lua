-- get-account: ARGS[6] account, ARGS[7] offset, ARGS[8] limit. Returns {now µs, account
-- info (account_info), {record...}}: its pending events from `offset`, at most `limit`; false
-- for an account that never had an event.
process_due()
finish()
local a = ARGS[6]
if call('HEXISTS', K_SEQ, a) == 0 then return false end
local offset, limit = tonumber(ARGS[7]), tonumber(ARGS[8])
local records = {}
if limit > 0 then records = call('LRANGE', strand(a), int(offset), int(offset + limit - 1)) end
return {NOW, account_info(a, load(a)), records}
