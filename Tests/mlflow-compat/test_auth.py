"""Identity as the unmodified mlflow client sees it, against `cairn serve --anonymous none`.

Credentials go where the client reads them on every request: MLFLOW_TRACKING_TOKEN (sent as `Authorization: Bearer`)
or MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD (HTTP Basic). Accounts, grants, passwords and tokens are set up
through Cairn's native API with the bootstrap admin's token from `<data>/admin-token`.

This module starts its own server (anonymous access off) and overrides the suite's `cairn` fixture with it, so the
suite's autouse fixtures work here without starting the shared, anonymous-editor server as well.
"""

from __future__ import annotations

import pathlib
import subprocess
import threading
import time
import uuid

import pytest
from mlflow.tracking import MlflowClient

from compat import api, cairn_only, expect_error
from conftest import LISTEN_RE, STARTUP_TIMEOUT_S, CairnServer, _cairn_bin

pytestmark = cairn_only

CREDENTIAL_VARIABLES = ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")


def _start_locked(workdir: pathlib.Path) -> CairnServer:
    """`cairn serve --anonymous none` on a free port, logging to workdir/server.log (as conftest's server does)."""
    binary = _cairn_bin()
    data, log = workdir / "data", workdir / "server.log"
    log_file = open(log, "wb")
    process = subprocess.Popen(
        [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data", str(data), "--anonymous", "none"],
        stdout=subprocess.PIPE,
        stderr=log_file,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = CairnServer("", binary, data, log, process)
    first_line: list[bytes] = []

    def drain():
        first_line.append(process.stdout.readline())
        for chunk in iter(lambda: process.stdout.read(4096), b""):
            log_file.write(chunk)
            log_file.flush()

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not first_line and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    match = LISTEN_RE.search(first_line[0].decode(errors="replace") if first_line else "")
    if not match:
        server.stop()
        raise RuntimeError(f"cairn serve --anonymous none did not start (exit {process.poll()}):\n{server.log_tail()}")
    server.url = match.group(1).rstrip("/")
    return server


@pytest.fixture(scope="module")
def cairn(tmp_path_factory):
    """This module's server: anonymous callers refused. Overrides the suite's session-wide `cairn`."""
    server = _start_locked(tmp_path_factory.mktemp("cairn-auth"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def admin_token(cairn) -> str:
    path = cairn.data / "admin-token"
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.stat().st_mode & 0o777 == 0o600, oct(path.stat().st_mode)
    secret = path.read_text().strip()
    assert secret.startswith("cairn_")
    assert secret not in cairn.log_tail(10_000), "the admin secret must not be logged"
    return secret


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch):
    """Every test starts without credentials in the environment (and the session's are restored afterwards)."""
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def native(cairn, admin_token: str, method: str, path: str, expect: int = 200, **kwargs):
    """A native API call as the admin; asserts the status and returns the decoded JSON (None for 204)."""
    response = api(cairn.url, method, path, headers={"Authorization": f"Bearer {admin_token}"}, **kwargs)
    assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else None


def make_account(cairn, admin_token: str, role: str, password: str | None = None) -> str:
    """A new user holding `role` globally (and `password`, when given); returns its name."""
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    native(cairn, admin_token, "POST", "/api/v1/accounts", expect=201, json={"name": name})
    native(cairn, admin_token, "POST", f"/api/v1/accounts/{name}/grants", json={"role": role, "scope": "global"})
    if password is not None:
        native(cairn, admin_token, "PUT", f"/api/v1/accounts/{name}/password", expect=204, json={"password": password})
    return name


def make_token(cairn, admin_token: str, account: str) -> dict:
    """A new token of `account`: the NewTokenDTO (`token` metadata and the `secret`)."""
    return native(cairn, admin_token, "POST", f"/api/v1/accounts/{account}/tokens", expect=201,
                  json={"description": "test_auth"})


def test_admin_token_creates_experiment_run_and_registered_model(cairn, admin_token, no_credentials, unique):
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", admin_token)
    client = MlflowClient(tracking_uri=cairn.url, registry_uri=cairn.url)
    experiment_id = client.create_experiment(unique("auth-exp"))
    run = client.create_run(experiment_id)
    client.log_param(run.info.run_id, "lr", "0.1")
    client.set_terminated(run.info.run_id)
    model = client.create_registered_model(unique("auth-model"))
    version = client.create_model_version(model.name, source=f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
    assert version.version in (1, "1")
    assert client.get_run(run.info.run_id).data.params == {"lr": "0.1"}


def test_model_version_user_id_is_the_account_that_registered_it(cairn, admin_token, no_credentials, unique):
    """ModelVersion.user_id names who registered the version (MLflow's own server leaves it empty)."""
    editor = make_account(cairn, admin_token, "editor")
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", make_token(cairn, admin_token, editor)["secret"])
    client = MlflowClient(tracking_uri=cairn.url, registry_uri=cairn.url)
    run = client.create_run(client.create_experiment(unique("user-id")))
    name = client.create_registered_model(unique("user-id")).name
    created = client.create_model_version(name, source=f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
    assert created.user_id == editor
    assert client.get_model_version(name, created.version).user_id == editor
    assert [v.user_id for v in client.search_model_versions(f"name = '{name}'")] == [editor]


def test_viewer_reads_but_cannot_create_a_registered_model(cairn, admin_token, no_credentials, unique):
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", admin_token)
    client = MlflowClient(tracking_uri=cairn.url, registry_uri=cairn.url)
    existing = client.create_registered_model(unique("seen")).name

    viewer = make_account(cairn, admin_token, "viewer")
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", make_token(cairn, admin_token, viewer)["secret"])
    assert client.get_registered_model(existing).name == existing
    error = expect_error("PERMISSION_DENIED", client.create_registered_model, unique("denied"))
    assert admin_token not in str(error)
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", admin_token)
    expect_error("RESOURCE_DOES_NOT_EXIST", client.get_registered_model, unique("denied"))


def test_no_credentials_is_unauthenticated(cairn, unique):
    client = MlflowClient(tracking_uri=cairn.url, registry_uri=cairn.url)
    expect_error("UNAUTHENTICATED", client.search_experiments)
    expect_error("UNAUTHENTICATED", client.create_registered_model, unique("anon"))
    response = api(cairn.url, "GET", "/api/2.0/mlflow/experiments/search", params={"max_results": 1})
    assert response.status_code == 401
    assert response.headers.get("WWW-Authenticate"), response.headers


def test_username_and_password_set_through_the_native_api(cairn, admin_token, no_credentials, unique):
    password = f"pw-{uuid.uuid4().hex}"
    user = make_account(cairn, admin_token, "editor", password=password)
    no_credentials.setenv("MLFLOW_TRACKING_USERNAME", user)
    no_credentials.setenv("MLFLOW_TRACKING_PASSWORD", password)
    client = MlflowClient(tracking_uri=cairn.url, registry_uri=cairn.url)
    model = client.create_registered_model(unique("basic"))
    assert client.get_registered_model(model.name).name == model.name

    no_credentials.setenv("MLFLOW_TRACKING_PASSWORD", password + "-wrong")
    expect_error("UNAUTHENTICATED", client.get_registered_model, model.name)

    # A token works as the Basic password too (what clients that only speak username/password can send).
    no_credentials.setenv("MLFLOW_TRACKING_PASSWORD", make_token(cairn, admin_token, user)["secret"])
    assert client.get_registered_model(model.name).name == model.name


def test_revoked_token_fails_on_the_next_call(cairn, admin_token, no_credentials, unique):
    editor = make_account(cairn, admin_token, "editor")
    created = make_token(cairn, admin_token, editor)
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", created["secret"])
    client = MlflowClient(tracking_uri=cairn.url, registry_uri=cairn.url)
    name = client.create_registered_model(unique("revoked")).name

    revoked = native(cairn, admin_token, "DELETE", f"/api/v1/tokens/{created['token']['id']}")
    assert revoked["revoked_at"]
    error = expect_error("UNAUTHENTICATED", client.get_registered_model, name)
    assert created["secret"] not in str(error)


def test_deletes_on_a_shared_server_need_the_maintainer_role(cairn, admin_token, no_credentials, unique):
    """With anonymous access off (a shared server), editors do not delete and maintainers do; a caller who may read
    the model learns that a version is missing (RESOURCE_DOES_NOT_EXIST, as MLflow answers) before being refused,
    while one who may not read gets the refusal whether or not it exists."""
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", admin_token)
    client = MlflowClient(tracking_uri=cairn.url, registry_uri=cairn.url)
    name = client.create_registered_model(unique("shared-delete")).name
    run = client.create_run(client.create_experiment(unique("shared-delete-exp")))
    client.set_terminated(run.info.run_id)
    for _ in range(2):
        client.create_model_version(name, source=f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)

    editor = make_account(cairn, admin_token, "editor")
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", make_token(cairn, admin_token, editor)["secret"])
    error = expect_error("PERMISSION_DENIED", client.delete_model_version, name, "2")
    assert "maintainer or admin" in str(error), str(error)
    expect_error("RESOURCE_DOES_NOT_EXIST", client.delete_model_version, name, "999")
    expect_error("RESOURCE_DOES_NOT_EXIST", client.delete_registered_model, unique("never-was"))
    expect_error("PERMISSION_DENIED", client.delete_registered_model, name)

    no_credentials.delenv("MLFLOW_TRACKING_TOKEN")
    expect_error("UNAUTHENTICATED", client.delete_model_version, name, "2")
    expect_error("UNAUTHENTICATED", client.delete_model_version, name, "999")  # no existence leak

    maintainer = make_account(cairn, admin_token, "maintainer")
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", make_token(cairn, admin_token, maintainer)["secret"])
    client.delete_model_version(name, "2")
    expect_error("RESOURCE_DOES_NOT_EXIST", client.get_model_version, name, "2")
    client.delete_registered_model(name)
    expect_error("RESOURCE_DOES_NOT_EXIST", client.get_registered_model, name)
