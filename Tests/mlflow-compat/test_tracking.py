"""Tracking through the real client: experiments, runs, metrics, tags, datasets, artifacts."""

from __future__ import annotations

import json
import os
import time

import mlflow
import mlflow.artifacts
import mlflow.data
import numpy as np
import pandas as pd
import pytest
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException
from compat import MLFLOW_MAJOR, api, cairn_only



# -- experiments ---------------------------------------------------------------------------------------------------


def test_experiment_create_get_and_search(client, unique):
    name = unique("exp")
    experiment_id = client.create_experiment(name, tags={"project": "cairn", "stage": "dev"})
    assert isinstance(experiment_id, str) and experiment_id
    experiment = client.get_experiment(experiment_id)
    assert (experiment.experiment_id, experiment.name) == (experiment_id, name)
    assert experiment.lifecycle_stage == "active"
    assert experiment.tags == {"project": "cairn", "stage": "dev"}
    assert experiment.artifact_location
    assert client.get_experiment_by_name(name).experiment_id == experiment_id
    assert client.get_experiment_by_name(unique("does-not-exist")) is None

    found = client.search_experiments(filter_string=f"name = '{name}'")
    assert [e.experiment_id for e in found] == [experiment_id]
    tagged = mlflow.search_experiments(filter_string=f"tags.project = 'cairn' AND name LIKE '{name}%'")
    assert [e.name for e in tagged] == [name]
    assert experiment_id in {e.experiment_id for e in client.search_experiments()}


def test_experiment_tags_and_rename(client, unique):
    name, new_name = unique("exp-tags"), unique("exp-renamed")
    experiment_id = client.create_experiment(name)
    client.set_experiment_tag(experiment_id, "stage", "dev")
    client.set_experiment_tag(experiment_id, "owner", "risk")
    assert client.get_experiment(experiment_id).tags == {"stage": "dev", "owner": "risk"}
    if hasattr(client, "delete_experiment_tag"):  # 3.x only
        client.delete_experiment_tag(experiment_id, "stage")
        assert client.get_experiment(experiment_id).tags == {"owner": "risk"}
    client.rename_experiment(experiment_id, new_name)
    assert client.get_experiment(experiment_id).name == new_name
    assert client.get_experiment_by_name(new_name).experiment_id == experiment_id
    assert client.get_experiment_by_name(name) is None


def test_experiment_delete_and_restore(client, unique):
    name = unique("exp-del")
    experiment_id = client.create_experiment(name)
    client.delete_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "deleted"
    active = client.search_experiments(view_type=ViewType.ACTIVE_ONLY, filter_string=f"name = '{name}'")
    assert active == []
    deleted = client.search_experiments(view_type=ViewType.DELETED_ONLY, filter_string=f"name = '{name}'")
    assert [e.experiment_id for e in deleted] == [experiment_id]
    assert [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL, filter_string=f"name = '{name}'")] == [experiment_id]
    client.restore_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"
    assert [e.experiment_id for e in client.search_experiments(filter_string=f"name = '{name}'")] == [experiment_id]


def test_search_experiments_pagination_and_order(client, unique):
    prefix = unique("exp-page")
    names = [f"{prefix}-{i}" for i in range(3)]
    for n in names:
        client.create_experiment(n)
    seen, token = [], None
    for _ in range(5):
        page = client.search_experiments(
            max_results=1, view_type=ViewType.ALL, filter_string=f"name LIKE '{prefix}-%'",
            order_by=["name DESC"], page_token=token,
        )
        assert len(page) == 1
        seen += [e.name for e in page]
        token = page.token
        if not token:
            break
    assert seen == names[::-1]


# -- runs --------------------------------------------------------------------------------------------------------


def test_search_runs_by_metric_with_order(client, unique):
    experiment_id = client.create_experiment(unique("runs-search"))
    losses = {"a": 0.8, "b": 0.2, "c": 1.5}
    ids = {}
    for run_name, loss in losses.items():
        run = client.create_run(experiment_id, run_name=run_name)
        client.log_metric(run.info.run_id, "loss", loss)
        ids[run_name] = run.info.run_id
    client.set_terminated(ids["a"], "FINISHED")

    found = client.search_runs([experiment_id], "metrics.loss < 1", order_by=["metrics.loss ASC"], max_results=10)
    assert [r.info.run_id for r in found] == [ids["b"], ids["a"]]
    found = client.search_runs([experiment_id], "metrics.loss < 1", order_by=["metrics.loss DESC"])
    assert [r.info.run_id for r in found] == [ids["a"], ids["b"]]
    finished = client.search_runs([experiment_id], "attributes.status = 'FINISHED'")
    assert [r.info.run_id for r in finished] == [ids["a"]]
    assert len(client.search_runs([experiment_id])) == 3
    frame = mlflow.search_runs(experiment_ids=[experiment_id], filter_string="metrics.loss >= 1")
    assert list(frame["run_id"]) == [ids["c"]]
    # pagination over runs
    page1 = client.search_runs([experiment_id], max_results=2, order_by=["metrics.loss ASC"])
    assert len(page1) == 2 and page1.token
    page2 = client.search_runs([experiment_id], max_results=2, order_by=["metrics.loss ASC"], page_token=page1.token)
    assert [r.info.run_id for r in page1] + [r.info.run_id for r in page2] == [ids["b"], ids["a"], ids["c"]]


def test_run_delete_and_restore(client, unique):
    experiment_id = client.create_experiment(unique("runs-del"))
    keep = client.create_run(experiment_id).info.run_id
    gone = client.create_run(experiment_id).info.run_id
    client.delete_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "deleted"
    assert [r.info.run_id for r in client.search_runs([experiment_id])] == [keep]
    deleted = client.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)
    assert [r.info.run_id for r in deleted] == [gone]
    assert len(client.search_runs([experiment_id], run_view_type=ViewType.ALL)) == 2
    client.restore_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "active"
    assert len(client.search_runs([experiment_id])) == 2


def test_run_tags_log_batch_and_metric_history(client, unique):
    experiment_id = client.create_experiment(unique("runs-batch"))
    run = client.create_run(experiment_id, run_name="batch-run", tags={"team": "risk"})
    run_id = run.info.run_id
    assert run.info.status == "RUNNING"
    assert run.info.run_name == "batch-run"
    now = int(time.time() * 1000)
    client.log_batch(
        run_id,
        metrics=[Metric("loss", v, now + i, i) for i, v in enumerate([0.9, 0.6, 0.5])] + [Metric("acc", 0.7, now, 0)],
        params=[Param("lr", "0.01"), Param("epochs", "3")],
        tags=[RunTag("phase", "train")],
    )
    client.log_metric(run_id, "loss", 0.4, timestamp=now + 10, step=3)
    client.log_param(run_id, "batch_size", 32)
    client.log_param(run_id, "lr", "0.01")  # same value again is allowed
    client.set_tag(run_id, "release.candidate", "yes")
    client.set_tag(run_id, "temp", "1")
    client.delete_tag(run_id, "temp")

    history = client.get_metric_history(run_id, "loss")
    assert [(m.step, m.value) for m in sorted(history, key=lambda m: m.step)] == [
        (0, 0.9), (1, 0.6), (2, 0.5), (3, 0.4)
    ]
    data = client.get_run(run_id).data
    assert data.metrics == {"loss": 0.4, "acc": 0.7}  # the latest value per key
    assert data.params == {"lr": "0.01", "epochs": "3", "batch_size": "32"}
    assert data.tags["team"] == "risk"
    assert data.tags["phase"] == "train"
    assert data.tags["release.candidate"] == "yes"
    assert "temp" not in data.tags

    client.update_run(run_id, name="batch-run-renamed")
    assert client.get_run(run_id).info.run_name == "batch-run-renamed"
    client.set_terminated(run_id, "FINISHED")
    info = client.get_run(run_id).info
    assert info.status == "FINISHED"
    assert info.end_time and info.end_time >= info.start_time


def test_fluent_run_resume_and_batched_logging(client, unique):
    mlflow.set_experiment(unique("runs-fluent"))
    with mlflow.start_run(run_name="fluent") as run:
        mlflow.log_metrics({"a": 1.0, "b": 2.0}, step=3)
        mlflow.log_params({"p1": "x", "p2": 5})
        mlflow.set_tags({"t1": "v1"})
    assert client.get_run(run.info.run_id).info.status == "FINISHED"
    with mlflow.start_run(run_id=run.info.run_id):  # resumes the finished run
        assert client.get_run(run.info.run_id).info.status == "RUNNING"
        mlflow.log_metric("a", 1.5, step=4)
    run = client.get_run(run.info.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.metrics == {"a": 1.5, "b": 2.0}
    assert run.data.params == {"p1": "x", "p2": "5"}
    assert run.data.tags["t1"] == "v1"
    assert run.data.tags["mlflow.runName"] == "fluent"


# -- datasets ------------------------------------------------------------------------------------------------------


def test_log_input_datasets_round_trip(client, unique, workdir):
    mlflow.set_experiment(unique("datasets"))
    features = np.arange(150, dtype=np.float64).reshape(50, 3)
    targets = np.arange(50) % 2
    np_ds = mlflow.data.from_numpy(features, targets=targets, source="file:///data/train.npy", name="np-train")
    frame = pd.DataFrame(features, columns=["f0", "f1", "f2"]).assign(label=targets.astype(float))
    pd_ds = mlflow.data.from_pandas(frame, source="file:///data/eval.csv", name="pd-eval", targets="label")
    with mlflow.start_run() as run:
        mlflow.log_input(np_ds, context="training")
        mlflow.log_input(pd_ds, context="eval", tags={"split": "holdout"})

    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    by_name = {i.dataset.name: i for i in inputs}
    assert set(by_name) == {"np-train", "pd-eval"}
    assert by_name["np-train"].dataset.digest == np_ds.digest
    assert by_name["pd-eval"].dataset.digest == pd_ds.digest
    assert len(np_ds.digest) == 8
    tags = {name: {t.key: t.value for t in i.tags} for name, i in by_name.items()}
    assert tags["np-train"] == {"mlflow.data.context": "training"}
    assert tags["pd-eval"] == {"mlflow.data.context": "eval", "split": "holdout"}
    pd_meta = by_name["pd-eval"].dataset
    assert json.loads(pd_meta.source) == {"uri": "file:///data/eval.csv"}
    assert "mlflow_colspec" in json.loads(pd_meta.schema)
    assert json.loads(pd_meta.profile)["num_rows"] == 50
    assert by_name["np-train"].dataset.source_type == "local"
    # the same dataset logged again is not duplicated
    with mlflow.start_run(run_id=run.info.run_id):
        mlflow.log_input(np_ds, context="training")
    assert len(client.get_run(run.info.run_id).inputs.dataset_inputs) == 2


# -- artifacts -----------------------------------------------------------------------------------------------------


@pytest.fixture
def artifact_run(client, unique, workdir):
    experiment_id = client.create_experiment(unique("artifacts"))
    run_id = client.create_run(experiment_id).info.run_id
    (workdir / "notes.txt").write_text("release notes\n")
    blob = os.urandom(300_000)
    (workdir / "blob.bin").write_bytes(blob)
    (workdir / "reportdir" / "sub").mkdir(parents=True)
    (workdir / "reportdir" / "a.csv").write_text("x,y\n1,2\n")
    (workdir / "reportdir" / "sub" / "b.json").write_text('{"b": 1}')
    client.log_artifact(run_id, str(workdir / "notes.txt"))
    client.log_artifact(run_id, str(workdir / "notes.txt"), artifact_path="reports")
    client.log_artifact(run_id, str(workdir / "blob.bin"), artifact_path="bin")
    client.log_artifacts(run_id, str(workdir / "reportdir"), artifact_path="reportdir")
    client.log_text(run_id, "hello", "texts/hello.txt")
    client.log_dict(run_id, {"lr": 0.01, "layers": [1, 2]}, "config/params.json")
    return run_id, blob


def test_artifacts_log_and_list(client, artifact_run):
    run_id, blob = artifact_run
    root = {f.path: f for f in client.list_artifacts(run_id)}
    assert set(root) == {"notes.txt", "reports", "bin", "reportdir", "texts", "config"}
    assert not root["notes.txt"].is_dir and root["notes.txt"].file_size == len("release notes\n")
    assert root["reports"].is_dir
    assert [(f.path, f.is_dir) for f in client.list_artifacts(run_id, "reportdir")] == [
        ("reportdir/a.csv", False), ("reportdir/sub", True)
    ]
    assert [(f.path, f.file_size) for f in client.list_artifacts(run_id, "bin")] == [("bin/blob.bin", len(blob))]
    assert [f.path for f in client.list_artifacts(run_id, "reportdir/sub")] == ["reportdir/sub/b.json"]
    assert client.list_artifacts(run_id, "reports/notes.txt") == []  # listing a file is empty
    assert client.list_artifacts(run_id, "does/not/exist") == []


def test_artifacts_download(client, artifact_run, workdir):
    run_id, blob = artifact_run
    out = workdir / "out"
    out.mkdir()
    local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="reports/notes.txt", dst_path=str(out))
    assert open(local).read() == "release notes\n"
    local_dir = client.download_artifacts(run_id, "reportdir", str(out))
    assert open(os.path.join(local_dir, "a.csv")).read() == "x,y\n1,2\n"
    assert open(os.path.join(local_dir, "sub", "b.json")).read() == '{"b": 1}'
    local_blob = mlflow.artifacts.download_artifacts(artifact_uri=f"runs:/{run_id}/bin/blob.bin", dst_path=str(out))
    assert open(local_blob, "rb").read() == blob
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/texts/hello.txt") == "hello"
    assert mlflow.artifacts.load_dict(f"runs:/{run_id}/config/params.json") == {"lr": 0.01, "layers": [1, 2]}
    (workdir / "all").mkdir()
    everything = client.download_artifacts(run_id, "", str(workdir / "all"))
    assert sorted(os.listdir(everything)) == ["bin", "config", "notes.txt", "reportdir", "reports", "texts"]
    with pytest.raises(MlflowException, match="missing.txt"):
        client.download_artifacts(run_id, "missing.txt", str(out))


def test_run_artifact_uri_is_served_by_the_tracking_server(cairn, client, unique):
    experiment_id = client.create_experiment(unique("artifact-uri"))
    experiment = client.get_experiment(experiment_id)
    run = client.create_run(experiment_id)

    # the client reaches artifacts through the server's own proxy: mlflow-artifacts:/… (or its http form)
    def proxied(uri):
        return uri.startswith("mlflow-artifacts:") or uri.startswith(cairn.url + "/api/2.0/mlflow-artifacts/artifacts")

    assert proxied(experiment.artifact_location), experiment.artifact_location
    assert proxied(run.info.artifact_uri), run.info.artifact_uri
    assert run.info.run_id in run.info.artifact_uri


def test_proxied_multipart_upload(client, unique, workdir, monkeypatch):
    """MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true: large files go through mlflow-artifacts/mpu (create, parallel part
    PUTs to the credential URLs, complete), not a fallback to one PUT; the stored file is byte for byte the original."""
    from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository

    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(1024 * 1024))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(256 * 1024))
    completed = []
    original = HttpArtifactRepository.complete_multipart_upload

    def spy(self, local_file, upload_id, parts=None, artifact_path=None):
        completed.append((os.path.basename(local_file), len(parts)))
        return original(self, local_file, upload_id, parts, artifact_path)

    monkeypatch.setattr(HttpArtifactRepository, "complete_multipart_upload", spy)
    experiment_id = client.create_experiment(unique("multipart"))
    run_id = client.create_run(experiment_id).info.run_id
    big = os.urandom(1_300_000)
    (workdir / "weights.bin").write_bytes(big)
    (workdir / "small.txt").write_text("below the multipart threshold")
    client.log_artifact(run_id, str(workdir / "weights.bin"), artifact_path="model")
    client.log_artifact(run_id, str(workdir / "small.txt"))
    assert completed == [("weights.bin", 5)]  # ceil(1,300,000 / 262,144) parts
    listed = {f.path: f.file_size for f in client.list_artifacts(run_id, "model")}
    assert listed == {"model/weights.bin": len(big)}
    out = workdir / "out"
    out.mkdir()
    local = client.download_artifacts(run_id, "model/weights.bin", str(out))
    assert open(local, "rb").read() == big
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/small.txt") == "below the multipart threshold"


@pytest.mark.skipif(mlflow.__version__.startswith("3."), reason="the 2.x client records logged models on the run")
def test_log_model_history_tag_on_2x_client(client, unique, workdir):
    """The 2.x `log_model` ends with POST runs/log-model; the server keeps it in the run's mlflow.log-model.history tag."""
    from compat import log_small_model

    mlflow.set_experiment(unique("log-model-history"))
    with mlflow.start_run() as run:
        log_small_model()
    history = json.loads(client.get_run(run.info.run_id).data.tags["mlflow.log-model.history"])
    assert [entry["artifact_path"] for entry in history] == ["model"]
    assert history[0]["run_id"] == run.info.run_id
    assert "sklearn" in history[0]["flavors"]


def test_metric_history_past_25000_points(client, unique):
    """get_metric_history pages (next_page_token) instead of stopping at the server's page size."""
    experiment_id = client.create_experiment(unique("long-history"))
    run_id = client.create_run(experiment_id).info.run_id

    total = 25_400
    for start in range(0, total, 1000):
        client.log_batch(run_id, metrics=[Metric("loss", 1.0 / (i + 1), 1_700_000_000_000 + i, i)
                                          for i in range(start, min(start + 1000, total))])
    history = client.get_metric_history(run_id, "loss")
    assert len(history) == total
    assert [m.step for m in history] == list(range(total))


def test_searches_that_work_on_mlflow(client, unique):
    """Filters and sort keys MLflow accepts: IS NULL / IS NOT NULL on tags and params, the `created` alias,
    order_by artifact_uri, experiments by experiment_id."""
    experiment_id = client.create_experiment(unique("searches"))
    tagged = client.create_run(experiment_id, tags={"team": "risk"}).info.run_id
    plain = client.create_run(experiment_id).info.run_id
    client.log_param(plain, "lr", "0.1")

    def ids(filter_string, order_by=None):
        return {r.info.run_id for r in client.search_runs([experiment_id], filter_string, order_by=order_by)}

    assert ids("tags.team IS NULL") == {plain}
    assert ids("tags.team IS NOT NULL") == {tagged}
    assert ids("params.lr IS NULL") == {tagged}
    assert ids("params.lr IS NOT NULL") == {plain}
    assert ids("attributes.created > 0") == {tagged, plain}
    assert ids("", order_by=["attributes.artifact_uri DESC"]) == {tagged, plain}
    assert ids("", order_by=["attributes.created ASC"]) == {tagged, plain}

    found = client.search_experiments(filter_string=f"attribute.experiment_id = '{experiment_id}'")
    assert [e.experiment_id for e in found] == [experiment_id]
    ordered = client.search_experiments(order_by=["experiment_id DESC"], max_results=2)
    assert len(ordered) == 2 and int(ordered[0].experiment_id) > int(ordered[1].experiment_id)


@cairn_only
def test_requested_artifact_location_is_not_used_and_says_so(cairn, client, unique):
    """Storage stays server-chosen: the experiment is created, its artifact_location is Cairn's, and the answer says
    the requested one is not used (a Warning header: the client rejects unknown body fields)."""
    name = unique("own-location")
    response = api(cairn.url, "POST", "/api/2.0/mlflow/experiments/create",
                   json={"name": name, "artifact_location": "s3://team-bucket/experiments"})
    assert response.status_code == 200, response.text
    experiment_id = response.json()["experiment_id"]
    assert "is not used" in response.headers.get("Warning", ""), response.headers
    assert client.get_experiment(experiment_id).artifact_location.startswith("mlflow-artifacts:")
    other = client.create_experiment(unique("own-location-2"), artifact_location="s3://team-bucket/other")
    assert client.get_experiment(other).artifact_location.startswith("mlflow-artifacts:")


def test_sklearn_autologging_end_to_end(client, unique, workdir):
    """mlflow.sklearn.autolog(): params, training metrics, the model (and its dataset input) all land, and the
    autologged model registers and loads."""
    from sklearn.linear_model import LogisticRegression

    from compat import small_dataset

    mlflow.set_experiment(unique("autolog"))
    mlflow.sklearn.autolog(log_input_examples=False, silent=True)
    try:
        X, y = small_dataset()
        with mlflow.start_run() as run:
            model = LogisticRegression(C=0.5, max_iter=150).fit(X, y)
    finally:
        mlflow.sklearn.autolog(disable=True)
    data = client.get_run(run.info.run_id).data
    assert data.params["C"] == "0.5" and data.params["max_iter"] == "150"
    assert "training_accuracy_score" in data.metrics
    assert data.tags["estimator_name"] == "LogisticRegression"
    name = unique("autologged")
    if MLFLOW_MAJOR >= 3:
        logged = client.search_logged_models([run.info.experiment_id])
        assert logged, "autolog logged no model"
        source = f"models:/{logged[0].model_id}"
    else:
        source = f"runs:/{run.info.run_id}/model"
    version = mlflow.register_model(source, name)
    loaded = mlflow.sklearn.load_model(f"models:/{name}/{version.version}")
    assert (loaded.predict(X) == model.predict(X)).all()


def test_system_metrics_are_logged(client, unique):
    mlflow.set_experiment(unique("system-metrics"))
    mlflow.set_system_metrics_sampling_interval(1)
    mlflow.set_system_metrics_samples_before_logging(1)
    try:
        with mlflow.start_run(log_system_metrics=True) as run:
            time.sleep(3)
    finally:
        mlflow.set_system_metrics_sampling_interval(None)
        mlflow.set_system_metrics_samples_before_logging(None)
    deadline = time.monotonic() + 15
    metrics = {}
    while time.monotonic() < deadline:
        metrics = client.get_run(run.info.run_id).data.metrics
        if any(key.startswith("system/") for key in metrics):
            break
        time.sleep(0.5)
    assert any(key.startswith("system/cpu_utilization") for key in metrics), sorted(metrics)
