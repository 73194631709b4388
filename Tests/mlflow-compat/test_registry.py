"""Model registry through the real client: aliases, registration paths, search, tags, rename, deletes."""

from __future__ import annotations

import mlflow
import mlflow.pyfunc
import mlflow.sklearn
import pytest

from compat import expect_error, log_small_model, needs_mlflow3, same_predictions, small_model


def _logged_versions(name: str, count: int, experiment: str):
    """Logs `count` small models registered under `name` (versions 1..count); returns [(run_id, model, X)]."""
    mlflow.set_experiment(experiment)
    out = []
    for seed in range(count):
        model, X, _ = small_model(seed=seed + 1)
        with mlflow.start_run() as run:
            log_small_model(model, X, registered_model_name=name)
        out.append((run.info.run_id, model, X))
    return out


def _runs(client, experiment_name: str, count: int):
    experiment_id = client.create_experiment(experiment_name)
    return experiment_id, [client.create_run(experiment_id).info.run_id for _ in range(count)]


# -- aliases -----------------------------------------------------------------------------------------------------


def test_aliases_set_get_load_and_delete(client, unique, workdir):
    name = unique("alias-model")
    logged = _logged_versions(name, 2, unique("alias-exp"))

    client.set_registered_model_alias(name, "champion", "2")
    client.set_registered_model_alias(name, "previous", "1")
    champion = client.get_model_version_by_alias(name, "champion")
    assert champion.version == "2"
    assert "champion" in champion.aliases
    assert champion.run_id == logged[1][0]
    assert client.get_registered_model(name).aliases == {"champion": "2", "previous": "1"}
    assert client.get_model_version(name, "1").aliases == ["previous"]

    loaded = mlflow.sklearn.load_model(f"models:/{name}@champion")
    assert same_predictions(loaded, logged[1][1], logged[1][2])
    assert same_predictions(mlflow.sklearn.load_model(f"models:/{name}/1"), logged[0][1], logged[0][2])
    assert same_predictions(mlflow.sklearn.load_model(f"models:/{name}/latest"), logged[1][1], logged[1][2])

    client.set_registered_model_alias(name, "champion", "1")  # moving an alias
    assert client.get_model_version_by_alias(name, "champion").version == "1"
    assert client.get_model_version(name, "2").aliases == []

    client.delete_registered_model_alias(name, "previous")
    assert client.get_registered_model(name).aliases == {"champion": "1"}
    expect_error("INVALID_PARAMETER_VALUE", client.get_model_version_by_alias, name, "previous")


def test_reserved_aliases_refused(client, unique, workdir):
    name = unique("alias-reserved")
    _logged_versions(name, 1, unique("alias-exp"))
    expect_error("INVALID_PARAMETER_VALUE", client.set_registered_model_alias, name, "latest", "1")
    expect_error("INVALID_PARAMETER_VALUE", client.set_registered_model_alias, name, "LATEST", "1")
    expect_error("INVALID_PARAMETER_VALUE", client.set_registered_model_alias, name, "v3", "1")
    expect_error("RESOURCE_DOES_NOT_EXIST", client.set_registered_model_alias, name, "ghost", "999")
    assert client.get_registered_model(name).aliases == {}


# -- registration paths ------------------------------------------------------------------------------------------


def test_register_model_from_runs_uri(client, unique, workdir):
    name = unique("reg-runs")
    mlflow.set_experiment(unique("reg-exp"))
    model, X, _ = small_model()
    with mlflow.start_run() as run:
        log_small_model(model, X)
    version = mlflow.register_model(f"runs:/{run.info.run_id}/model", name)
    assert version.version == "1"
    assert version.run_id == run.info.run_id
    assert version.status == "READY"
    fetched = client.get_model_version(name, "1")
    assert fetched.run_id == run.info.run_id
    assert same_predictions(mlflow.sklearn.load_model(f"models:/{name}/1"), model, X)
    # a second registration of the same run goes to an existing model (RESOURCE_ALREADY_EXISTS is swallowed)
    assert mlflow.register_model(f"runs:/{run.info.run_id}/model", name).version == "2"


@needs_mlflow3
def test_register_model_from_logged_model_uri(client, unique, workdir):
    name = unique("reg-models")
    mlflow.set_experiment(unique("reg-exp"))
    model, X, _ = small_model()
    with mlflow.start_run() as run:
        info = log_small_model(model, X)
    assert info.model_id and info.model_id.startswith("m-")
    version = mlflow.register_model(f"models:/{info.model_id}", name, tags={"origin": "logged-model"})
    assert version.version == "1"
    fetched = client.get_model_version(name, "1")
    assert fetched.source == f"models:/{info.model_id}"
    assert fetched.tags == {"origin": "logged-model"}
    assert fetched.run_id == run.info.run_id  # filled from the LoggedModel's source run
    assert same_predictions(mlflow.pyfunc.load_model(f"models:/{name}/1"), model, X)
    # the client records the registration on the LoggedModel
    assert name in client.get_logged_model(info.model_id).tags.get("mlflow.modelVersions", "")


def test_create_model_version_with_explicit_source(client, unique, workdir):
    name = unique("mv-source")
    mlflow.set_experiment(unique("mv-exp"))
    model, X, _ = small_model()
    # a model directory saved locally and logged as plain run artifacts under model/
    mlflow.sklearn.save_model(model, str(workdir / "saved"))
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(workdir / "saved"), "model")
    run_id = run.info.run_id
    client.create_registered_model(name)
    source = f"runs:/{run_id}/model"
    version = client.create_model_version(
        name, source=source, run_id=run_id, tags={"k": "v"}, description="from a runs: URI"
    )
    assert (version.version, version.source, version.run_id) == ("1", source, run_id)
    assert version.description == "from a runs: URI"
    assert version.tags == {"k": "v"}
    assert version.status == "READY"
    # MLflow hands back the runs:/ source itself; a registry that snapshots the files at registration may hand
    # back its own sealed copy instead. Either way the client must be able to fetch it.
    download_uri = client.get_model_version_download_uri(name, "1")
    assert download_uri == source or download_uri.startswith("mlflow-artifacts:"), download_uri
    assert same_predictions(mlflow.sklearn.load_model(f"models:/{name}/1"), model, X)


def test_copy_model_version(client, unique, workdir):
    src, dst = unique("copy-src"), unique("copy-dst")
    (run_id, model, X), = _logged_versions(src, 1, unique("copy-exp"))
    client.set_model_version_tag(src, "1", "validated", "yes")
    copied = client.copy_model_version(f"models:/{src}/1", dst)
    assert (copied.name, copied.version) == (dst, "1")
    fetched = client.get_model_version(dst, "1")
    assert fetched.run_id == run_id
    assert fetched.tags.get("validated") == "yes"
    assert same_predictions(mlflow.sklearn.load_model(f"models:/{dst}/1"), model, X)


# -- search ------------------------------------------------------------------------------------------------------


def test_search_registered_models_filters_and_order(client, unique):
    prefix = unique("srch")
    team = prefix.rsplit("-", 1)[1]
    names = [f"{prefix}-{c}" for c in "abcde"]
    for i, n in enumerate(names):
        client.create_registered_model(n, tags={"team": team} if i % 2 == 0 else {"team": "other"})

    def found(**kwargs):
        return [m.name for m in client.search_registered_models(**kwargs)]

    assert found(filter_string=f"name LIKE '{prefix}-%'") == names  # name order by default
    assert found(filter_string=f"name = '{names[2]}'") == [names[2]]
    assert found(filter_string=f"name ILIKE '{prefix.upper()}-%'") == names
    assert found(filter_string=f"name LIKE '{prefix.upper()}-%'") == []  # LIKE is case-sensitive
    assert found(filter_string=f"tags.team = '{team}'") == [names[0], names[2], names[4]]
    assert found(filter_string=f"name LIKE '{prefix}-%' AND tags.team = 'other'") == [names[1], names[3]]
    assert found(filter_string=f"name LIKE '{prefix}-%'", order_by=["name DESC"]) == names[::-1]
    assert found(filter_string="name = 'no-such-model-anywhere'") == []
    # no filter: only the client's own prompt clause is sent; follow the pages to the end
    everything, token = [], None
    for _ in range(1000):
        page = client.search_registered_models(page_token=token)
        everything += [m.name for m in page]
        token = page.token
        if not token:
            break
    assert set(names) <= set(everything)
    assert len(everything) == len(set(everything))


def test_search_registered_models_pagination(client, unique):
    prefix = unique("page")
    names = [f"{prefix}-{i}" for i in range(5)]
    for n in names:
        client.create_registered_model(n)
    seen, token, pages = [], None, 0
    while True:
        page = client.search_registered_models(
            filter_string=f"name LIKE '{prefix}-%'", max_results=2, order_by=["name ASC"], page_token=token
        )
        pages += 1
        assert len(page) == (2 if pages < 3 else 1)
        seen += [m.name for m in page]
        token = page.token
        if not token:
            break
        assert pages < 5, "pagination does not end"
    assert pages == 3
    assert seen == names


def test_search_model_versions_by_name_and_run_id(client, unique, workdir):
    name = unique("mvsearch")
    logged = _logged_versions(name, 3, unique("mvsearch-exp"))
    versions = client.search_model_versions(f"name='{name}'")
    assert sorted(mv.version for mv in versions) == ["1", "2", "3"]
    by_run = client.search_model_versions(f"run_id='{logged[1][0]}'")
    assert [(mv.name, mv.version) for mv in by_run] == [(name, "2")]
    # one per page, newest first, following the page token
    seen, token = [], None
    for _ in range(5):
        page = client.search_model_versions(
            f"name='{name}'", max_results=1, order_by=["version_number DESC"], page_token=token
        )
        seen += [mv.version for mv in page]
        token = page.token
        if not token:
            break
    assert seen == ["3", "2", "1"]
    assert client.search_model_versions("name='no-such-model-anywhere'") == []


# -- tags, description, rename, delete -------------------------------------------------------------------------


def test_registered_model_tags_and_description(client, unique):
    name = unique("rm-tags")
    created = client.create_registered_model(name, tags={"team": "risk"}, description="first")
    assert (created.name, created.description, created.tags) == (name, "first", {"team": "risk"})
    client.set_registered_model_tag(name, "owner", "risk-team")
    client.set_registered_model_tag(name, "temp", "1")
    client.delete_registered_model_tag(name, "temp")
    client.update_registered_model(name, description="second")
    model = client.get_registered_model(name)
    assert model.tags == {"team": "risk", "owner": "risk-team"}
    assert model.description == "second"
    client.set_registered_model_tag(name, "owner", "ml-platform")  # overwrite
    assert client.get_registered_model(name).tags["owner"] == "ml-platform"


def test_model_version_tags_and_description(client, unique):
    name = unique("mv-tags")
    _, (run_id,) = _runs(client, unique("mv-tags-exp"), 1)
    client.create_registered_model(name)
    client.create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id)
    client.set_model_version_tag(name, "1", "validation", "passed")
    client.set_model_version_tag(name, "1", "temp", "x")
    client.delete_model_version_tag(name, "1", "temp")
    client.update_model_version(name, "1", description="checked")
    version = client.get_model_version(name, "1")
    assert version.tags == {"validation": "passed"}
    assert version.description == "checked"
    assert version.run_id == run_id
    assert version.current_stage == "None"


def test_rename_registered_model(client, unique):
    name, new_name, taken = unique("rename-src"), unique("rename-dst"), unique("rename-taken")
    _, (run_id,) = _runs(client, unique("rename-exp"), 1)
    client.create_registered_model(name, tags={"t": "1"})
    client.create_registered_model(taken)
    client.create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id)
    client.rename_registered_model(name, new_name)
    assert client.get_registered_model(new_name).tags == {"t": "1"}
    assert client.get_model_version(new_name, "1").name == new_name
    expect_error("RESOURCE_DOES_NOT_EXIST", client.get_registered_model, name)
    expect_error("RESOURCE_ALREADY_EXISTS", client.rename_registered_model, new_name, taken)
    assert client.get_registered_model(new_name).name == new_name


def test_delete_model_version_then_model(client, unique):
    """Hard deletes work with no credentials on the loopback default, as against `mlflow server` on a laptop."""
    name = unique("delete")
    _, (run_id,) = _runs(client, unique("delete-exp"), 1)
    client.create_registered_model(name)
    for _ in range(2):
        client.create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id)
    client.delete_model_version(name, "2")
    expect_error("RESOURCE_DOES_NOT_EXIST", client.get_model_version, name, "2")
    assert [mv.version for mv in client.search_model_versions(f"name='{name}'")] == ["1"]
    # version numbers are never reused
    assert client.create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id).version == "3"
    client.delete_registered_model(name)
    expect_error("RESOURCE_DOES_NOT_EXIST", client.get_registered_model, name)
    expect_error("RESOURCE_DOES_NOT_EXIST", client.get_model_version, name, "1")
    assert client.search_registered_models(filter_string=f"name = '{name}'") == []
    # the name is free again
    assert client.create_registered_model(name).name == name


def test_stage_transitions_and_latest_versions(client, unique):
    name = unique("stages")
    _, (run_id,) = _runs(client, unique("stages-exp"), 1)
    client.create_registered_model(name)
    for _ in range(3):
        client.create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id)
    client.transition_model_version_stage(name, "1", "Production")
    client.transition_model_version_stage(name, "2", "Staging")
    latest = {mv.current_stage: mv.version for mv in client.get_latest_versions(name)}
    assert latest == {"Production": "1", "Staging": "2", "None": "3"}
    assert client.get_latest_versions(name, stages=["Archived"]) == []
    # lower-case stage names are accepted and canonicalised, as MLflow does
    assert client.transition_model_version_stage(name, "3", "production", True).current_stage == "Production"
    assert client.get_model_version(name, "1").current_stage == "Archived"
    assert client.get_model_version(name, "2").current_stage == "Staging"  # only Production was archived


@pytest.mark.parametrize("stage", ["Staging", "Archived"])
def test_load_model_from_empty_stage_fails_cleanly(client, unique, stage):
    name = unique("empty-stage")
    client.create_registered_model(name)
    with pytest.raises(mlflow.exceptions.MlflowException, match=f"stage '{stage}'"):
        mlflow.pyfunc.load_model(f"models:/{name}/{stage}")


def test_tag_values_as_long_as_mlflow_allows(client, unique):
    """Registry tags up to 100,000 characters (prompt templates live there), experiment tags up to 20,000
    (`mlflow.note.content`); run tags keep MLflow's 8,000."""
    name = client.create_registered_model(unique("long-tags")).name
    template = "Answer the question: {{question}}\n" * 2900  # 98,600 characters
    client.set_registered_model_tag(name, "template", template)
    assert client.get_registered_model(name).tags["template"] == template
    experiment_id = client.create_experiment(unique("long-note"))
    note = "n" * 20_000
    client.set_experiment_tag(experiment_id, "mlflow.note.content", note)
    assert client.get_experiment(experiment_id).tags["mlflow.note.content"] == note
    expect_error("INVALID_PARAMETER_VALUE", client.set_registered_model_tag, name, "too-long", "x" * 100_001)
    run = client.create_run(experiment_id)
    expect_error("INVALID_PARAMETER_VALUE", client.set_tag, run.info.run_id, "too-long", "x" * 8_001)


@needs_mlflow3
def test_prompt_registry(client, unique):
    """MLflow 3's prompt registry rides on registered models and their tags."""
    name = unique("prompt").replace("-", "_")
    template = "Summarize {{text}} in {{count}} sentences. " + "Be concise. " * 500
    first = mlflow.genai.register_prompt(name=name, template=template, commit_message="first")
    assert first.version == 1
    second = mlflow.genai.register_prompt(name=name, template=template + "Use plain words.")
    assert second.version == 2
    loaded = mlflow.genai.load_prompt(f"prompts:/{name}/1")
    assert loaded.template == template
    assert loaded.format(text="the report", count=2).startswith("Summarize the report in 2 sentences.")
    assert mlflow.genai.load_prompt(f"prompts:/{name}/2").template.endswith("Use plain words.")
    found = mlflow.genai.search_prompts(filter_string=f"name = '{name}'")
    assert [p.name for p in found] == [name]


def test_versions_from_external_stores_download_from_there(client, unique):
    """A version registered from s3:// or gs:// has no files in Cairn: MLflow answers the external source as the
    download location (so load_model fetches it from there), and the version says its files are not sealed."""
    name = client.create_registered_model(unique("external")).name
    for source in ("s3://models-bucket/fraud/7/model", "gs://another-bucket/path/to/model"):
        version = client.create_model_version(name, source=source)
        assert version.status == "READY"
        assert client.get_model_version_download_uri(name, version.version) == source
        assert "not sealed" in client.get_model_version(name, version.version).status_message
    registered = mlflow.register_model("s3://models-bucket/fraud/8/model", name)
    assert client.get_model_version_download_uri(name, registered.version) == "s3://models-bucket/fraud/8/model"


def test_search_registered_models_name_in(client, unique):
    names = [client.create_registered_model(unique(f"in-{i}")).name for i in range(3)]
    quoted = ", ".join(f"'{n}'" for n in names[:2] + ["no-such-model"])
    found = client.search_registered_models(filter_string=f"name IN ({quoted})")
    assert sorted(m.name for m in found) == sorted(names[:2])


@pytest.mark.parametrize("decoration", ["100% recall", "a%2Fb", "50%", "win\\dows"])
def test_model_names_with_characters_mlflow_allows(client, unique, workdir, decoration):
    """Names with % and \\ work end to end (register, alias, search, load by version, stage and alias) as on MLflow.
    / : (refused by MLflow too) and ? @ # (which MLflow's client cannot load: they break models:/NAME/1 apart) are
    refused with a clear error."""
    name = f"{decoration} {unique('n')}"
    logged = _logged_versions(name, 1, unique("names-exp"))
    assert client.get_registered_model(name).name == name
    client.set_registered_model_alias(name, "champion", "1")
    client.transition_model_version_stage(name, "1", "Staging")
    assert [m.name for m in client.search_registered_models(f"name = '{name}'")] == [name]
    assert [v.version for v in client.search_model_versions(f"name = '{name}'")] == ["1"]
    for uri in (f"models:/{name}/1", f"models:/{name}@champion", f"models:/{name}/Staging"):
        assert same_predictions(mlflow.sklearn.load_model(uri), logged[0][1], logged[0][2]), uri
    renamed = f"{name} v2"
    client.rename_registered_model(name, renamed)
    assert client.get_model_version_by_alias(renamed, "champion").version == "1"
    for bad in ("a?b", "a/b", "a:b", "team@eu", "fraud#2"):
        expect_error("INVALID_PARAMETER_VALUE", client.create_registered_model, f"{bad} {unique('x')}")
