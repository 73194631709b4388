"""Seeds N models for the benchmark: bench-0 … bench-(N-1), each with V finalized versions (default 5), the alias
champion on the last one and the last one in Production (what MLflow's serving calls read)."""
import http.client
import json
import sys
from urllib.parse import urlparse

base, count = urlparse(sys.argv[1]), int(sys.argv[2])
versions = int(sys.argv[3]) if len(sys.argv) > 3 else 5
conn = http.client.HTTPConnection(base.hostname, base.port)


def call(method, path, body=None, content_type="application/json"):
    headers = {"Content-Type": content_type} if body is not None else {}
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise SystemExit(f"{method} {path} -> {response.status}: {data[:300]!r}")
    return data


for i in range(count):
    name = f"bench-{i}"
    call("POST", "/api/v1/models", json.dumps({"name": name}))
    for v in range(1, versions + 1):
        call("POST", f"/api/v1/models/{name}/versions", json.dumps({"run_id": f"run-{i}", "metrics": {"auc": 0.9}}))
        call("PUT", f"/api/v1/models/{name}/versions/{v}/files/MLmodel", f"model {i} {v}\n".encode(),
             "application/octet-stream")
        call("POST", f"/api/v1/models/{name}/versions/{v}/finalize", b"", "application/json")
    call("PUT", f"/api/v1/models/{name}/aliases/champion", json.dumps({"version": versions}))
    call("POST", f"/api/v1/models/{name}/versions/{versions}/promote", json.dumps({"stage": "Production"}))
print(f"seeded {count} models x {versions} versions")
