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


def register(name: str, accuracy: float, seed: int = 7):
    """Logs a run with `accuracy` and a model registered under `name`; returns (model, X)."""
    model, X, _ = small_model(seed)
    with mlflow.start_run():
        mlflow.log_metric("accuracy", accuracy)
        log_small_model(model, X, registered_model_name=name)
    return model, X


def test_guarded_production_needs_approval_then_loads(cairn, client, unique, workdir, approver_token):
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


def test_failing_gate_refuses_the_transition_naming_the_gate(cairn, client, unique, workdir):
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
