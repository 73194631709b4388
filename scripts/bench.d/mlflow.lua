-- One of the MLflow reads a serving fleet makes on load_model, on a random one of bench-0 … bench-999, picked by
-- the CALL environment variable: alias | latest | version | download.
local call = os.getenv("CALL") or "alias"
request = function()
  local model = "bench-" .. math.random(0, 999)
  if call == "alias" then
    return wrk.format("GET", "/api/2.0/mlflow/registered-models/alias?name=" .. model .. "&alias=champion")
  elseif call == "latest" then
    return wrk.format("POST", "/api/2.0/mlflow/registered-models/get-latest-versions",
      { ["Content-Type"] = "application/json" }, '{"name":"' .. model .. '","stages":["Production"]}')
  elseif call == "version" then
    return wrk.format("GET", "/api/2.0/mlflow/model-versions/get?name=" .. model .. "&version=5")
  else
    return wrk.format("GET", "/api/2.0/mlflow/model-versions/get-download-uri?name=" .. model .. "&version=5")
  end
end
