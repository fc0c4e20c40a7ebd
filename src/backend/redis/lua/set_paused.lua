-- set-paused: ARGS[6] account, ARGS[7] '1' to pause, '0' to resume. Returns {now µs, account
-- info (account_info)}, or false for an account that never had an event. A paused account is
-- in `paused` and out of `ready` (resume() leaves it out); a lease it holds runs on, and its
-- settlement does not make it ready. Resuming puts it back in `ready` if it may be (waking
-- blocked claimers through finish()).
process_due()
local a = ARGS[6]
if call('HEXISTS', K_SEQ, a) == 0 then
  finish()
  return false
end
local s = load(a)
if ARGS[7] == '1' and s.paused == 0 then
  s.paused = 1
  call('SADD', K_PAUSED, a)
  call('ZREM', K_READY, a)
  save(a, s)
elseif ARGS[7] == '0' and s.paused ~= 0 then
  s.paused = 0
  call('SREM', K_PAUSED, a)
  save(a, s)
  resume(a, s)
end
finish()
return {NOW, account_info(a, s)}
