"""Fitting the candidates, measuring the best one, and saving it.

Each candidate is a Pipeline: the same column preparation (impute, scale numbers, one-hot encode
text and categories) in front of one estimator. The saved model therefore takes the feature
columns as they come out of preprocess, raw, and predicts.
"""

import math
import os
import tempfile
import time

import joblib
import numpy as np
import sklearn
from pandas.api import types as ptypes
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import (
    accuracy_score,
    get_scorer,
    mean_absolute_error,
    mean_squared_error,
    precision_score,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from trainyard_failure import TrainingFailure


def candidate(X, estimator):
    """The estimator behind a column preparation fitted on the training part only."""
    numeric = [c for c in X.columns
               if ptypes.is_numeric_dtype(X[c]) and not ptypes.is_bool_dtype(X[c])]
    other = [c for c in X.columns if c not in numeric]
    prepare = ColumnTransformer(
        [
            ("numeric", Pipeline([("impute", SimpleImputer(strategy="median")),
                                  ("scale", StandardScaler())]), numeric),
            ("categorical", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                                      ("encode", _one_hot())]), other),
        ],
        # Dense output: naive Bayes and a few others refuse sparse matrices.
        sparse_threshold=0.0,
    )
    return Pipeline([("prepare", prepare), ("model", estimator)])


def fit_and_score(name, pipeline, scoring, X_train, y_train, X_test, y_test):
    """One line of listOfModelAccuracy. A candidate that fails is listed with its error rather
    than failing the run: the other candidates may still be good."""
    started = time.perf_counter()
    try:
        pipeline.fit(X_train, y_train)
        fit_seconds = time.perf_counter() - started
        score = float(get_scorer(scoring)(pipeline, X_test, y_test))
    except Exception as e:
        return {"name": name, "score": None,
                "fitTimeSeconds": time.perf_counter() - started,
                "error": f"{type(e).__name__}: {' '.join(str(e).split())[:300]}"}
    return {"name": name, "score": score if math.isfinite(score) else None,
            "fitTimeSeconds": fit_seconds}


def best_of(scores):
    """The name of the highest-scoring candidate; ties go to the one listed first."""
    scored = [s for s in scores if s["score"] is not None]
    if not scored:
        causes = "; ".join(f"{s['name']}: {s.get('error', 'no finite score')}" for s in scores)
        raise TrainingFailure("fit", f"every candidate failed: {causes}")
    return max(scored, key=lambda s: s["score"])["name"]


def best_metrics(problem, pipeline, X_test, y_test):
    """Accuracy and macro-averaged precision, or MAE and RMSE, of the best model on the held-out
    part. Macro precision is defined for any number of classes and any label type."""
    predicted = pipeline.predict(X_test)
    if problem == "classification":
        return {"accuracy": float(accuracy_score(y_test, predicted)),
                "precision": float(precision_score(y_test, predicted, average="macro",
                                                   zero_division=0))}
    return {"mae": float(mean_absolute_error(y_test, predicted)),
            "rmse": float(np.sqrt(mean_squared_error(y_test, predicted)))}


def save(path, pipeline, features, target, problem, algorithm, model_name, version):
    """Writes the model atomically: a half-written file never sits at `path`.

    The file holds a dict: "estimator" (the fitted Pipeline; predict(df[features])),
    "features", "target", "problemType", "algorithm", "modelName", "version", "sklearnVersion".
    """
    directory = os.path.dirname(os.path.abspath(path))
    bundle = {
        "estimator": pipeline,
        "features": list(features),
        "target": target,
        "problemType": problem,
        "algorithm": algorithm,
        "modelName": model_name,
        "version": version,
        "sklearnVersion": sklearn.__version__,
    }
    try:
        os.makedirs(directory, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=".model-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as f:
                joblib.dump(bundle, f)
            os.replace(partial, path)
        except BaseException:
            os.unlink(partial)
            raise
    except OSError as e:
        raise TrainingFailure("save", f"cannot write the model to {path}: {e.strerror or e}") from e


def _one_hot():
    # scikit-learn renamed `sparse` to `sparse_output` in 1.2; accept either generation.
    try:
        return OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    except TypeError:
        return OneHotEncoder(handle_unknown="ignore", sparse=False)
