-- wrk script: one single-event JSON POST per request, over 1,000 accounts.
-- Usage: wrk -s bench/post_event.lua http://127.0.0.1:PORT   (bench/http.sh checks for non-2xx)
local n = 0
request = function()
  n = n + 1
  local body = '{"account":"acct' .. (n % 1000) .. '","payload":"event ' .. n .. '"}'
  return wrk.format("POST", "/v1/events", {["Content-Type"] = "application/json"}, body)
end

