-- enqueue: ARGS[6..]: account, payload pairs. Returns {first id, {seq...}}.
process_due()
local receipts = append(6)
finish()
return receipts
