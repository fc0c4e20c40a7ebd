-- complete: ARGS[6]: claim_next '1'|'0'; ARGS[7]: repeat '1'|'0' (the client sends the call
-- again because the reply to the first send was lost); ARGS[8..]: two per lease: the account,
-- then struct('<ddd', token, event id, retry delay in µs, or -1 for an ack, -2 for a permanent
-- failure) followed by the error unless acked (RedisSettlementArg). Settles every lease, then
-- with claim_next grants the best ready accounts, one per lease settled. Returns one
-- {disposition, next lease or {}} per lease: disposition 'acked' | 'retry' | 'dead' | 'lost'.
-- In a repeat, a lease that was settled returns its first disposition, with no next lease.
local claim_next, repeated = ARGS[6] == '1', ARGS[7] == '1'
local n = (#ARGS - 7) / 2
local accounts, settlements = {}, {}
for i = 1, n do
  accounts[i] = ARGS[6 + 2 * i]
  settlements[i] = ARGS[7 + 2 * i]
end
-- Expiries and delays are found by claim, and by a completion when process_due has not run
-- for 5 ms (a script, which keeps nothing between calls, runs it every time): enough to keep
-- them moving while every worker is busy.
if (last_due[P] or 0) + 5000 <= NOW then process_due() end
load_many(accounts)
-- First every settlement. `readied`: score/member pairs of acked accounts that go on (put
-- back in the ready set together); `heads`: their new heads; `settled`: out indexes of the
-- leases settled now (each may get a next lease).
local out, readied, heads, settled = {}, {}, {}, {}
for i = 1, n do
  local a = accounts[i]
  local token, id, delay = sunpack('<ddd', settlements[i])
  local s = load(a)
  if not valid(s, token, id) then
    if repeated and s.settled_token == token and s.settled_id == id then
      out[i] = {s.disposition, {}}
    else
      out[i] = {'lost', {}}
    end
  else
    s.leased_id, s.deadline_us = 0, 0
    local disposition
    if delay == -1 then
      local _, new_head = pop_head(a, s)
      s.attempts = 0
      set_error(a, s, false)
      count('acked', 1)
      disposition = 'acked'
      if new_head and s.paused == 0 then
        heads[a] = new_head
        readied[#readied + 1] = score(new_head, s.length)
        readied[#readied + 1] = a
      end
    else
      count('nacked', 1)
      disposition = fail(a, s, sub(settlements[i], 25), delay)
    end
    s.settled_token, s.settled_id, s.disposition = token, id, disposition
    save(a, s)
    out[i] = {disposition, {}}
    settled[#settled + 1] = i
  end
end
for _, added in ipairs(call_chunked('ZADD', K_READY, readied)) do ADDED = ADDED + added end
-- Then, with claim_next, the best ready accounts (the settled ones included) are granted, one
-- per settled lease. An account settled here that goes on has its state and new head at hand
-- and its entry in `leased` (early now, which process_due mends): the hot path.
local granted = 0
if claim_next then
  local best = pop_best(#settled)
  load_many(best)
  for _, b in ipairs(best) do
    local rec = heads[b] or call('LINDEX', strand(b), '0')
    if rec then
      granted = granted + 1
      out[settled[granted]][2] = grant(b, load(b), rec, not heads[b])
    end
  end
end
-- The settled leases that got no next lease end; their entries in `leased` stay until
-- process_due drops them.
count('leased', granted - #settled)
finish()
return out
