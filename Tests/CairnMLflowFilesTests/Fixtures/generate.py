# Regenerates the fixtures: .venv-mlflow3/bin/python generate.py . && .venv-mlflow2/bin/python generate.py .
"""Writes real MLmodel files of several flavors with the installed mlflow client (no server: mlflow.*.save_model)."""
import os, sys, shutil, tempfile, json
import numpy as np, pandas as pd
import mlflow
from mlflow.models import infer_signature, ModelSignature
from mlflow.types.schema import ParamSchema, ParamSpec
from sklearn.linear_model import LogisticRegression

out = sys.argv[1]
major = mlflow.__version__.split(".")[0]
tmp = tempfile.mkdtemp()
def keep(name, path, expected):
    shutil.copy(os.path.join(path, "MLmodel"), os.path.join(out, f"mlflow{major}-{name}.MLmodel"))
    sig = mlflow.models.Model.load(os.path.join(path, "MLmodel")).signature
    expected[name] = sig.to_dict() if sig else None

expected = {}
df = pd.DataFrame(np.random.rand(20, 4), columns=["sepal length", "sepal width", "petal 'length'", "petal: width"])
y = (df.iloc[:, 0] > 0.5).astype(int)
clf = LogisticRegression().fit(df, y)
p = os.path.join(tmp, "sk"); mlflow.sklearn.save_model(clf, p, signature=infer_signature(df, clf.predict(df)))
keep("sklearn-4-columns", p, expected)

class M(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input
art = os.path.join(tmp, "weights.txt"); open(art, "w").write("w")
p = os.path.join(tmp, "py"); mlflow.pyfunc.save_model(p, python_model=M(), artifacts={"weights": art},
    signature=infer_signature(df, np.zeros(20)))
keep("pyfunc-artifacts", p, expected)

wide = pd.DataFrame(np.random.rand(3, 1000), columns=[f"feature_{i:04d}" for i in range(1000)])
p = os.path.join(tmp, "wide"); mlflow.pyfunc.save_model(p, python_model=M(), signature=infer_signature(wide, np.zeros(3)))
keep("pyfunc-1000-columns", p, expected)

params = ParamSchema([ParamSpec("temperature", "double", 0.7), ParamSpec("stop", "string", ["\n", "###"], (-1,)),
                      ParamSpec("max_tokens", "long", 64)])
sig = ModelSignature(inputs=infer_signature(df).inputs, params=params)
p = os.path.join(tmp, "params"); mlflow.pyfunc.save_model(p, python_model=M(), signature=sig,
    input_example=(df.head(2), {"temperature": 0.5}), metadata={"team": "risk", "note": "line one\nline two: 'quoted'"})
keep("pyfunc-params-example-metadata", p, expected)

p = os.path.join(tmp, "nosig"); mlflow.pyfunc.save_model(p, python_model=M())
keep("pyfunc-no-signature", p, expected)

json.dump(expected, open(os.path.join(out, f"mlflow{major}-expected.json"), "w"), indent=1, sort_keys=True)
print(mlflow.__version__, sorted(expected))
