-- enqueue: ARGS[5..]: account, payload pairs. Returns {first id, {seq...}}.
process_due()
local receipts = append(5)
finish()
return receipts
