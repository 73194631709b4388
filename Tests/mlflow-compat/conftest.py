"""Harness of the real-client compatibility suite: the unmodified `mlflow` Python client against `cairn serve`.

One `cairn serve --port 0` per test session, on a fresh data directory, started from $CAIRN_BIN (default
<repo>/.build/debug/cairn); its URL comes from the first stdout line ("Cairn … listening on http://127.0.0.1:PORT …").
The client is pointed at it through MLFLOW_TRACKING_URI, with telemetry off and retries cut down so that a server bug
fails a test in seconds instead of minutes of back-off. The server is always stopped, also when the session dies.

Environment:
  CAIRN_BIN                the cairn executable (default <repo>/.build/debug/cairn)
  CAIRN_MLFLOW_CLIENT      "3" or "2": which client major this venv must hold (checked against mlflow.__version__)
  CAIRN_COMPAT_TARGET_URL  run against an already running server instead (e.g. a real `mlflow server`, to check
                           the suite itself); tests of Cairn's own API and CLI are then skipped.
"""

from __future__ import annotations

import atexit
import os
import pathlib
import re
import signal
import subprocess
import sys
import threading
import time
import uuid

# The client reads these on every request, but set them before mlflow is imported all the same.
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"
os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "1"
os.environ["MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"] = "1"
os.environ["MLFLOW_HTTP_REQUEST_BACKOFF_JITTER"] = "0"
os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "60"
# Bound the pip-requirements inference log_model runs in a subprocess; keep GitPython quiet without git.
os.environ.setdefault("MLFLOW_REQUIREMENTS_INFERENCE_TIMEOUT", "30")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import pytest  # noqa: E402

import mlflow  # noqa: E402

from compat import EXTERNAL_URL, MLFLOW_MAJOR  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60
LISTEN_RE = re.compile(r"listening on (http://\S+)")


def pytest_report_header(config):
    target = EXTERNAL_URL or f"cairn serve ({_cairn_bin()})"
    return f"mlflow client {mlflow.__version__} against {target}"


def pytest_configure(config):
    wanted = os.environ.get("CAIRN_MLFLOW_CLIENT")
    if wanted and wanted != str(MLFLOW_MAJOR):
        raise pytest.UsageError(
            f"CAIRN_MLFLOW_CLIENT={wanted} but this interpreter has mlflow {mlflow.__version__} ({sys.executable})"
        )


def _cairn_bin() -> str:
    return os.environ.get("CAIRN_BIN") or str(REPO / ".build" / "debug" / "cairn")


class CairnServer:
    """A running `cairn serve` (or an external server when CAIRN_COMPAT_TARGET_URL is set)."""

    def __init__(self, url: str, binary: str | None, data: pathlib.Path | None, log: pathlib.Path | None,
                 process: subprocess.Popen | None):
        self.url = url
        self.binary = binary
        self.data = data
        self.log = log
        self.process = process

    def cli(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        """Runs a `cairn` client command against this server."""
        assert self.binary, "no cairn binary with an external server"
        env = dict(os.environ, CAIRN_SERVER=self.url)
        done = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=timeout, env=env)
        if check and done.returncode != 0:
            raise AssertionError(
                f"cairn {' '.join(args)} exited {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
            )
        return done

    def admin_token(self) -> str:
        """The bootstrap admin's token, which `cairn serve` writes (mode 0600) to <data>/admin-token at first start."""
        assert self.data, "no admin token of an external server"
        return (self.data / "admin-token").read_text().strip()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _start_cairn(workdir: pathlib.Path) -> CairnServer:
    binary = _cairn_bin()
    if not os.access(binary, os.X_OK):
        raise pytest.UsageError(f"no cairn executable at {binary} (build it: swift build --product cairn)")
    data = workdir / "data"
    log = workdir / "server.log"
    log_file = open(log, "wb")
    env = dict(os.environ)
    env.setdefault("CAIRN_LOG_LEVEL", "info")
    # test_webhooks.py's receivers listen on loopback, which webhooks may call only with this switch.
    env.setdefault("CAIRN_WEBHOOK_ALLOW_PRIVATE", "true")
    process = subprocess.Popen(
        [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=log_file,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # its own process group: stop() signals the whole group
    )
    server = CairnServer("", binary, data, log, process)
    atexit.register(server.stop)  # also when pytest dies before the fixture's teardown

    first_line: list[bytes] = []

    def read_first_line():
        first_line.append(process.stdout.readline())
        # Keep draining stdout into the log so the server never blocks on a full pipe.
        for chunk in iter(lambda: process.stdout.read(4096), b""):
            log_file.write(chunk)
            log_file.flush()

    threading.Thread(target=read_first_line, daemon=True).start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not first_line and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    line = first_line[0].decode(errors="replace") if first_line else ""
    match = LISTEN_RE.search(line)
    if not match:
        server.stop()
        raise RuntimeError(
            f"cairn serve did not announce its address within {STARTUP_TIMEOUT_S} s "
            f"(exit {process.poll()}); first stdout line: {line!r}\nlog:\n{server.log_tail()}"
        )
    server.url = match.group(1).rstrip("/")
    return server


@pytest.fixture(scope="session")
def cairn(tmp_path_factory) -> CairnServer:
    """The server every test of the session talks to; MLFLOW_TRACKING_URI points at it."""
    if EXTERNAL_URL:
        server = CairnServer(EXTERNAL_URL, None, None, None, None)
    else:
        server = _start_cairn(tmp_path_factory.mktemp("cairn"))
    old_uri = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = server.url
    mlflow.set_tracking_uri(server.url)
    mlflow.set_registry_uri(server.url)
    _SESSION["server"] = server
    try:
        yield server
    finally:
        server.stop()
        if old_uri is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = old_uri


_SESSION: dict = {}


@pytest.fixture(autouse=True)
def _clean_fluent_state(cairn):
    """Every test starts with no active run or experiment left over from another one."""
    while mlflow.active_run() is not None:
        mlflow.end_run()
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run("FAILED")
    mlflow.tracking.fluent._active_experiment_id = None
    os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
    os.environ.pop("MLFLOW_EXPERIMENT_NAME", None)


@pytest.fixture
def client(cairn):
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=cairn.url, registry_uri=cairn.url)


@pytest.fixture
def unique(request):
    """unique("model") -> "model-<test name>-<8 hex>": names that never collide between tests or sessions."""
    test = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40]

    def make(prefix: str) -> str:
        return f"{prefix}-{test}-{uuid.uuid4().hex[:8]}"

    return make


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A scratch directory that is also the cwd (the client writes temp files next to it)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    server = _SESSION.get("server")
    if server is None or exitstatus == 0 or not server.log:
        return
    terminalreporter.write_sep("-", f"cairn serve log (last lines of {server.log})")
    terminalreporter.write_line(server.log_tail(30))
