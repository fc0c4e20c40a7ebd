-- extend: ARGS[5..7]: account, token, id. Returns the new TTL in microseconds, or -1 if the
-- lease is no longer valid.
local s = load(ARGS[5])
if not valid(s, tonumber(ARGS[6]), tonumber(ARGS[7])) then return -1 end
s.deadline_us = NOW + TTL
save(ARGS[5], s)
flush()
return TTL
