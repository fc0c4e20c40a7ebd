-- wrk script: the POST a push attempt makes (bench/push.sh), to a push handler.
-- Usage: wrk -s bench/post_push.lua http://127.0.0.1:PORT/events
local body = '{"id":1,"account":"acct1","seq":1,"attempt":1,"enqueued_ns":1,"payload":""}'
request = function()
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
