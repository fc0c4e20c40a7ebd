-- enqueue: ARGS[5..]: account, payload pairs. Returns {first id, {seq...}}.
process_due()
local n = (#ARGS - 4) / 2
local last = call('HINCRBY', K_STATS, 'last_id', int(n))
local id = last - n
local seqs, lens, touched, new_accounts = {}, {}, {}, 0
for i = 0, n - 1 do
  local a = ARGS[5 + 2 * i]
  id = id + 1
  local seq = call('HINCRBY', K_SEQ, a, '1')
  local len = call('RPUSH', strand(a), pack('<dddd', id, seq, NOW, 0) .. ARGS[6 + 2 * i])
  if len == 1 then new_accounts = new_accounts + 1 end
  seqs[#seqs + 1] = seq
  if not lens[a] then touched[#touched + 1] = a end
  lens[a] = len
end
count('enqueued', n)
count('accounts', new_accounts)
load_many(touched)
for _, a in ipairs(touched) do
  local s = load(a)
  s.length = lens[a]
  save(a, s)
  resume(a, s)
end
finish()
return {last - n + 1, seqs}
