-- claim: ARGS[6]: max. Returns {{lease...}, microseconds until the next timer (-1: none, or
-- leases were granted)}; a lease is {account, record, token, attempt}.
process_due()
local leases = grant_ready(tonumber(ARGS[6]))
flush()
if REWAIT or call('ZCARD', K_READY) > 0 then wake() else call('DEL', K_WAKE) end
-- The time to the next deadline matters only to a claimer that got nothing and will block.
return {leases, #leases > 0 and -1 or next_due()}
