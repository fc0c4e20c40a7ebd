-- extend: ARGS[6..8]: account, token, id. Returns the new TTL in microseconds, or -1 if the
-- lease is no longer valid.
local s = load(ARGS[6])
if not valid(s, tonumber(ARGS[7]), tonumber(ARGS[8])) then return -1 end
s.deadline_us = NOW + TTL
save(ARGS[6], s)
flush()
return TTL
