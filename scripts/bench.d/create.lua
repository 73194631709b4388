-- Creates versions of bench-0 … bench-15 (PENDING, with lineage): each request allocates a number in a transaction.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"run_id":"bench","params":{"lr":"0.1"},"metrics":{"auc":0.91}}'
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/models/bench-" .. (n % 16) .. "/versions")
end
