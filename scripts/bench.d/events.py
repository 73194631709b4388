"""Event latencies for the benchmark: W Server-Sent Events watchers and one webhook receiver follow N commits.

Usage: CAIRN_TOKEN=ADMIN-TOKEN events.py BASE_URL SERVER_PID [WATCHERS] [COMMITS]   (creating a webhook needs an admin)

Each commit sets a tag on the model bench-events (one event, whose `time` is the server's commit time in ms). Watch
latency is event time → the line reaching a watcher; delivery latency is event time → the signed POST reaching the
receiver (which then answers 200). Both on this machine's clock. Also reports the server's RSS with every watcher
connected, before and after the commits. Prints one `key value` line per figure.
"""
import http.client
import http.server
import json
import os
import socket
import sys
import threading
import time
from urllib.parse import urlparse

base = urlparse(sys.argv[1])
pid = int(sys.argv[2])
watchers = int(sys.argv[3]) if len(sys.argv) > 3 else 100
commits = int(sys.argv[4]) if len(sys.argv) > 4 else 200
model = "bench-events"
token = os.environ.get("CAIRN_TOKEN", "")
auth = {"Authorization": f"Bearer {token}"} if token else {}


def rss_kib():
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


def call(method, path, body=None):
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    headers = dict(auth, **({"Content-Type": "application/json"} if body is not None else {}))
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    if response.status >= 300:
        raise SystemExit(f"{method} {path} -> {response.status}: {data[:300]!r}")
    return json.loads(data) if data else None


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


# The receiver: records when each message arrived.
delivered = {}
lock = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        arrived = time.time()
        event = json.loads(body).get("data") or {}
        if event.get("subject") == f"model/{model}":
            with lock:
                delivered.setdefault(event["sequence"], (event["time"] / 1000, arrived))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()

call("POST", "/api/v1/models", {"name": model})
head = call("GET", "/api/v1/events?after=0&limit=1000")
after = max([e["sequence"] for e in head["events"]] + [head.get("next_after") or 0])
while head["events"]:
    head = call("GET", f"/api/v1/events?after={after}&limit=1000")
    after = max([e["sequence"] for e in head["events"]] + [after])
call("POST", "/api/v1/webhooks",
     {"name": "bench", "url": f"http://127.0.0.1:{server.server_port}/in", "actions": ["model.tag_set"]})

# The watchers: one socket each, reading the stream line by line.
seen = [dict() for _ in range(watchers)]
connected = threading.Barrier(watchers + 1)


def watch(index):
    sock = socket.create_connection((base.hostname, base.port))
    sock.sendall((f"GET /api/v1/events?model={model}&action=model.tag_set&after={after}&heartbeat=5 HTTP/1.1\r\n"
                  f"Host: {base.hostname}:{base.port}\r\nAccept: text/event-stream\r\n"
                  + "".join(f"{k}: {v}\r\n" for k, v in auth.items()) + "\r\n").encode())
    stream = sock.makefile("rb")
    while stream.readline() not in (b"\r\n", b"\n"):  # the response head
        pass
    connected.wait()
    for raw in stream:
        line = raw.decode().strip()
        # Chunked framing lines (sizes) and SSE fields other than data are skipped.
        if line.startswith("data: "):
            event = json.loads(line[6:])
            seen[index][event["sequence"]] = (event["time"] / 1000, time.time())
            if len(seen[index]) == commits:
                break
    sock.close()


threads = [threading.Thread(target=watch, args=(i,), daemon=True) for i in range(watchers)]
for thread in threads:
    thread.start()
connected.wait()
time.sleep(0.5)
rss_connected = rss_kib()

for i in range(commits):
    call("PUT", f"/api/v1/models/{model}/tags/round", {"value": str(i)})
    time.sleep(0.01)

deadline = time.time() + 60
for thread in threads:
    thread.join(max(0.1, deadline - time.time()))
while len(delivered) < commits and time.time() < deadline:
    time.sleep(0.05)
rss_after = rss_kib()

watch_ms = [(got - at) * 1000 for watcher in seen for at, got in watcher.values()]
delivery_ms = [(got - at) * 1000 for at, got in delivered.values()]
complete = sum(1 for watcher in seen if len(watcher) == commits)
print(f"watchers {watchers}")
print(f"watchers_complete {complete}")
print(f"commits {commits}")
print(f"watch_p50_ms {percentile(watch_ms, 50):.1f}")
print(f"watch_p99_ms {percentile(watch_ms, 99):.1f}")
print(f"watch_max_ms {max(watch_ms) if watch_ms else float('nan'):.1f}")
print(f"delivered {len(delivered)}")
print(f"delivery_p50_ms {percentile(delivery_ms, 50):.1f}")
print(f"delivery_p99_ms {percentile(delivery_ms, 99):.1f}")
print(f"rss_connected_kib {rss_connected}")
print(f"rss_after_kib {rss_after}")
server.shutdown()
