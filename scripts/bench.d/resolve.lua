-- Resolves a random one of bench-0 … bench-999, alternating the three reference kinds.
local kinds = { "/1", "/latest", "@champion" }
local n = 0
request = function()
  n = n + 1
  local model = math.random(0, 999)
  return wrk.format("GET", "/api/v1/resolve?uri=models:/bench-" .. model .. kinds[(n % 3) + 1])
end
