"""Every error case of the captured transcripts, as the real client sees it (`MlflowException.error_code`), plus the
raw-HTTP probes whose answers decide what the client does. Deterministic errors must be 4xx: the client retries 5xx."""

from __future__ import annotations

import types
import uuid

import mlflow
import mlflow.pyfunc
import pytest
from mlflow.tracking import MlflowClient

from compat import MLFLOW_MAJOR, api, cairn_only, expect_error

NOT_FOUND, EXISTS, INVALID = "RESOURCE_DOES_NOT_EXIST", "RESOURCE_ALREADY_EXISTS", "INVALID_PARAMETER_VALUE"


@pytest.fixture(scope="module")
def world(cairn):
    """One experiment with a run (param lr=0.01) and two registered models, the first with version 1."""
    client = MlflowClient(tracking_uri=cairn.url, registry_uri=cairn.url)
    tag = uuid.uuid4().hex[:8]
    experiment_name = f"errors-exp-{tag}"
    experiment_id = client.create_experiment(experiment_name)
    run_id = client.create_run(experiment_id).info.run_id
    client.log_param(run_id, "lr", "0.01")
    model, other = f"errors-model-{tag}", f"errors-other-{tag}"
    client.create_registered_model(model)
    client.create_registered_model(other)
    client.create_model_version(model, source=f"runs:/{run_id}/model", run_id=run_id)
    return types.SimpleNamespace(
        client=client, experiment_id=experiment_id, experiment_name=experiment_name, run_id=run_id,
        model=model, other=other, missing=f"does-not-exist-{tag}",
    )


CLIENT_ERRORS = [
    # tracking
    ("get_run_missing", NOT_FOUND, lambda w: w.client.get_run("0" * 32)),
    ("get_experiment_missing", NOT_FOUND, lambda w: w.client.get_experiment("999999")),
    ("create_experiment_duplicate", EXISTS, lambda w: w.client.create_experiment(w.experiment_name)),
    ("log_param_overwrite_different_value", INVALID, lambda w: w.client.log_param(w.run_id, "lr", "0.02")),
    ("search_runs_bad_filter", INVALID, lambda w: w.client.search_runs([w.experiment_id], "metrics.loss <<< 1")),
    ("log_metric_missing_run", NOT_FOUND, lambda w: w.client.log_metric("f" * 32, "loss", 1.0)),
    # registry
    ("get_registered_model_missing", NOT_FOUND, lambda w: w.client.get_registered_model(w.missing)),
    ("create_registered_model_duplicate", EXISTS, lambda w: w.client.create_registered_model(w.model)),
    ("create_registered_model_empty_name", INVALID, lambda w: w.client.create_registered_model("")),
    ("transition_stage_bogus", INVALID, lambda w: w.client.transition_model_version_stage(w.model, "1", "Bogus")),
    ("get_model_version_missing", NOT_FOUND, lambda w: w.client.get_model_version(w.model, "999")),
    ("get_model_version_by_alias_missing", INVALID, lambda w: w.client.get_model_version_by_alias(w.model, "no-such-alias")),
    ("set_alias_missing_version", NOT_FOUND, lambda w: w.client.set_registered_model_alias(w.model, "ghost", "999")),
    ("set_alias_reserved_latest", INVALID, lambda w: w.client.set_registered_model_alias(w.model, "latest", "1")),
    ("set_alias_reserved_version_like", INVALID, lambda w: w.client.set_registered_model_alias(w.model, "v3", "1")),
    ("search_registered_models_bad_filter", INVALID, lambda w: w.client.search_registered_models("bogus ~~ 'x'")),
    ("search_model_versions_bad_filter", INVALID, lambda w: w.client.search_model_versions("nope = 'x' AND")),
    ("delete_registered_model_missing", NOT_FOUND, lambda w: w.client.delete_registered_model(w.missing)),
    ("rename_registered_model_to_taken_name", EXISTS, lambda w: w.client.rename_registered_model(w.other, w.model)),
    ("delete_model_version_missing", NOT_FOUND, lambda w: w.client.delete_model_version(w.model, "999")),
    ("get_latest_versions_missing_model", NOT_FOUND, lambda w: w.client.get_latest_versions(w.missing, ["None"])),
    ("load_model_missing_model_stage_uri", NOT_FOUND, lambda w: mlflow.pyfunc.load_model(f"models:/{w.missing}/Production")),
    ("create_model_version_missing_model", NOT_FOUND,
     lambda w: w.client.create_model_version(w.missing, source=f"runs:/{w.run_id}/model", run_id=w.run_id)),
]


@pytest.mark.parametrize("case,code,call", CLIENT_ERRORS, ids=[c[0] for c in CLIENT_ERRORS])
def test_client_error_code(world, case, code, call):
    # Anonymously, on the loopback default: hard deletes of missing things answer RESOURCE_DOES_NOT_EXIST as on MLflow.
    expect_error(code, call, world)


def test_get_logged_model_missing(world):
    if MLFLOW_MAJOR < 3:
        pytest.skip("needs the MLflow 3 client (LoggedModel API)")
    expect_error(NOT_FOUND, world.client.get_logged_model, "m-" + "0" * 32)


def test_failed_calls_change_nothing(world):
    """Refused requests leave the state as it was."""
    client = world.client
    assert client.get_run(world.run_id).data.params == {"lr": "0.01"}
    assert client.get_model_version(world.model, "1").current_stage == "None"
    assert client.get_registered_model(world.model).aliases == {}
    assert client.get_registered_model(world.other).name == world.other
    assert client.get_experiment_by_name(world.experiment_name).experiment_id == world.experiment_id


def _json_error(response, status, code=None):
    assert response.status_code == status, f"{response.status_code} {response.text[:300]}"
    body = response.json()
    assert isinstance(body.get("message"), str) and body["message"]
    if code:
        assert body["error_code"] == code, body
    return body


def test_raw_get_registered_model_without_name(cairn, world):
    _json_error(api(cairn.url, "GET", "/api/2.0/mlflow/registered-models/get"), 400, INVALID)


def test_raw_malformed_json_body(cairn):
    response = api(cairn.url, "POST", "/api/2.0/mlflow/registered-models/create",
                   data=b"{not json", headers={"Content-Type": "application/json"})
    body = _json_error(response, 400)
    assert body["error_code"] in (INVALID, "MALFORMED_REQUEST", "BAD_REQUEST")


def test_raw_missing_artifact_download(cairn, world):
    path = f"/api/2.0/mlflow-artifacts/artifacts/{world.experiment_id}/{world.run_id}/artifacts/missing.txt"
    _json_error(api(cairn.url, "GET", path), 404, NOT_FOUND)


def test_raw_artifact_list_path_traversal(cairn):
    _json_error(api(cairn.url, "GET", "/api/2.0/mlflow-artifacts/artifacts", params={"path": "../../etc"}), 400, INVALID)


def test_raw_unknown_endpoint_is_404(cairn):
    assert api(cairn.url, "GET", "/api/2.0/mlflow/registered-models/does-not-exist").status_code == 404


def test_raw_errors_are_never_retried_5xx(cairn, world):
    """The 2.x client retries every 5xx for minutes: a missing entity must be a quick 4xx."""
    for method, path, kwargs in [
        ("GET", "/api/2.0/mlflow/runs/get", {"params": {"run_id": "0" * 32}}),
        ("GET", "/api/2.0/mlflow/experiments/get-by-name", {"params": {"experiment_name": world.missing}}),
        ("POST", "/api/2.0/mlflow/registered-models/get-latest-versions", {"json": {"name": world.missing}}),
        ("GET", "/api/2.0/mlflow/model-versions/get", {"params": {"name": world.model, "version": "999"}}),
    ]:
        _json_error(api(cairn.url, method, path, **kwargs), 404, NOT_FOUND)


@cairn_only
@pytest.mark.parametrize("method,path", [
    ("POST", "/api/3.0/mlflow/traces/search"),
    ("GET", "/api/3.0/mlflow/traces/tr-0123/info"),
    ("POST", "/api/2.0/mlflow/traces"),
    ("POST", "/api/3.0/mlflow/scorers/register"),
    ("GET", "/api/3.0/mlflow/datasets/search"),
    ("POST", "/api/2.0/mlflow/gateway/endpoints/create"),
])
def test_genai_endpoints_say_they_are_out_of_scope(cairn, method, path):
    response = api(cairn.url, method, path, json={})
    assert response.status_code == 404, response.text
    body = response.json()
    assert body["error_code"] == "ENDPOINT_NOT_FOUND"
    assert "model registry" in body["message"] and "out of its scope" in body["message"], body["message"]
