"""The training program on real data: every candidate reported, the best model saved, loadable,
and its reported metrics equal to a recomputation on the same split.

    /usr/bin/python3 -m unittest discover -s worker/src/test/python -v
"""

import json
import os
import shutil
import subprocess
import sys
import unittest

import joblib
import numpy as np
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
    precision_score,
)
from sklearn.model_selection import train_test_split

from trainer_fixture import CLASSIFIERS, REGRESSORS, TRAINER, TrainerTestCase

SEED = 11  # the fixture's randomSeed


def held_out(frame, target, stratify=True, test_size=0.2):
    """The trainer's split, recomputed here from the documented rule."""
    X, y = frame.drop(columns=[target]), frame[target]
    _, X_test, _, y_test = train_test_split(
        X, y, test_size=test_size, random_state=SEED, stratify=y if stratify else None)
    return X_test, y_test


class ClassificationTest(TrainerTestCase):
    def test_iris_every_classifier_is_tried_and_the_best_is_accurate(self):
        run, spec = self.train("iris.csv", "classification", "target")
        result = self.assertSucceeded(run)

        self.assertEqual(CLASSIFIERS, [m["name"] for m in result["listOfModelAccuracy"]])
        for line in result["listOfModelAccuracy"]:
            self.assertIsInstance(line["score"], float)
            self.assertGreaterEqual(line["fitTimeSeconds"], 0.0)
        best = result["best"]
        self.assertGreater(best["accuracy"], 0.9)
        self.assertEqual(max(m["score"] for m in result["listOfModelAccuracy"]),
                         next(m["score"] for m in result["listOfModelAccuracy"]
                              if m["name"] == best["name"]))
        self.assertEqual([150, 5], result["dataSize"])
        self.assertEqual(spec["outputModelPath"], result["binaryPath"])
        self.assertEqual("7", result["version"])
        self.assertEqual("accuracy", result["scoring"])

        fits = [e for e in run.events if e.get("stage") == "fit"]
        self.assertEqual([(k, 7) for k in range(1, 8)], [(e["k"], e["n"]) for e in fits])
        self.assertEqual(["read_data", "validate", "split"], run.stages()[:3])
        self.assertEqual("save", run.stages()[-1])

        saved = joblib.load(result["binaryPath"])
        self.assertEqual(["sepal length (cm)", "sepal width (cm)", "petal length (cm)",
                          "petal width (cm)"], saved["features"])
        self.assertEqual("target", saved["target"])
        self.assertEqual(best["name"], saved["algorithm"])
        X_test, y_test = held_out(self.iris, "target")
        predicted = saved["estimator"].predict(X_test[saved["features"]])
        self.assertEqual(best["accuracy"], accuracy_score(y_test, predicted))
        self.assertEqual(best["precision"],
                         precision_score(y_test, predicted, average="macro", zero_division=0))

    def test_breast_cancer_with_preprocessing_chosen_algorithms_and_scoring(self):
        script = self.write("cancer_prep.py", (
            "import pandas as pd\n"
            "def preprocess(df: pd.DataFrame) -> pd.DataFrame:\n"
            "    print('preprocessing', len(df))  # must not reach the event stream\n"
            "    df = df.drop(columns=[c for c in df.columns if c.startswith('worst ')])\n"
            "    df['area ratio'] = df['mean area'] / df['area error']\n"
            "    return df\n"))
        run, spec = self.train("cancer.csv", "classification", "target",
                            preprocessingScriptPath=script, scoring="f1_macro",
                            algorithms=["random_forest", "logistic_regression", "naive_bayes"],
                            binaryPath="resources/p1/model-3")
        result = self.assertSucceeded(run)

        self.assertIn("preprocess", run.stages())
        self.assertIn("preprocessing 569", run.stderr)
        self.assertEqual(["random_forest", "logistic_regression", "naive_bayes"],
                         [m["name"] for m in result["listOfModelAccuracy"]])
        self.assertEqual("resources/p1/model-3", result["binaryPath"])
        self.assertEqual([569, 22], result["dataSize"])

        frame = self.cancer.drop(columns=[c for c in self.cancer.columns if c.startswith("worst ")])
        frame["area ratio"] = frame["mean area"] / frame["area error"]
        X_test, y_test = held_out(frame, "target")
        saved = joblib.load(spec["outputModelPath"])
        self.assertIn("area ratio", saved["features"])
        predicted = saved["estimator"].predict(X_test[saved["features"]])
        best = result["best"]
        self.assertEqual(best["accuracy"], accuracy_score(y_test, predicted))
        self.assertEqual(next(m["score"] for m in result["listOfModelAccuracy"]
                              if m["name"] == best["name"]),
                         f1_score(y_test, predicted, average="macro"))

    def test_text_labels_and_a_categorical_feature(self):
        frame = self.iris.copy()
        frame["target"] = frame["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
        frame["petal size"] = np.where(frame["petal length (cm)"] > 4.5, "large", "small")
        frame.loc[::10, "sepal width (cm)"] = np.nan  # imputed, not fatal
        frame.to_csv(self.path("iris_named.csv"), index=False)

        run, _ = self.train("iris_named.csv", "Classification", "target",
                            algorithms=["naive_bayes", "knn", "decision_tree"])
        result = self.assertSucceeded(run)

        saved = joblib.load(result["binaryPath"])
        sample = frame.drop(columns=["target"]).head(3)
        self.assertEqual(["setosa"] * 3, list(saved["estimator"].predict(sample)))


class RegressionTest(TrainerTestCase):
    def test_diabetes_every_regressor_is_tried_and_metrics_match_the_saved_model(self):
        run, _ = self.train("diabetes.csv", "regression", "target", testSize=0.25)
        result = self.assertSucceeded(run)

        self.assertEqual(REGRESSORS, [m["name"] for m in result["listOfModelAccuracy"]])
        self.assertEqual("r2", result["scoring"])
        best = result["best"]
        self.assertEqual({"name", "mae", "rmse"}, set(best))

        saved = joblib.load(result["binaryPath"])
        X_test, y_test = held_out(self.diabetes, "target", stratify=False, test_size=0.25)
        predicted = saved["estimator"].predict(X_test[saved["features"]])
        self.assertAlmostEqual(best["mae"], mean_absolute_error(y_test, predicted), places=9)
        self.assertAlmostEqual(best["rmse"], float(np.sqrt(mean_squared_error(y_test, predicted))),
                               places=9)
        self.assertGreater(max(m["score"] for m in result["listOfModelAccuracy"]), 0.3)


def system_dirs():
    """Read-only /usr and the top-level library directories, whether links (merged /usr) or not."""
    args = []
    for path in ("/usr", "/bin", "/lib", "/lib64"):
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


@unittest.skipUnless(shutil.which("bwrap"), "bubblewrap is not installed")
class SandboxTest(TrainerTestCase):
    """The worker's layout: the run's directory writable at /work (the working directory), the
    dataset and the program read-only under /trainyard, no network, paths in the spec relative."""

    def test_trains_with_no_network_and_nothing_writable_but_the_run_directory(self):
        work = self.path("work")
        os.makedirs(work, exist_ok=True)
        sandbox = ["bwrap", *system_dirs(),
                   # the loader's cache and Debian's BLAS alternatives, as the worker binds them
                   "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
                   "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
                   "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                   "--unshare-all", "--die-with-parent",
                   "--bind", work, "/work", "--chdir", "/work",
                   "--ro-bind", self.path("iris.csv"), "/trainyard/input/dataset.csv",
                   "--ro-bind", os.path.dirname(TRAINER), "/trainyard/trainer"]
        probe = subprocess.run(sandbox + ["/usr/bin/python3", "-c", "import sklearn"],
                               capture_output=True)
        if probe.returncode != 0:
            self.skipTest(f"bubblewrap cannot create a sandbox here: {probe.stderr!r}")
        with open(os.path.join(work, "trainer-spec.json"), "w") as f:
            json.dump({"datasetPath": "/trainyard/input/dataset.csv", "problemType": "classification",
                       "targetVariable": "target", "outputModelPath": "model/model.joblib",
                       "eventsPath": "trainer-events.jsonl",
                       "algorithms": ["logistic_regression", "random_forest"]}, f)

        completed = subprocess.run(
            sandbox + ["/usr/bin/python3", "/trainyard/trainer/trainyard_trainer.py",
                       "trainer-spec.json"], capture_output=True, text=True, timeout=300)

        self.assertEqual(0, completed.returncode, completed.stdout + completed.stderr)
        self.assertEqual("model/model.joblib", json.loads(completed.stdout.splitlines()[-1])["binaryPath"])
        self.assertEqual(["model", "trainer-events.jsonl", "trainer-spec.json"], sorted(os.listdir(work)))
        self.assertEqual(["model.joblib"], os.listdir(os.path.join(work, "model")))
        with open(os.path.join(work, "trainer-events.jsonl")) as f:
            self.assertEqual(completed.stdout, f.read())
        self.assertIn("predict", dir(joblib.load(os.path.join(work, "model", "model.joblib"))["estimator"]))


class CatalogTest(unittest.TestCase):
    def test_the_catalog_lists_every_algorithm_by_problem_type(self):
        completed = subprocess.run([sys.executable, TRAINER, "--catalog"],
                                   capture_output=True, text=True, timeout=120)
        self.assertEqual(0, completed.returncode, completed.stderr)
        catalog = json.loads(completed.stdout)
        self.assertEqual(CLASSIFIERS, catalog["classification"]["algorithms"])
        self.assertEqual(REGRESSORS, catalog["regression"]["algorithms"])
        self.assertEqual("accuracy", catalog["classification"]["scoring"][0])
        self.assertEqual("r2", catalog["regression"]["scoring"][0])


if __name__ == "__main__":
    unittest.main()
