"""MLmodel files as each client writes them, registered through `log_model(..., registered_model_name=...)`: the
signature Cairn reads from the sealed MLmodel must be exactly what the client reads back from it, for every flavor.

PyYAML folds long strings over several lines, so a signature of more than a few columns only reads right with a
real YAML parser (issue 11): the 4-float-column pyfunc model of the issue failed to register before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import mlflow
import pytest
from mlflow.models import ModelSignature, infer_signature
from mlflow.types.schema import ParamSchema, ParamSpec

from compat import MLFLOW_MAJOR, api, cairn_only, log_small_model

pytestmark = cairn_only


class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input


def frame(columns: int, rows: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(columns)
    return pd.DataFrame(rng.random((rows, columns)), columns=[f"feature '{i}': x" for i in range(columns)])


def log_pyfunc(registered: str, signature, **kwargs):
    where = {"name": "model"} if MLFLOW_MAJOR >= 3 else {"artifact_path": "model"}
    return mlflow.pyfunc.log_model(python_model=Echo(), signature=signature, registered_model_name=registered,
                                   pip_requirements=["pandas"], **where, **kwargs)


def flavors(tmp_path):
    """(case, log) pairs: each logs a model registered under the given name and returns its ModelInfo."""
    four = frame(4)
    artifact = tmp_path / "weights.txt"
    artifact.write_text("weights")
    params = ParamSchema([ParamSpec("temperature", "double", 0.7), ParamSpec("stop", "string", ["\n", "###"], (-1,))])
    return [
        ("sklearn", lambda name: log_small_model(registered_model_name=name)),
        ("pyfunc-4-float-columns", lambda name: log_pyfunc(name, infer_signature(four, np.zeros(5)))),
        ("pyfunc-artifacts", lambda name: log_pyfunc(name, infer_signature(four, np.zeros(5)),
                                                     artifacts={"weights": str(artifact)})),
        ("pyfunc-1000-columns", lambda name: log_pyfunc(name, infer_signature(frame(1000, 3), np.zeros(3)))),
        ("pyfunc-params-example-metadata", lambda name: log_pyfunc(
            name, ModelSignature(inputs=infer_signature(four).inputs, params=params),
            input_example=(four.head(2), {"temperature": 0.5}),
            metadata={"team": "risk", "note": "line one\nline two: 'quoted'"})),
        ("pyfunc-no-signature", lambda name: log_pyfunc(name, None)),
    ]


CASES = ["sklearn", "pyfunc-4-float-columns", "pyfunc-artifacts", "pyfunc-1000-columns",
         "pyfunc-params-example-metadata", "pyfunc-no-signature"]


@pytest.mark.parametrize("case", CASES)
def test_registered_signature_is_what_the_client_wrote(cairn, client, unique, workdir, tmp_path, case):
    name = unique(f"mlmodel-{case}")
    log = dict(flavors(tmp_path))[case]
    with mlflow.start_run():
        info = log(name)  # registering used to fail here: "Signature inputs must be a JSON document of at most 1 MiB."
    written = mlflow.models.get_model_info(f"models:/{name}/1").signature

    response = api(cairn.url, "GET", f"/api/v1/models/{name}/versions/1")
    assert response.status_code == 200, response.text
    version = response.json()
    assert version["status"] == "READY"
    if written is None:
        assert version.get("signature") is None, version.get("signature")
        return
    expected = written.to_dict()
    stored = version["signature"]
    for field in ("inputs", "outputs", "params"):
        assert stored.get(field) == expected.get(field), f"{field}: {str(stored.get(field))[:200]}"
    assert info.signature.to_dict() == expected
    # The loaded model sees the same signature the registry shows.
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/1")
    assert loaded.metadata.signature.to_dict() == expected
