"""Every public method of the installed client's `MlflowClient`, called against Cairn.

Each method is either *served* (a probe calls it with real arguments and must succeed) or *out of scope* (tracing,
GenAI evaluation datasets and assessments, MCP servers and workspaces: one call of the group
must fail with a clear error naming that, never a 5xx). A method the table does not know fails the test, so a new
client release cannot add surface silently. `CAIRN_SURFACE_REPORT=<file>` writes the per-method results (the closing
note's checklist).
"""

from __future__ import annotations

import inspect
import io
import os

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from compat import MLFLOW_MAJOR, log_small_model
from conftest import _SESSION

# Groups Cairn does not serve, with the method-name markers that put a method in them.
OUT_OF_SCOPE = {
    "tracing": ("trace", "span", "assessment"),
    "evaluation datasets": ("dataset",),
    "MCP servers": ("mcp",),
    "workspaces": ("workspace",),
}
# Served methods whose probe is an earlier probe's call (each line: method -> the probe that covers it).
COVERED_BY = {
    "log_artifacts": "log_artifact",
    "download_artifacts": "log_artifact",
    "list_artifacts": "log_artifact",
    "delete_experiment": "restore_experiment",
    "delete_run": "restore_run",
    "set_terminated": "update_run",
    "delete_registered_model_alias": "set_registered_model_alias",
    "get_model_version_by_alias": "set_registered_model_alias",
    "delete_model_version_tag": "set_model_version_tag",
    "delete_registered_model_tag": "set_registered_model_tag",
    "delete_experiment_tag": "set_experiment_tag",
    "delete_tag": "set_tag",
    "delete_logged_model_tag": "set_logged_model_tags",
    "finalize_logged_model": "create_logged_model",
    "get_logged_model": "create_logged_model",
    "delete_logged_model": "create_logged_model",
    "list_logged_model_artifacts": "log_model_artifact",
    "log_model_artifacts": "log_model_artifact",
    "load_table": "log_table",
    "get_prompt": "register_prompt",
    "get_prompt_version": "register_prompt",
    "load_prompt": "register_prompt",
    "create_prompt": "create_prompt_version",
    "delete_prompt_alias": "set_prompt_alias",
    "get_prompt_version_by_alias": "set_prompt_alias",
    "delete_prompt_tag": "set_prompt_tag",
    "delete_prompt_version_tag": "set_prompt_version_tag",
    "delete_prompt_version": "delete_prompt",
    "list_logged_prompts": "link_prompt_version_to_run",
    "detach_prompt_from_run": "link_prompt_version_to_run",
    "log_prompt": "link_prompt_version_to_run",
    "get_webhook": "create_webhook",
    "list_webhooks": "create_webhook",
    "update_webhook": "create_webhook",
    "test_webhook": "create_webhook",
    "delete_webhook": "create_webhook",
}
# Client-side helpers that send nothing to the server.
LOCAL = {"parse_prompt_uri"}


def group_of(method: str) -> str | None:
    for group, markers in OUT_OF_SCOPE.items():
        if any(marker in method for marker in markers) and not method.startswith("log_inputs"):
            return group
    return None


def public_methods() -> list[str]:
    return sorted(n for n, _ in inspect.getmembers(MlflowClient, predicate=inspect.isfunction) if not n.startswith("_"))


class Probes:
    """One probe per served method; each returns nothing and raises on failure."""

    def __init__(self, client: MlflowClient, unique, workdir):
        self.c, self.unique, self.workdir = client, unique, workdir
        self.experiment = client.create_experiment(unique("surface"))
        self.run = client.create_run(self.experiment).info.run_id
        mlflow.set_experiment(experiment_id=self.experiment)
        self.name = unique("surface-model")
        with mlflow.start_run() as run:
            self.model_run = run.info.run_id
            self.model = log_small_model(registered_model_name=self.name)

    # -- experiments and runs
    def create_experiment(self): assert self.experiment
    def get_experiment(self): assert self.c.get_experiment(self.experiment).experiment_id == self.experiment
    def get_experiment_by_name(self):
        assert self.c.get_experiment_by_name(self.c.get_experiment(self.experiment).name).experiment_id == self.experiment
    def rename_experiment(self):
        other = self.c.create_experiment(self.unique("to-rename"))
        self.c.rename_experiment(other, self.unique("renamed"))
    def set_experiment_tag(self):
        self.c.set_experiment_tag(self.experiment, "k", "v")
        if hasattr(self.c, "delete_experiment_tag"):
            self.c.delete_experiment_tag(self.experiment, "k")
    def restore_experiment(self):
        other = self.c.create_experiment(self.unique("deleted"))
        self.c.delete_experiment(other)
        self.c.restore_experiment(other)
    def search_experiments(self): assert self.c.search_experiments(filter_string=f"experiment_id = '{self.experiment}'")
    def create_run(self): assert self.run
    def get_run(self): assert self.c.get_run(self.run).info.run_id == self.run
    def update_run(self):
        run = self.c.create_run(self.experiment).info.run_id
        self.c.update_run(run, name="renamed")
        self.c.set_terminated(run, "FINISHED")
    def restore_run(self):
        run = self.c.create_run(self.experiment).info.run_id
        self.c.delete_run(run)
        self.c.restore_run(run)
    def get_parent_run(self):
        parent = self.c.create_run(self.experiment).info.run_id
        child = self.c.create_run(self.experiment, tags={"mlflow.parentRunId": parent}).info.run_id
        assert self.c.get_parent_run(child).info.run_id == parent
    def search_runs(self): assert self.c.search_runs([self.experiment], max_results=5)
    def log_param(self): self.c.log_param(self.run, "p", "1")
    def log_metric(self): self.c.log_metric(self.run, "m", 0.5, step=1)
    def log_batch(self): self.c.log_batch(self.run, metrics=[], params=[], tags=[])
    def set_tag(self):
        self.c.set_tag(self.run, "t", "v")
        self.c.delete_tag(self.run, "t")
    def log_inputs(self):
        dataset = mlflow.data.from_pandas(pd.DataFrame({"a": [1]}), name="d")
        self.c.log_inputs(self.run, [mlflow.entities.DatasetInput(dataset._to_mlflow_entity())])
    def log_outputs(self):
        from mlflow.entities import LoggedModelOutput
        self.c.log_outputs(self.run, [LoggedModelOutput(self.model.model_id, step=0)])
    def get_metric_history(self):
        self.c.log_metric(self.run, "h", 1.0)
        assert [m.value for m in self.c.get_metric_history(self.run, "h")] == [1.0]
    def log_artifact(self):
        path = self.workdir / "a.txt"
        path.write_text("a")
        self.c.log_artifact(self.run, str(path), "dir")
        self.c.log_artifacts(self.run, str(self.workdir), "all")
        assert [f.path for f in self.c.list_artifacts(self.run, "dir")] == ["dir/a.txt"]
        out = self.workdir / "out"
        out.mkdir(exist_ok=True)
        assert open(self.c.download_artifacts(self.run, "dir/a.txt", str(out))).read() == "a"
    def log_text(self): self.c.log_text(self.run, "hello", "t/hello.txt")
    def log_dict(self): self.c.log_dict(self.run, {"a": 1}, "d/a.json")
    def log_table(self):
        self.c.log_table(self.run, pd.DataFrame({"x": [1, 2]}), "table.json")
        assert len(self.c.load_table(self.experiment, "table.json", run_ids=[self.run])) == 2
    def log_image(self):
        pytest.importorskip("PIL")
        self.c.log_image(self.run, np.zeros((4, 4, 3), dtype=np.uint8), "img.png")
    def log_figure(self):
        plt = pytest.importorskip("matplotlib.pyplot")
        figure, _ = plt.subplots()
        self.c.log_figure(self.run, figure, "figure.png")
    def log_stream(self): self.c.log_stream(self.run, io.BytesIO(b"stream"), "s/stream.bin")

    # -- logged models (3.x)
    def create_logged_model(self):
        model = self.c.create_logged_model(self.experiment, name="probe", source_run_id=self.run, params={"a": "1"})
        self.c.finalize_logged_model(model.model_id, "READY")
        assert str(self.c.get_logged_model(model.model_id).status) == "READY"
        self.c.delete_logged_model(model.model_id)
    def set_logged_model_tags(self):
        self.c.set_logged_model_tags(self.model.model_id, {"k": "v"})
        self.c.delete_logged_model_tag(self.model.model_id, "k")
    def search_logged_models(self): assert self.c.search_logged_models([self.experiment])
    def log_model_params(self): self.c.log_model_params(self.model.model_id, {"extra": "1"})
    def log_model_artifact(self):
        model = self.c.create_logged_model(self.experiment, name="files")
        path = self.workdir / "extra.txt"
        path.write_text("x")
        self.c.log_model_artifact(model.model_id, str(path))
        self.c.log_model_artifacts(model.model_id, str(self.workdir / "out"), "out")
        assert "extra.txt" in {f.path for f in self.c.list_logged_model_artifacts(model.model_id)}

    # -- registry
    def create_registered_model(self): self.c.create_registered_model(self.unique("empty"))
    def get_registered_model(self): assert self.c.get_registered_model(self.name).name == self.name
    def rename_registered_model(self):
        name = self.c.create_registered_model(self.unique("old")).name
        self.c.rename_registered_model(name, name + "-new")
    def update_registered_model(self): self.c.update_registered_model(self.name, description="d")
    def delete_registered_model(self): self.c.delete_registered_model(self.c.create_registered_model(self.unique("del")).name)
    def search_registered_models(self): assert self.c.search_registered_models(f"name = '{self.name}'")
    def set_registered_model_tag(self):
        self.c.set_registered_model_tag(self.name, "k", "v")
        self.c.delete_registered_model_tag(self.name, "k")
    def set_registered_model_alias(self):
        self.c.set_registered_model_alias(self.name, "probe", "1")
        assert self.c.get_model_version_by_alias(self.name, "probe").version == "1"
        self.c.delete_registered_model_alias(self.name, "probe")
    def create_model_version(self):
        version = self.c.create_model_version(self.name, f"runs:/{self.model_run}/model", run_id=self.model_run) \
            if MLFLOW_MAJOR == 2 else self.c.create_model_version(self.name, self.model.model_uri)
        self.created = version.version
    def get_model_version(self): assert self.c.get_model_version(self.name, "1").version == "1"
    def update_model_version(self): self.c.update_model_version(self.name, "1", description="d")
    def delete_model_version(self):
        version = self.c.create_model_version(self.name, self.model.model_uri, run_id=self.model_run)
        self.c.delete_model_version(self.name, version.version)
    def search_model_versions(self): assert self.c.search_model_versions(f"name = '{self.name}'")
    def get_latest_versions(self): assert self.c.get_latest_versions(self.name)
    def transition_model_version_stage(self): self.c.transition_model_version_stage(self.name, "1", "Staging")
    def get_model_version_stages(self): assert "Production" in self.c.get_model_version_stages(self.name, "1")
    def get_model_version_download_uri(self): assert self.c.get_model_version_download_uri(self.name, "1")
    def set_model_version_tag(self):
        self.c.set_model_version_tag(self.name, "1", "k", "v")
        self.c.delete_model_version_tag(self.name, "1", "k")
    def copy_model_version(self): self.c.copy_model_version(f"models:/{self.name}/1", self.unique("copy"))

    # -- the prompt registry (registered models and tags); the 2.x client has its own, older calls
    def prompt(self) -> str:
        if not hasattr(self, "_prompt"):
            self._prompt = self.unique("prompt")
            self.c.register_prompt(self._prompt, "Hello {{name}}")
        return self._prompt
    def register_prompt(self):
        name = self.prompt()
        assert self.c.load_prompt(f"prompts:/{name}/1").format(name="x") == "Hello x"
        if MLFLOW_MAJOR >= 3:
            assert self.c.get_prompt(name).name == name
            assert self.c.get_prompt_version(name, 1).template == "Hello {{name}}"
    def create_prompt_version(self):
        name = self.unique("prompt2")
        self.c.create_prompt(name, description="d")
        self.c.create_prompt_version(name, "Bye {{name}}")
    def search_prompts(self): assert self.c.search_prompts(f"name = '{self.prompt()}'")
    def search_prompt_versions(self): assert self.c.search_prompt_versions(self.prompt())
    def set_prompt_alias(self):
        self.c.set_prompt_alias(self.prompt(), "prod", 1)
        if MLFLOW_MAJOR >= 3:
            assert self.c.get_prompt_version_by_alias(self.prompt(), "prod").version == 1
        else:
            assert str(self.c.load_prompt(f"prompts:/{self.prompt()}@prod").version) == "1"
        self.c.delete_prompt_alias(self.prompt(), "prod")
    def set_prompt_tag(self):
        self.c.set_prompt_tag(self.prompt(), "k", "v")
        self.c.delete_prompt_tag(self.prompt(), "k")
    def set_prompt_version_tag(self):
        self.c.set_prompt_version_tag(self.prompt(), 1, "k", "v")
        self.c.delete_prompt_version_tag(self.prompt(), 1, "k")
    def delete_prompt(self):
        name = self.unique("prompt-del")
        self.c.register_prompt(name, "x")
        if MLFLOW_MAJOR >= 3:
            self.c.delete_prompt_version(name, "1")
            self.c.delete_prompt(name)
        else:
            self.c.delete_prompt(name, 1)
    def link_prompt_version_to_run(self):
        """3.x links through the run tag `mlflow.linkedPrompts`; 2.x (`log_prompt`) through a version tag."""
        run = self.c.create_run(self.experiment).info.run_id
        uri = f"prompts:/{self.prompt()}/1"
        if MLFLOW_MAJOR >= 3:
            self.c.link_prompt_version_to_run(run, uri)
            assert self.prompt() in self.c.get_run(run).data.tags["mlflow.linkedPrompts"]
            # list_logged_prompts and detach_prompt_from_run still read the 2.x version tag, on MLflow's server too.
            from mlflow.prompt.constants import PROMPT_ASSOCIATED_RUN_IDS_TAG_KEY

            self.c.set_prompt_version_tag(self.prompt(), 1, PROMPT_ASSOCIATED_RUN_IDS_TAG_KEY, run)
        else:
            self.c.log_prompt(run, uri)
        assert [p.name for p in self.c.list_logged_prompts(run)] == [self.prompt()]
        self.c.detach_prompt_from_run(run, uri)
        assert self.c.list_logged_prompts(run) == []
    def link_prompt_version_to_model(self):
        self.c.link_prompt_version_to_model(self.prompt(), "1", self.model.model_id)

    # -- webhooks (admins only: the bootstrap admin's token for these calls)
    def create_webhook(self):
        os.environ["MLFLOW_TRACKING_TOKEN"] = _SESSION["server"].admin_token()
        try:
            # Port 9 on loopback refuses at once: the test reports the failed attempt, it does not raise.
            hook = self.c.create_webhook(
                name=self.unique("surface-hook"), url="http://127.0.0.1:9/hook", events=["model_version.created"]
            )
            assert self.c.get_webhook(hook.webhook_id).name == hook.name
            assert hook.webhook_id in [w.webhook_id for w in self.c.list_webhooks()]
            assert self.c.update_webhook(hook.webhook_id, description="d").description == "d"
            result = self.c.test_webhook(hook.webhook_id)
            assert result.success is False and "connection refused" in result.error_message
            self.c.delete_webhook(hook.webhook_id)
        finally:
            os.environ.pop("MLFLOW_TRACKING_TOKEN", None)


def out_of_scope_probe(client: MlflowClient, group: str):
    """One server call of an out-of-scope group (the others of the group reach the same endpoints)."""
    calls = {
        "tracing": lambda: client.search_traces(experiment_ids=["0"]),
        "evaluation datasets": lambda: client.search_datasets(experiment_ids=["0"]),
        "MCP servers": lambda: client.search_mcp_servers(),
        "workspaces": lambda: client.list_workspaces(),
    }
    return calls[group]()


def test_every_public_client_method_is_served_or_clearly_out_of_scope(client, unique, workdir):
    probes = Probes(client, unique, workdir)
    results: dict[str, str] = {}
    outcomes: dict[str, str] = {}
    failures = []
    methods = public_methods()
    for method in methods:
        group = group_of(method)
        if group:
            continue
        if method in LOCAL:
            results[method] = "client-side only"
            continue
        probe_name = method if hasattr(probes, method) else COVERED_BY.get(method)
        if probe_name is None or not hasattr(probes, probe_name):
            failures.append(f"{method}: no probe and no out-of-scope group (classify it in test_client_surface.py)")
            continue
        if probe_name not in outcomes:  # each probe runs once, however many methods it covers
            try:
                getattr(probes, probe_name)()
                outcomes[probe_name] = "ok"
            except pytest.skip.Exception as skipped:
                outcomes[probe_name] = f"not probed: {skipped}"
            except Exception as error:  # noqa: BLE001 - every failure is reported together
                outcomes[probe_name] = f"FAILED: {type(error).__name__}: {str(error)[:160]}"
        outcome = outcomes[probe_name]
        results[method] = outcome if probe_name == method or outcome != "ok" else f"ok (with {probe_name})"
        if outcome.startswith("FAILED"):
            failures.append(f"{method}: {outcome}")
    for group in sorted({g for m in methods if (g := group_of(m))}):
        members = [m for m in methods if group_of(m) == group]
        try:
            out_of_scope_probe(client, group)
            outcome = "answered (not refused)"
            failures.append(f"{group}: the out-of-scope probe did not fail")
        except MlflowException as error:
            outcome = f"refused: {error.error_code}: {error.message[:120]}"
            if error.error_code != "ENDPOINT_NOT_FOUND" or "does not serve" not in error.message:
                failures.append(f"{group}: unclear refusal {error}")
        except Exception as error:  # noqa: BLE001
            outcome = f"refused: {type(error).__name__}"
        for member in members:
            results[member] = f"out of scope ({group}): {outcome}"
    report = os.environ.get("CAIRN_SURFACE_REPORT")
    if report:
        with open(report, "w") as out:
            out.write(f"mlflow {mlflow.__version__}: {len(methods)} public MlflowClient methods\n")
            for method in methods:
                out.write(f"{method}: {results.get(method, 'unclassified')}\n")
    assert not failures, "\n".join(failures)
