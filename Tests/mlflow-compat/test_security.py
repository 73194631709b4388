"""Attacks on a fresh `cairn serve` (loopback defaults), tried the way an attacker would, each checked by its outcome:
nothing created, no canary touched, identical answers, the status and how fast it came.

DNS rebinding and cross-site writes, source and location probing, internal addresses, malformed framing, oversized
fields, and the data directory's protection at rest (security round two)."""

from __future__ import annotations

import http.client
import json
import os
import pathlib
import socket
import stat
import subprocess
import time
import urllib.parse

import pytest
import requests

from compat import cairn_only

pytestmark = cairn_only


def _hostport(cairn):
    parsed = urllib.parse.urlparse(cairn.url)
    return parsed.hostname, parsed.port


def raw(cairn, data: bytes, timeout: float = 10) -> tuple[int, bytes, float]:
    """Sends raw bytes on a fresh connection; returns (status, whole answer until close or timeout, seconds)."""
    host, port = _hostport(cairn)
    start = time.monotonic()
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or len(answer) < answer.find(b"\r\n\r\n") + 4 + _length(answer):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except socket.timeout:
            pass
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, answer, time.monotonic() - start


def _length(answer: bytes) -> int:
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    for line in head.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def post(path: str, body: dict, host: str, extra: str = "") -> bytes:
    payload = json.dumps(body).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{extra}"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    ).encode() + payload


def model_exists(cairn, name: str) -> bool:
    answer = requests.get(f"{cairn.url}/api/2.0/mlflow/registered-models/get", params={"name": name}, timeout=10)
    return answer.status_code == 200


# 1. DNS rebinding and cross-site writes


@pytest.mark.parametrize(
    "host,extra",
    [
        ("evil.example", ""),
        ("evil.example:{port}", ""),
        ("127.0.0.1.evil.example:{port}", ""),
        ("evil.example", "X-Forwarded-Host: localhost\r\n"),
        ("evil.example", "Forwarded: host=localhost\r\n"),
    ],
)
def test_foreign_host_creates_nothing(cairn, unique, host, extra):
    name = unique("rebound")
    _, port = _hostport(cairn)
    status, answer, _ = raw(cairn, post("/api/2.0/mlflow/registered-models/create", {"name": name},
                                        host.format(port=port), extra))
    assert status == 403, answer
    assert b"--allowed-hosts" in answer
    status, _, _ = raw(cairn, post("/api/v1/models", {"name": name}, host.format(port=port), extra))
    assert status == 403
    assert not model_exists(cairn, name)
    # A read through a rebound name is refused too: the page learns nothing.
    status, _, _ = raw(cairn, f"GET /api/v1/models HTTP/1.1\r\nHost: {host.format(port=port)}\r\n"
                              f"Connection: close\r\n\r\n".encode())
    assert status == 403


@pytest.mark.parametrize(
    "extra",
    [
        "Origin: https://evil.example\r\n",
        "Origin: null\r\n",
        "Origin: http://localhost:1\r\n",
        "Sec-Fetch-Site: cross-site\r\n",
    ],
)
def test_cross_origin_write_creates_nothing(cairn, unique, extra):
    name = unique("crosssite")
    _, port = _hostport(cairn)
    status, answer, _ = raw(cairn, post("/api/2.0/mlflow/registered-models/create", {"name": name},
                                        f"127.0.0.1:{port}", extra))
    assert status == 403, answer
    assert not model_exists(cairn, name)


def test_simple_cross_site_form_post_creates_nothing(cairn, unique):
    """A cross-site <form> may send text/plain without a preflight; JSON routes refuse it even without Origin."""
    name = unique("form")
    host, port = _hostport(cairn)
    payload = json.dumps({"name": name}).encode()
    for path in ["/api/2.0/mlflow/registered-models/create", "/api/v1/models"]:
        data = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: text/plain\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n").encode() + payload
        status, answer, _ = raw(cairn, data)
        assert status in (400, 415), answer
    assert not model_exists(cairn, name)


def test_same_origin_and_plain_clients_still_work(cairn, unique):
    name = unique("sameorigin")
    _, port = _hostport(cairn)
    status, answer, _ = raw(cairn, post("/api/2.0/mlflow/registered-models/create", {"name": name},
                                        f"localhost:{port}", f"Origin: http://localhost:{port}\r\n"))
    assert status == 200, answer
    assert model_exists(cairn, name)


# 2 and 3. Source and location probing, internal addresses


def test_local_sources_answer_the_same_whatever_exists(cairn, unique, tmp_path):
    canary = tmp_path / "canary.txt"
    canary.write_text("canary")
    before = canary.stat()
    name = unique("probe")
    requests.post(f"{cairn.url}/api/2.0/mlflow/registered-models/create", json={"name": name}, timeout=10)
    answers = set()
    for source in [str(canary), str(tmp_path / "missing.txt"), f"file://{canary}", f"file://{tmp_path}/missing",
                   str(tmp_path), "/etc/passwd", "/nonexistent-dir/"]:
        reply = requests.post(f"{cairn.url}/api/2.0/mlflow/model-versions/create",
                              json={"name": name, "source": source}, timeout=10)
        answers.add((reply.status_code, reply.json()["error_code"], reply.json()["message"]))
    assert len(answers) == 1, answers
    assert next(iter(answers))[0] == 400
    versions = requests.get(f"{cairn.url}/api/2.0/mlflow/model-versions/search",
                            params={"filter": f"name='{name}'"}, timeout=10).json()
    assert versions.get("model_versions", []) == []
    after = canary.stat()
    assert canary.read_text() == "canary" and (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)


INTERNAL = [
    "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest/meta-data/", "http://10.0.0.1/m",
    "http://192.168.0.1/m", "http://100.100.100.200/latest/meta-data/", "http://2852039166/", "http://0xA9FEA9FE/",
    "http://0251.0376.0251.0376/", "http://[::ffff:169.254.169.254]/", "http://127.0.0.1:5000/",
    "http://metadata.google.internal/computeMetadata/v1/", "mlflow-artifacts://169.254.169.254/0/x",
]


@pytest.mark.parametrize("source", INTERNAL)
def test_internal_sources_are_refused(cairn, unique, source):
    name = unique("ssrf")
    requests.post(f"{cairn.url}/api/2.0/mlflow/registered-models/create", json={"name": name}, timeout=10)
    reply = requests.post(f"{cairn.url}/api/2.0/mlflow/model-versions/create",
                          json={"name": name, "source": source}, timeout=10)
    assert reply.status_code == 400 and reply.json()["error_code"] == "INVALID_PARAMETER_VALUE", reply.text
    assert "--allowed-internal-sources" in reply.json()["message"]
    versions = requests.get(f"{cairn.url}/api/2.0/mlflow/model-versions/search",
                            params={"filter": f"name='{name}'"}, timeout=10).json()
    assert versions.get("model_versions", []) == []


def test_internal_sources_refused_through_the_prompt_registry_and_experiments(cairn, unique):
    name = unique("prompt")
    created = requests.post(f"{cairn.url}/api/2.0/mlflow/registered-models/create", json={
        "name": name, "tags": [{"key": "mlflow.prompt.is_prompt", "value": "true"}]}, timeout=10)
    assert created.status_code == 200
    reply = requests.post(f"{cairn.url}/api/2.0/mlflow/model-versions/create", json={
        "name": name, "source": "http://169.254.169.254/latest/meta-data/iam/",
        "tags": [{"key": "mlflow.prompt.text", "value": "Hello {{name}}"}]}, timeout=10)
    assert reply.status_code == 400, reply.text
    prompt = requests.post(f"{cairn.url}/api/2.0/mlflow/model-versions/create", json={
        "name": name, "source": "dummy-source",
        "tags": [{"key": "mlflow.prompt.text", "value": "Hello {{name}}"}]}, timeout=10)
    assert prompt.status_code == 200, "the prompt registry's own placeholder source still works"
    experiment = requests.post(f"{cairn.url}/api/2.0/mlflow/experiments/create", json={
        "name": unique("exp"), "artifact_location": "http://[fd00:ec2::254]/latest/"}, timeout=10)
    assert experiment.status_code == 400, experiment.text


# 4. Malformed framing


FRAMING = {
    "invalid chunk size": b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "overflowing chunk size": b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n",
    "unknown transfer coding": b"Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("case", list(FRAMING))
@pytest.mark.parametrize("path", ["/api/2.0/mlflow/registered-models/create", "/api/v1/models"])
def test_malformed_framing_is_a_400(cairn, case, path):
    host, port = _hostport(cairn)
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n".encode()
    status, answer, seconds = raw(cairn, head + FRAMING[case])
    assert status == 400, answer
    assert b"INTERNAL" not in answer
    assert seconds < 5
    assert requests.get(f"{cairn.url}/health", timeout=10).status_code == 200
    log = cairn.log_tail(200)
    assert "unexpected error" not in log and "request failed" not in log


# 5. Oversized bodies and fields


@pytest.mark.parametrize(
    "method,path,field",
    [
        ("POST", "/api/2.0/mlflow/registered-models/set-tag", "value"),
        ("PATCH", "/api/2.0/mlflow/registered-models/update", "description"),
        ("PATCH", "/api/2.0/mlflow/model-versions/update", "description"),
        ("PATCH", "/api/v1/models/{name}", "description"),
    ],
)
def test_a_10_mib_field_is_refused_at_once(cairn, unique, method, path, field):
    name = unique("big")
    requests.post(f"{cairn.url}/api/2.0/mlflow/registered-models/create", json={"name": name}, timeout=10)
    requests.post(f"{cairn.url}/api/2.0/mlflow/model-versions/create",
                  json={"name": name, "source": "https://example.com/m"}, timeout=10)
    body = {"name": name, "version": "1", "key": "k", field: "x" * (10 << 20)}
    payload = json.dumps(body).encode()
    host, port = _hostport(cairn)
    # http.client sends the whole body before it reads a byte, and says Connection: close: the worst case.
    connection = http.client.HTTPConnection(host, port, timeout=30)
    start = time.monotonic()
    connection.request(method, path.format(name=name), body=payload,
                       headers={"Content-Type": "application/json", "Connection": "close"})
    reply = connection.getresponse()
    text = reply.read().decode()
    seconds = time.monotonic() - start
    connection.close()
    assert reply.status in (400, 413), text
    assert "bytes" in text and ("limit" in text), text
    assert seconds < 5, f"answered after {seconds:.1f} s"
    model = requests.get(f"{cairn.url}/api/2.0/mlflow/registered-models/get", params={"name": name},
                         timeout=10).json()["registered_model"]
    assert model.get("description", "") == "" and not model.get("tags")
    # A keep-alive connection stays usable after the refusal.
    session = requests.Session()
    refused = session.post(f"{cairn.url}/api/2.0/mlflow/registered-models/set-tag", data=payload,
                           headers={"Content-Type": "application/json"}, timeout=30)
    assert refused.status_code == 400
    assert session.get(f"{cairn.url}/health", timeout=10).status_code == 200


# 6. Data at rest


def test_data_directory_and_files_are_owner_only(cairn):
    data = cairn.data
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in [data, *data.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if path.is_dir():
            assert mode == 0o700, f"{path}: {oct(mode)}"
        else:
            assert mode & 0o077 == 0, f"{path}: {oct(mode)}"
    assert stat.S_IMODE((data / "cairn.sqlite").stat().st_mode) == 0o600


def _serve(cairn, data: pathlib.Path, timeout: float = 20) -> subprocess.CompletedProcess | subprocess.Popen:
    return subprocess.Popen([cairn.binary, "serve", "--port", "0", "--data", str(data)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)


def test_refuses_a_data_directory_others_can_write(cairn, tmp_path):
    data = tmp_path / "shared"
    data.mkdir()
    os.chmod(data, 0o777)
    process = _serve(cairn, data)
    try:
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode != 0
    assert "can be written by other users" in err and "chmod 700" in err, err
    assert list(data.iterdir()) == [], "nothing was created in the refused directory"


def test_tightens_a_readable_data_directory(cairn, tmp_path):
    data = tmp_path / "old"
    data.mkdir()
    os.chmod(data, 0o755)
    (data / "leftover.txt").write_text("x")
    os.chmod(data / "leftover.txt", 0o644)
    process = _serve(cairn, data)
    try:
        line = process.stdout.readline()
        assert "listening on" in line, process.stderr.read() if process.poll() is not None else line
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        assert stat.S_IMODE((data / "leftover.txt").stat().st_mode) == 0o600
        assert stat.S_IMODE((data / "cairn.sqlite").stat().st_mode) == 0o600
    finally:
        process.terminate()
        process.wait(timeout=10)
