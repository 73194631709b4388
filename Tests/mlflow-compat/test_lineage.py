"""The link between the MLflow face and Cairn's own: versions registered by the MLflow client are Cairn versions
(native API, `cairn` CLI), versions pushed with `cairn push` load through the MLflow client, and a registered version
keeps its files when the run's artifacts go away."""

from __future__ import annotations

import json

import mlflow
import mlflow.pyfunc
import mlflow.sklearn
import requests

from compat import MLFLOW_MAJOR, artifact_path_of, cairn_only, log_small_model, same_predictions, small_model


def _log_registered(unique, name):
    mlflow.set_experiment(unique("lineage-exp"))
    model, X, _ = small_model()
    with mlflow.start_run() as run:
        mlflow.log_param("C", "1.0")
        mlflow.log_metric("accuracy", 0.93)
        info = log_small_model(model, X, registered_model_name=name)
    return run.info.run_id, info, model, X


@cairn_only
def test_logged_version_visible_in_native_api(cairn, unique, workdir):
    name = unique("lineage-native")
    run_id, _, _, _ = _log_registered(unique, name)
    response = requests.get(f"{cairn.url}/api/v1/models/{name}/versions/1", timeout=30)
    assert response.status_code == 200, response.text
    version = response.json()
    assert (version["model"], version["version"]) == (name, 1)
    assert version["run_id"] == run_id
    assert version["status"] == "READY"
    model = requests.get(f"{cairn.url}/api/v1/models/{name}", timeout=30)
    assert model.status_code == 200 and model.json()["name"] == name


@cairn_only
def test_logged_version_files_sealed_in_native_manifest(cairn, unique, workdir):
    name = unique("lineage-files")
    _log_registered(unique, name)
    response = requests.get(f"{cairn.url}/api/v1/models/{name}/versions/1/files", timeout=30)
    assert response.status_code == 200, response.text
    manifest = response.json()
    paths = {f["path"] for f in manifest["files"]}
    assert "MLmodel" in paths, paths
    assert manifest["sealed"] is True
    assert all(f["digest"].startswith("sha256:") for f in manifest["files"])


@cairn_only
def test_logged_version_listed_by_cairn_cli(cairn, unique, workdir):
    name = unique("lineage-cli")
    run_id, _, _, _ = _log_registered(unique, name)
    done = cairn.cli("versions", "list", name, "--json", "--server", cairn.url)
    listing = json.loads(done.stdout)
    assert [(v["version"], v["run_id"], v["status"]) for v in listing["versions"]] == [(1, run_id, "READY")]


@cairn_only
def test_cairn_push_of_mlflow_model_dir_loads_with_pyfunc(cairn, client, unique, workdir):
    name = unique("lineage-push")
    model, X, _ = small_model(seed=11)
    local = workdir / "pushed-model"
    signature = mlflow.models.infer_signature(X, model.predict(X))
    mlflow.sklearn.save_model(model, str(local), signature=signature)
    assert (local / "MLmodel").exists()
    cairn.cli("push", name, str(local), "--create", "--run-id", "run-42", "--server", cairn.url)

    version = client.get_model_version(name, "1")
    assert (version.version, version.status, version.current_stage) == ("1", "READY", "None")
    assert version.run_id == "run-42"
    assert [m.name for m in client.search_registered_models(filter_string=f"name = '{name}'")] == [name]
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/1")
    assert (loaded.predict(X) == model.predict(X)).all()
    assert same_predictions(mlflow.sklearn.load_model(f"models:/{name}/latest"), model, X)
    # and a stage set through MLflow resolves the pushed version too
    client.transition_model_version_stage(name, "1", "Production")
    assert same_predictions(mlflow.sklearn.load_model(f"models:/{name}/Production"), model, X)


@cairn_only
def test_version_loadable_after_logged_artifacts_deleted(cairn, client, unique, workdir):
    name = unique("lineage-deleted")
    run_id, info, model, X = _log_registered(unique, name)
    if MLFLOW_MAJOR >= 3:  # the files live with the LoggedModel
        location = client.get_logged_model(info.model_id).artifact_location
    else:  # the files live in the run's artifact directory
        location = client.get_run(run_id).info.artifact_uri.rstrip("/") + "/model"
    directory = artifact_path_of(location)
    base = f"{cairn.url}/api/2.0/mlflow-artifacts/artifacts"
    listing = requests.get(base, params={"path": directory}, timeout=30)
    assert listing.status_code == 200, listing.text
    files = [f["path"] for f in listing.json().get("files", []) if not f.get("is_dir")]
    assert "MLmodel" in files, files

    for file in files:
        deleted = requests.delete(f"{base}/{directory}/{file}", timeout=30)
        assert deleted.status_code == 200, f"DELETE {directory}/{file}: {deleted.status_code} {deleted.text}"
    assert requests.get(f"{base}/{directory}/MLmodel", timeout=30).status_code == 404
    client.delete_run(run_id)

    # the registered version still has its own sealed copy
    assert client.get_model_version(name, "1").status == "READY"
    assert same_predictions(mlflow.sklearn.load_model(f"models:/{name}/1"), model, X)
    assert same_predictions(mlflow.pyfunc.load_model(f"models:/{name}/latest"), model, X)
