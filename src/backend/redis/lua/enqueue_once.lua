-- enqueue_once: ARGS[6] the idempotency key, ARGS[7] the batch's fingerprint (32 hex digits),
-- ARGS[8] the window in µs, ARGS[9..] account, payload pairs. Returns {0, first id, {seq...}}
-- for a batch enqueued now, {1, first id, {seq...}} for a key recorded with this fingerprint
-- (its receipts; nothing enqueued) and {2} for a key recorded with another one.
-- The key {P}:i:<key> holds struct('<dd', expiry µs, first id), the fingerprint, then each
-- seq as '<d'; it is live while NOW < expiry. Its Redis expiry, a minute later, only collects
-- it: the time that counts is the expiry inside, on the steps' clock.
process_due()
local key = P .. ':i:' .. ARGS[6]
local known = call('GET', key)
if known and NOW < sunpack('<d', known) then
  finish()
  if sub(known, 17, 48) ~= ARGS[7] then return {2} end
  local _, first = sunpack('<dd', known)
  local seqs = {}
  for at = 49, #known, 8 do seqs[#seqs + 1] = (sunpack('<d', known, at)) end
  return {1, first, seqs}
end
local window = tonumber(ARGS[8])
local receipts = append(9)
local value = {pack('<dd', NOW + window, receipts[1]), ARGS[7]}
for i, seq in ipairs(receipts[2]) do value[i + 2] = pack('<d', seq) end
call('SET', key, table.concat(value), 'PX', int(window / 1000 + 60000))
finish()
return {0, receipts[1], receipts[2]}
