"""The seed story (flow_seed_compat.py / the model-registry reference program) against Cairn, run twice."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import mlflow
import mlflow.sklearn
from mlflow.tracking import MlflowClient
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from compat import MLFLOW_MAJOR

PROGRAM = pathlib.Path(__file__).parent / "programs" / "flow_seed_compat.py"


def _seed_once(experiment: str, model_name: str):
    """flow_seed_compat.py's steps, one by one, returning what each step saw."""
    seen = {}
    mlflow.set_experiment(experiment)
    X, y = make_classification(n_samples=5000, n_features=20, random_state=42)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    with mlflow.start_run(run_name="rf-baseline") as run:
        model = RandomForestClassifier(n_estimators=100, random_state=42)
        model.fit(X_train, y_train)
        accuracy = accuracy_score(y_test, model.predict(X_test))
        mlflow.log_param("n_estimators", 100)
        mlflow.log_metric("accuracy", accuracy)
        signature = mlflow.models.infer_signature(X_train, model.predict(X_train))
        extra = {"skops_trusted_types": ["sklearn.tree._tree.Tree"]} if MLFLOW_MAJOR >= 3 else {}
        mlflow.sklearn.log_model(
            sk_model=model,
            artifact_path="model",
            signature=signature,
            registered_model_name=model_name,
            **extra,
        )
        seen["run_id"] = run.info.run_id
    seen["accuracy"] = accuracy

    client = MlflowClient()
    latest_versions = client.get_latest_versions(model_name, stages=["None"])
    seen["latest_none"] = [(mv.version, mv.current_stage) for mv in latest_versions]
    new_version = latest_versions[0].version
    seen["version"] = new_version
    staged = client.transition_model_version_stage(
        name=model_name, version=new_version, stage="Staging", archive_existing_versions=False
    )
    seen["staged"] = staged.current_stage
    promoted = client.transition_model_version_stage(
        name=model_name, version=new_version, stage="Production", archive_existing_versions=True
    )
    seen["promoted"] = promoted.current_stage
    described = client.update_model_version(
        name=model_name,
        version=new_version,
        description="Promoted after passing shadow traffic test with 0.1% error rate improvement.",
    )
    seen["description"] = described.description
    production_model = mlflow.sklearn.load_model(f"models:/{model_name}/Production")
    seen["loaded_accuracy"] = accuracy_score(y_test, production_model.predict(X_test))
    return seen


def test_seed_story_twice_second_run_archives_v1(cairn, client, unique, workdir):
    experiment, name = unique("fraud-detection"), unique("fraud-detector")

    first = _seed_once(experiment, name)
    assert first["latest_none"] == [("1", "None")]
    assert first["version"] == "1"
    assert first["staged"] == "Staging"
    assert first["promoted"] == "Production"
    assert first["description"].startswith("Promoted after passing shadow traffic test")
    assert first["loaded_accuracy"] == first["accuracy"]

    run = client.get_run(first["run_id"])
    assert run.info.status == "FINISHED"
    assert run.info.run_name == "rf-baseline"
    assert run.data.params == {"n_estimators": "100"}
    assert run.data.metrics["accuracy"] == first["accuracy"]
    v1 = client.get_model_version(name, "1")
    assert (v1.current_stage, v1.status, v1.run_id) == ("Production", "READY", first["run_id"])

    second = _seed_once(experiment, name)  # registered-models/create now answers RESOURCE_ALREADY_EXISTS
    assert second["latest_none"] == [("2", "None")]
    assert second["version"] == "2"
    assert (second["staged"], second["promoted"]) == ("Staging", "Production")
    assert second["loaded_accuracy"] == second["accuracy"] == first["accuracy"]

    v1, v2 = client.get_model_version(name, "1"), client.get_model_version(name, "2")
    assert v1.current_stage == "Archived"
    assert v2.current_stage == "Production"
    assert v2.run_id == second["run_id"] != first["run_id"]
    assert v2.description.startswith("Promoted after passing")
    assert [mv.version for mv in client.get_latest_versions(name, stages=["Production"])] == ["2"]
    assert [mv.version for mv in client.get_latest_versions(name, stages=["Archived"])] == ["1"]
    assert client.get_experiment_by_name(experiment).experiment_id == run.info.experiment_id
    model = client.get_registered_model(name)
    assert {(mv.version, mv.current_stage) for mv in model.latest_versions} == {("1", "Archived"), ("2", "Production")}


def _program_text(url: str, experiment: str, name: str) -> str:
    text = PROGRAM.read_text()
    assert text.count('"http://localhost:5000"') == 1
    text = text.replace('"http://localhost:5000"', repr(url))
    text = text.replace("fraud-detection", experiment).replace("fraud-detector", name)
    if MLFLOW_MAJOR < 3:
        # The 2.x client has no skops: without the one added argument the program is flow_seed.py verbatim.
        text = "\n".join(line for line in text.splitlines() if "skops_trusted_types" not in line) + "\n"
    return text


def test_reference_program_runs_twice_unmodified(cairn, client, unique, workdir):
    """The reference program itself (flow_seed_compat.py on 3.x, flow_seed.py verbatim on 2.x) in a subprocess."""
    experiment, name = unique("seed-program-exp"), unique("seed-program-model")
    script = workdir / "flow_seed.py"
    script.write_text(_program_text(cairn.url, experiment, name))
    outputs = []
    for attempt in (1, 2):
        done = subprocess.run(
            [sys.executable, str(script)], cwd=workdir, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"run {attempt} exited {done.returncode}\n{done.stdout}\n{done.stderr[-4000:]}"
        outputs.append(done.stdout)
        assert f"Version {attempt} promoted to Staging" in done.stdout
        assert f"Version {attempt} is now Production" in done.stdout
        trained = re.search(r"Accuracy: (\d\.\d{4})", done.stdout).group(1)
        loaded = re.search(r"Loaded Production model accuracy: (\d\.\d{4})", done.stdout).group(1)
        assert trained == loaded
    stages = {mv.version: mv.current_stage for mv in client.search_model_versions(f"name='{name}'")}
    assert stages == {"1": "Archived", "2": "Production"}
