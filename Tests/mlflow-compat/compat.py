"""Shared helpers of the compatibility suite (small models, error assertions, raw HTTP)."""

from __future__ import annotations

import os

import mlflow
import mlflow.sklearn
import numpy as np
import pytest
import requests
from mlflow.exceptions import MlflowException
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

MLFLOW_MAJOR = int(mlflow.__version__.split(".")[0])
# Set when the suite runs against an already running server (e.g. a real `mlflow server`, to check the suite itself).
EXTERNAL_URL = os.environ.get("CAIRN_COMPAT_TARGET_URL", "").rstrip("/")

needs_mlflow3 = pytest.mark.skipif(MLFLOW_MAJOR < 3, reason="needs the MLflow 3 client (LoggedModel API)")
cairn_only = pytest.mark.skipif(bool(EXTERNAL_URL), reason="talks to Cairn's own API/CLI")


def small_dataset(seed: int = 7):
    X, y = make_classification(n_samples=200, n_features=5, random_state=seed)
    return X, y


def small_model(seed: int = 7):
    """A LogisticRegression: fast, and skops-safe without trusted types on the 3.x client."""
    X, y = small_dataset(seed)
    return LogisticRegression(max_iter=200).fit(X, y), X, y


def log_small_model(model=None, X=None, registered_model_name: str | None = None, name: str = "model", **kwargs):
    """`mlflow.sklearn.log_model` into the active run, in each client's own spelling. Returns the ModelInfo."""
    if model is None:
        model, X, _ = small_model()
    signature = mlflow.models.infer_signature(X, model.predict(X))
    where = {"name": name} if MLFLOW_MAJOR >= 3 else {"artifact_path": name}
    # Explicit requirements skip the client's inference subprocess (seconds per model); the seed story keeps it.
    kwargs.setdefault("pip_requirements", ["scikit-learn", "skops" if MLFLOW_MAJOR >= 3 else "cloudpickle"])
    return mlflow.sklearn.log_model(
        model, signature=signature, registered_model_name=registered_model_name, **where, **kwargs
    )


def expect_error(code: str, fn, *args, **kwargs) -> MlflowException:
    """Calls fn and asserts it raises MlflowException with `error_code == code`."""
    with pytest.raises(MlflowException) as caught:
        fn(*args, **kwargs)
    assert caught.value.error_code == code, f"expected {code}, got {caught.value.error_code}: {caught.value}"
    return caught.value


def same_predictions(a, b, X) -> bool:
    return bool(np.array_equal(np.asarray(a.predict(X)), np.asarray(b.predict(X))))


def artifact_path_of(uri: str) -> str:
    """`mlflow-artifacts:/1/models/m-…/artifacts` (or the http form) -> `1/models/m-…/artifacts`."""
    if uri.startswith("mlflow-artifacts:"):
        rest = uri[len("mlflow-artifacts:"):]
        if rest.startswith("//"):  # mlflow-artifacts://host:port/path
            rest = rest[2:].split("/", 1)[1] if "/" in rest[2:] else ""
        return rest.lstrip("/")
    marker = "/api/2.0/mlflow-artifacts/artifacts/"
    if marker in uri:
        return uri.split(marker, 1)[1].strip("/")
    raise AssertionError(f"not an mlflow-artifacts URI: {uri}")


def api(base: str, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, base + path, timeout=30, **kwargs)
