"""The unmodified MLflow client against a model whose Production stage (and `champion` alias) a policy guards.

MLflow has no approvals, so its transition call must not silently transition: Cairn answers with an error naming the
transition request it created, an approver approves it through Cairn's API, and the client then sees (and loads) the
version in Production. A failing quality gate refuses the call with a message naming the gate.
"""

from __future__ import annotations

import re
import uuid

import mlflow
import pytest
from mlflow.exceptions import MlflowException

from compat import api, cairn_only, log_small_model, same_predictions, small_model

pytestmark = cairn_only

REQUEST_RE = re.compile(r"transition request ([0-9a-f]{32})")


def native(cairn, token: str, method: str, path: str, expect: int = 200, **kwargs):
    response = api(cairn.url, method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else None


@pytest.fixture
def approver_token(cairn) -> str:
    admin = cairn.admin_token()
    name = f"approver-{uuid.uuid4().hex[:8]}"
    native(cairn, admin, "POST", "/api/v1/accounts", expect=201, json={"name": name})
    native(cairn, admin, "POST", f"/api/v1/accounts/{name}/grants", json={"role": "approver", "scope": "global"})
    token = native(cairn, admin, "POST", f"/api/v1/accounts/{name}/tokens", expect=201, json={"description": "gov"})
    return token["secret"]


@pytest.fixture
def scientist(cairn, monkeypatch) -> str:
    """Acts as an editor account through MLFLOW_TRACKING_TOKEN: on a guarded model, anonymous callers may not create
    versions or request transitions (approvals must tell the requester from the approvers), so the data scientist of
    these tests signs in, as on a shared server. Returns the account's name."""
    admin = cairn.admin_token()
    name = f"scientist-{uuid.uuid4().hex[:8]}"
    native(cairn, admin, "POST", "/api/v1/accounts", expect=201, json={"name": name})
    native(cairn, admin, "POST", f"/api/v1/accounts/{name}/grants", json={"role": "editor", "scope": "global"})
    token = native(cairn, admin, "POST", f"/api/v1/accounts/{name}/tokens", expect=201, json={"description": "gov"})
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token["secret"])
    return name


def register(name: str, accuracy: float, seed: int = 7):
    """Logs a run with `accuracy` and a model registered under `name`; returns (model, X)."""
    model, X, _ = small_model(seed)
    with mlflow.start_run():
        mlflow.log_metric("accuracy", accuracy)
        log_small_model(model, X, registered_model_name=name)
    return model, X


def test_guarded_production_needs_approval_then_loads(cairn, client, unique, workdir, approver_token, scientist):
    name = unique("governed")
    model, X = register(name, accuracy=0.95)
    policy = {
        "stages": {"Production": {"approvals": 1, "gates": {"metrics": ["accuracy >= 0.9"]}}},
        "aliases": {"champion": {"approvals": 1}},
    }
    native(cairn, cairn.admin_token(), "PUT", f"/api/v1/models/{name}/policy", json=policy)

    with pytest.raises(MlflowException) as caught:
        client.transition_model_version_stage(name, "1", "Production")
    message = str(caught.value)
    assert caught.value.error_code == "INVALID_STATE", message
    assert "needs approval" in message and "cairn requests approve" in message, message
    request_id = REQUEST_RE.search(message).group(1)
    assert client.get_model_version(name, "1").current_stage == "None"  # not silently transitioned

    request = native(cairn, approver_token, "GET", f"/api/v1/requests/{request_id}")
    assert request["state"] == "pending" and request["target"] == "stage:Production"
    assert request["gate_results"][0]["passed"] is True
    assert request["gate_results"][0]["observed"]["accuracy"] == "0.95"

    outcome = native(cairn, approver_token, "POST", f"/api/v1/requests/{request_id}/approve", json={"comment": "ok"})
    assert outcome["applied"] is True
    assert client.get_model_version(name, "1").current_stage == "Production"
    loaded = mlflow.sklearn.load_model(f"models:/{name}/Production")
    assert same_predictions(loaded, model, X)

    # The protected alias goes through a request as well.
    with pytest.raises(MlflowException, match=r"transition request [0-9a-f]{32}") as alias_error:
        client.set_registered_model_alias(name, "champion", "1")
    alias_request = REQUEST_RE.search(str(alias_error.value)).group(1)
    native(cairn, approver_token, "POST", f"/api/v1/requests/{alias_request}/approve", json={})
    assert client.get_model_version_by_alias(name, "champion").version in (1, "1")


def test_failing_gate_refuses_the_transition_naming_the_gate(cairn, client, unique, workdir, scientist):
    name = unique("gated")
    register(name, accuracy=0.5)
    policy = {"stages": {"Production": {"approvals": 0, "gates": {"metrics": ["accuracy >= 0.9"]}}}}
    native(cairn, cairn.admin_token(), "PUT", f"/api/v1/models/{name}/policy", json=policy)
    with pytest.raises(MlflowException) as caught:
        client.transition_model_version_stage(name, "1", "Production")
    assert caught.value.error_code == "INVALID_STATE"
    assert "`accuracy >= 0.9` failed" in str(caught.value), str(caught.value)
    assert client.get_model_version(name, "1").current_stage == "None"
    # Staging is not guarded: immediate, as in MLflow.
    assert client.transition_model_version_stage(name, "1", "Staging").current_stage == "Staging"


def test_anonymous_callers_cannot_request_or_register_on_a_guarded_model(cairn, client, unique, workdir):
    """The loopback default lets anonymous callers edit, but on a guarded model four eyes needs names: an approver
    working anonymously could otherwise request a promotion and then approve it under their own account."""
    name = unique("anon-guarded")
    register(name, accuracy=0.95)  # before the policy: anonymous registration works as on a laptop
    policy = {"stages": {"Production": {"approvals": 1}}}
    native(cairn, cairn.admin_token(), "PUT", f"/api/v1/models/{name}/policy", json=policy)

    with pytest.raises(MlflowException) as caught:
        client.transition_model_version_stage(name, "1", "Production")
    assert caught.value.error_code == "UNAUTHENTICATED", str(caught.value)
    assert "needs an account" in str(caught.value)
    source = client.get_model_version(name, "1").source
    with pytest.raises(MlflowException) as created:
        client.create_model_version(name, source)
    assert created.value.error_code == "UNAUTHENTICATED", str(created.value)
    assert [v.version for v in client.search_model_versions(f"name = '{name}'")] in (["1"], [1])
    assert native(cairn, cairn.admin_token(), "GET", f"/api/v1/requests?model={name}")["requests"] == []


def test_run_metrics_are_sealed_with_the_version(cairn, client, unique, workdir, scientist):
    """`metrics_source: run` judges the run as it was when the version was sealed: a finished run takes no more
    metrics, and metrics logged after resuming it change no verdict."""
    name = unique("sealed")
    register(name, accuracy=0.5)
    version = client.get_model_version(name, "1")
    policy = {"stages": {"Production": {"approvals": 0, "gates": {"metrics": ["accuracy >= 0.9"],
                                                                  "metrics_source": "run"}}}}
    native(cairn, cairn.admin_token(), "PUT", f"/api/v1/models/{name}/policy", json=policy)

    with pytest.raises(MlflowException) as late:
        client.log_metric(version.run_id, "accuracy", 0.99)
    assert late.value.error_code == "INVALID_PARAMETER_VALUE" and "FINISHED" in str(late.value), str(late.value)
    with mlflow.start_run(run_id=version.run_id):  # resuming is explicit, and the run's own history shows it
        mlflow.log_metric("accuracy", 0.99)
    assert client.get_run(version.run_id).data.metrics["accuracy"] == 0.99

    with pytest.raises(MlflowException) as caught:
        client.transition_model_version_stage(name, "1", "Production")
    assert caught.value.error_code == "INVALID_STATE"
    assert "`accuracy >= 0.9` failed" in str(caught.value) and "0.5" in str(caught.value), str(caught.value)
    assert client.get_model_version(name, "1").current_stage == "None"
