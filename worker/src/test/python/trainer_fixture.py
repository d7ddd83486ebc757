"""What the trainer tests share: datasets exported from scikit-learn, and a real trainer process.

TRAINYARD_TRAINER may name the trainyard_trainer.py to test (the worker's IT passes the copy it
extracted from the jar); by default it is the one in src/main/python. Every run goes through a
real subprocess, as in the sandbox: the contract is the exit status and the JSON lines.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINER = os.environ.get("TRAINYARD_TRAINER") or os.path.normpath(
    os.path.join(HERE, "..", "..", "main", "python", "trainyard_trainer.py"))

CLASSIFIERS = ["logistic_regression", "random_forest", "gradient_boosting", "decision_tree",
               "knn", "svm", "naive_bayes"]
REGRESSORS = ["linear_regression", "ridge", "lasso", "random_forest_regressor",
              "gradient_boosting_regressor", "knn_regressor", "decision_tree_regressor"]


class Run:
    """One finished trainer process: exit status, parsed events, stderr."""

    def __init__(self, completed):
        self.code = completed.returncode
        self.stderr = completed.stderr
        self.events = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]

    @property
    def last(self):
        return self.events[-1]

    def stages(self):
        return [e["stage"] for e in self.events if e["event"] == "progress"]


class TrainerTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="trainyard-trainer-test-")
        cls.iris = load_iris(as_frame=True).frame
        cls.cancer = load_breast_cancer(as_frame=True).frame
        cls.diabetes = load_diabetes(as_frame=True).frame
        for name, frame in [("iris", cls.iris), ("cancer", cls.cancer), ("diabetes", cls.diabetes)]:
            frame.to_csv(cls.path(f"{name}.csv"), index=False)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    @classmethod
    def path(cls, name):
        return os.path.join(cls.workdir, name)

    def write(self, name, content):
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(self.path(name), mode) as f:
            f.write(content)
        return self.path(name)

    def train(self, dataset, problem, target, command=None, **extra):
        out = self.path(f"out-{self.id().rsplit('.', 1)[-1]}")
        spec = {"datasetPath": self.path(dataset), "problemType": problem,
                "targetVariable": target, "outputModelPath": os.path.join(out, "model.joblib"),
                "modelName": "testModel", "modelVersion": "7", "randomSeed": 11, **extra}
        spec_path = self.write(f"spec-{self.id().rsplit('.', 1)[-1]}.json", json.dumps(spec))
        argv = (command or []) + [sys.executable, TRAINER, spec_path]
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=300,
                                   stdin=subprocess.DEVNULL)
        return Run(completed), spec

    def assertSucceeded(self, run):
        self.assertEqual(0, run.code, f"events: {run.events[-1:]}\nstderr: {run.stderr}")
        self.assertEqual("result", run.last["event"])
        return run.last

    def assertFails(self, run, stage, *fragments):
        self.assertEqual(2, run.code, f"events: {run.events}\nstderr: {run.stderr}")
        self.assertEqual("error", run.last["event"])
        self.assertEqual(stage, run.last["stage"], run.last["message"])
        for fragment in fragments:
            self.assertIn(fragment, run.last["message"])
        self.assertFalse(any(e["event"] == "result" for e in run.events))
