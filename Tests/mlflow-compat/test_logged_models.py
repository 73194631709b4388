"""MLflow 3's LoggedModel API, which `log_model` itself uses (create, finalize, tags, search, artifacts)."""

from __future__ import annotations

import mlflow
import mlflow.sklearn
import pytest
from mlflow.exceptions import MlflowException

from compat import api, log_small_model, needs_mlflow3, same_predictions, small_model

pytestmark = needs_mlflow3


def test_logged_model_lifecycle(client, unique, workdir):
    experiment_id = mlflow.set_experiment(unique("logged-models")).experiment_id
    model, X, _ = small_model()
    with mlflow.start_run() as run:
        mlflow.log_param("C", "1.0")
        mlflow.log_metric("accuracy", 0.91)
        info = log_small_model(model, X)
    run_id = run.info.run_id

    logged = client.get_logged_model(info.model_id)
    assert logged.model_id == info.model_id and logged.model_id.startswith("m-")
    assert str(logged.status) == "READY"
    assert (logged.name, logged.source_run_id, logged.experiment_id) == ("model", run_id, experiment_id)
    assert logged.artifact_location
    assert logged.params == {"C": "1.0"}
    assert [(m.key, m.value) for m in logged.metrics] == [("accuracy", 0.91)]

    outputs = client.get_run(run_id).outputs.model_outputs
    assert [o.model_id for o in outputs] == [info.model_id]
    assert client.list_artifacts(run_id) == []  # in MLflow 3 the files live with the LoggedModel
    files = {f.path for f in client.list_logged_model_artifacts(info.model_id)}
    assert {"MLmodel", "requirements.txt", "python_env.yaml", "conda.yaml"} <= files

    client.set_logged_model_tags(info.model_id, {"reviewed": "yes", "temp": "1"})
    client.delete_logged_model_tag(info.model_id, "temp")
    tags = client.get_logged_model(info.model_id).tags
    assert tags["reviewed"] == "yes" and "temp" not in tags

    found = client.search_logged_models(experiment_ids=[experiment_id])
    assert [m.model_id for m in found] == [info.model_id]
    by_name = client.search_logged_models(experiment_ids=[experiment_id], filter_string="name = 'model'")
    assert [m.model_id for m in by_name] == [info.model_id]
    assert client.search_logged_models(experiment_ids=[experiment_id], filter_string="name = 'other'") == []
    good = mlflow.search_logged_models(
        experiment_ids=[experiment_id], filter_string="metrics.accuracy > 0.5", output_format="list"
    )
    assert [m.model_id for m in good] == [info.model_id]
    bad = mlflow.search_logged_models(
        experiment_ids=[experiment_id], filter_string="metrics.accuracy > 0.95", output_format="list"
    )
    assert bad == []

    # the LoggedModel itself loads, without any registration
    assert same_predictions(mlflow.sklearn.load_model(f"models:/{info.model_id}"), model, X)


def test_log_model_upload_failure_is_recorded(client, unique, workdir):
    """flow_seed.py verbatim on the 3.x client: skops refuses the trees, the client marks model and run as failed."""
    from sklearn.ensemble import RandomForestClassifier

    mlflow.set_experiment(unique("logged-failed"))
    X, y = small_model()[1:]
    forest = RandomForestClassifier(n_estimators=3, random_state=1).fit(X, y)
    name = unique("never-registered")
    raised = None
    try:
        with mlflow.start_run() as run:
            mlflow.sklearn.log_model(forest, name="model", registered_model_name=name)
    except mlflow.exceptions.MlflowException as error:
        raised = error
    assert raised is not None and "untrusted" in str(raised)
    assert client.get_run(run.info.run_id).info.status == "FAILED"
    failed = client.search_logged_models(experiment_ids=[run.info.experiment_id])
    assert [str(m.status) for m in failed] == ["FAILED"]
    assert client.search_registered_models(filter_string=f"name = '{name}'") == []


def test_log_model_in_a_run_with_more_than_100_params(client, unique, workdir):
    """The 3.x client sends a run's first 100 params with the logged model and the rest to logged-models/{id}/params
    (a 404 there made `log_model` raise)."""
    mlflow.set_experiment(unique("many-params"))
    params = {f"p{i:03d}": str(i) for i in range(150)}
    name = unique("many-params-model")
    with mlflow.start_run():
        mlflow.log_params(params)
        info = log_small_model(registered_model_name=name)
    assert client.get_logged_model(info.model_id).params == params
    client.log_model_params(info.model_id, {"extra": "1", "p000": "0"})  # new, and the same value again
    assert client.get_logged_model(info.model_id).params == {**params, "extra": "1"}
    with pytest.raises(MlflowException) as changed:
        client.log_model_params(info.model_id, {"p001": "changed"})
    assert changed.value.error_code == "INVALID_PARAMETER_VALUE"
    assert client.get_model_version(name, "1").status == "READY"


def test_list_logged_model_artifacts(client, unique, workdir):
    mlflow.set_experiment(unique("list-logged"))
    with mlflow.start_run():
        info = log_small_model()
    files = {f.path: f for f in client.list_logged_model_artifacts(info.model_id)}
    assert "MLmodel" in files and not files["MLmodel"].is_dir and files["MLmodel"].file_size > 0, files
    directories = [path for path, f in files.items() if f.is_dir]
    for directory in directories:
        inside = client.list_logged_model_artifacts(info.model_id, directory)
        assert inside and all(f.path.startswith(directory + "/") for f in inside), inside


def test_search_logged_models_by_id_and_times(client, unique, workdir):
    experiment_id = mlflow.set_experiment(unique("search-logged")).experiment_id
    with mlflow.start_run():
        first = log_small_model(name="first")
        second = log_small_model(name="second")
    found = client.search_logged_models([experiment_id], filter_string=f"model_id = '{first.model_id}'")
    assert [m.model_id for m in found] == [first.model_id]
    newest = client.search_logged_models([experiment_id], order_by=[{"field_name": "creation_time", "ascending": False}])
    assert {m.model_id for m in newest} == {first.model_id, second.model_id}
    recent = client.search_logged_models([experiment_id], filter_string="last_updated_time > 0")
    assert len(recent) == 2


def test_metrics_keep_their_dataset_and_search_by_dataset(cairn, client, unique, workdir):
    """log_metric(..., dataset=…) and mlflow.evaluate record the dataset's name and digest on the model's metrics, and
    search_logged_models(datasets=…) filters by them (metric clauses then see only those datasets' metrics)."""
    import pandas as pd

    experiment_id = mlflow.set_experiment(unique("dataset-metrics")).experiment_id
    eval_df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0, 1, 1]})
    holdout_df = pd.DataFrame({"x": [4.0, 5.0], "y": [1, 0]})
    evaluation = mlflow.data.from_pandas(eval_df, name="eval", targets="y")
    holdout = mlflow.data.from_pandas(holdout_df, name="holdout", targets="y")
    with mlflow.start_run():
        good = log_small_model(name="good")
        weak = log_small_model(name="weak")
        mlflow.log_metric("accuracy", 0.93, model_id=good.model_id, dataset=evaluation)
        mlflow.log_metric("accuracy", 0.41, model_id=good.model_id, dataset=holdout)
        mlflow.log_metric("accuracy", 0.62, model_id=weak.model_id, dataset=holdout)

    metrics = {(m.key, m.dataset_name, m.dataset_digest): m.value for m in client.get_logged_model(good.model_id).metrics}
    assert metrics == {("accuracy", "eval", evaluation.digest): 0.93, ("accuracy", "holdout", holdout.digest): 0.41}

    def names(**kwargs):
        return sorted(m.name for m in client.search_logged_models([experiment_id], **kwargs))

    assert names(datasets=[{"dataset_name": "eval"}]) == ["good"]
    assert names(datasets=[{"dataset_name": "holdout", "dataset_digest": holdout.digest}]) == ["good", "weak"]
    assert names(datasets=[{"dataset_name": "holdout", "dataset_digest": "0000"}]) == []
    assert names(filter_string="metrics.accuracy > 0.5", datasets=[{"dataset_name": "holdout"}]) == ["weak"]
    assert names(filter_string="metrics.accuracy > 0.5", datasets=[{"dataset_name": "eval"}]) == ["good"]
    # The client checks for a dataset_name itself; the server refuses a request without one as MLflow's does.
    refused = api(cairn.url, "POST", "/api/2.0/mlflow/logged-models/search",
                  json={"experiment_ids": [experiment_id], "datasets": [{"dataset_digest": holdout.digest}]})
    assert refused.status_code == 400 and refused.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_evaluate_records_the_dataset_on_the_models_metrics(client, unique, workdir):
    """mlflow.models.evaluate logs its metrics with the model id and the evaluation dataset's name and digest."""
    import pandas as pd

    mlflow.set_experiment(unique("evaluate"))
    model, X, y = small_model()
    data = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])]).assign(label=y)
    dataset = mlflow.data.from_pandas(data, name="validation", targets="label")
    with mlflow.start_run():
        info = log_small_model(model, data.drop(columns="label"))
        result = mlflow.models.evaluate(info.model_uri, dataset, model_type="classifier", evaluators=["default"])
    logged = client.get_logged_model(info.model_id).metrics
    accuracy = [m for m in logged if m.key == "accuracy_score"]
    assert [(m.dataset_name, m.dataset_digest) for m in accuracy] == [("validation", dataset.digest)]
    assert accuracy[0].value == pytest.approx(result.metrics["accuracy_score"])


def test_log_inputs_records_model_inputs(client, unique, workdir):
    """log_inputs(models=[LoggedModelInput(id)]): the run shows the models it used; an unknown model is refused."""
    from mlflow.entities import LoggedModelInput

    experiment_id = mlflow.set_experiment(unique("model-inputs")).experiment_id
    with mlflow.start_run():
        trained = log_small_model(name="base")
    consumer = client.create_run(experiment_id).info.run_id
    client.log_inputs(consumer, models=[LoggedModelInput(trained.model_id)])
    client.log_inputs(consumer, models=[LoggedModelInput(trained.model_id)])  # logged once
    inputs = client.get_run(consumer).inputs
    assert [m.model_id for m in inputs.model_inputs] == [trained.model_id]
    assert inputs.dataset_inputs == []
    with pytest.raises(MlflowException) as refused:
        client.log_inputs(consumer, models=[LoggedModelInput("m-0123456789abcdef0123456789abcdef")])
    assert refused.value.error_code == "RESOURCE_DOES_NOT_EXIST"
