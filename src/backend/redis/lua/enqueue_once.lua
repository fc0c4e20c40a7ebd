-- enqueue_once: ARGS[5] the idempotency key, ARGS[6] the batch's fingerprint (32 hex digits),
-- ARGS[7] the window in µs, ARGS[8..] account, payload pairs. Returns {0, first id, {seq...}}
-- for a batch enqueued now, {1, first id, {seq...}} for a key recorded with this fingerprint
-- (its receipts; nothing enqueued) and {2} for a key recorded with another one.
-- The key {P}:i:<key> holds struct('<dd', expiry µs, first id), the fingerprint, then each
-- seq as '<d'; it is live while NOW < expiry. Its Redis expiry, a minute later, only collects
-- it: the time that counts is the expiry inside, on the steps' clock.
process_due()
local key = P .. ':i:' .. ARGS[5]
local known = call('GET', key)
if known and NOW < sunpack('<d', known) then
  finish()
  if sub(known, 17, 48) ~= ARGS[6] then return {2} end
  local _, first = sunpack('<dd', known)
  local seqs = {}
  for at = 49, #known, 8 do seqs[#seqs + 1] = (sunpack('<d', known, at)) end
  return {1, first, seqs}
end
local window = tonumber(ARGS[7])
local receipts = append(8)
local value = {pack('<dd', NOW + window, receipts[1]), ARGS[6]}
for i, seq in ipairs(receipts[2]) do value[i + 2] = pack('<d', seq) end
call('SET', key, table.concat(value), 'PX', int(window / 1000 + 60000))
finish()
return {0, receipts[1], receipts[2]}
