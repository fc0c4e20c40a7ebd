-- wrk script: NDJSON POSTs of BATCH events each (default 1,000) over 1,000 accounts.
-- Usage: BATCH=1000 wrk -s bench/post_batch.lua http://127.0.0.1:PORT
local batch = tonumber(os.getenv("BATCH") or "1000")
local lines = {}
for i = 1, batch do
  lines[i] = '{"account":"acct' .. (i % 1000) .. '","payload":"event payload ' .. i .. '"}'
end
local body = table.concat(lines, "\n") .. "\n"

local req = wrk.format("POST", "/v1/events", {["Content-Type"] = "application/x-ndjson"}, body)

request = function()
  return req
end

