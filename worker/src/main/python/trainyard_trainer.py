"""Trainyard's training program: one workflow run, inside the worker's sandbox.

    /usr/bin/python3 trainyard_trainer.py <spec.json>
    /usr/bin/python3 trainyard_trainer.py --catalog

The spec (written by the worker, see io.trainyard.worker.internal.training.TrainerInvocation):

    datasetPath              CSV file with a header row (comma-separated, UTF-8 or Latin-1)
    preprocessingScriptPath  optional; a Python file defining preprocess(df) -> DataFrame
    problemType              classification | regression
    targetVariable           the column to predict (after preprocess)
    algorithms               optional list of names from trainyard_catalog; empty means all
    scoring                  optional scikit-learn scorer name from trainyard_catalog
    testSize                 held-out fraction, 0 < testSize < 1 (default 0.2)
    randomSeed               seeds the split and every randomised estimator (default 42)
    outputModelPath          where the best model is saved (joblib); its directory must be writable
    binaryPath               optional; reported as binaryPath instead of outputModelPath
    modelName, modelVersion  recorded in the saved model and the result
    eventsPath               optional; every event is also appended to this file, as it happens

Stdout carries only JSON lines, one event each:

    {"event":"progress","stage":"read_data"|"preprocess"|"validate"|"split"|"save","at":epochMillis}
    {"event":"progress","stage":"fit","k":2,"n":7,"algorithm":"random_forest"}
    {"event":"result","listOfModelAccuracy":[{"name","score","fitTimeSeconds"[,"error"]}],
     "best":{"name","accuracy","precision"} | {"name","mae","rmse"},"scoring":...,
     "dataSize":[rows,columns],"binaryPath":...,"version":...,"modelName":...}
    {"event":"error","stage":...,"message":...}

Exit status: 0 with a result, 2 for bad input (the error names the cause), 1 for anything else.
Anything the user's script or a library prints goes to stderr. Nothing here uses the network or
writes outside the output model's directory.
"""

import json
import sys
import time

# The program directory is read-only in the sandbox; do not try to cache bytecode there.
sys.dont_write_bytecode = True

from trainyard_failure import TrainingFailure  # noqa: E402 (after the bytecode switch)

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


class Events:
    """The JSON-lines channel: the real stdout (sys.stdout itself is pointed at stderr) and, once
    the spec names one, a file the worker reads while the run is still going."""

    def __init__(self, out):
        self.out = out
        self.file = None
        self.stage = "spec"

    def also_to(self, path):
        try:
            self.file = open(path, "a", encoding="utf-8")
        except OSError as e:
            print(f"trainyard: cannot write events to {path}: {e}", file=sys.stderr)

    def progress(self, stage, **extra):
        self.stage = stage
        # "at" (epoch milliseconds) lets the worker tell how long the start-up took.
        self.emit({"event": "progress", "stage": stage, "at": int(time.time() * 1000), **extra})

    def emit(self, event):
        # allow_nan=False: NaN is not JSON; scores are made finite or null before they get here.
        line = json.dumps(event, allow_nan=False) + "\n"
        self.out.write(line)
        self.out.flush()
        if self.file is not None:
            try:
                self.file.write(line)
                self.file.flush()
            except OSError:
                self.file = None  # stdout stays complete; only live progress is lost


def read_spec(path):
    try:
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
    except OSError as e:
        raise TrainingFailure("spec", f"cannot read the spec {path}: {e.strerror or e}") from e
    except ValueError as e:
        raise TrainingFailure("spec", f"the spec {path} is not valid JSON: {e}") from e
    if not isinstance(spec, dict):
        raise TrainingFailure("spec", "the spec must be a JSON object")
    for field in ("datasetPath", "problemType", "targetVariable", "outputModelPath"):
        if not isinstance(spec.get(field), str) or not spec[field]:
            raise TrainingFailure("spec", f"the spec has no {field}")
    test_size = spec.get("testSize", 0.2)
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)) \
            or not 0 < test_size < 1:
        raise TrainingFailure("spec", f"testSize must be a number between 0 and 1, not {test_size!r}")
    seed = spec.get("randomSeed", 42)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 32:
        raise TrainingFailure("spec", f"randomSeed must be an integer in [0, 2^32), not {seed!r}")
    algorithms = spec.get("algorithms") or []
    if not isinstance(algorithms, list) or not all(isinstance(a, str) for a in algorithms):
        raise TrainingFailure("spec", "algorithms must be a list of names")
    spec["testSize"] = float(test_size)
    spec["randomSeed"] = seed
    spec["algorithms"] = algorithms
    return spec


def train(spec, events):
    import trainyard_catalog as catalog
    import trainyard_data as data
    import trainyard_model as model

    problem = catalog.problem_type(spec["problemType"])
    candidates = catalog.algorithms(problem, spec["algorithms"])
    scoring = catalog.scoring(problem, spec.get("scoring"))
    target = spec["targetVariable"]
    seed = spec["randomSeed"]

    events.progress("read_data")
    df = data.read_dataset(spec["datasetPath"])

    script = spec.get("preprocessingScriptPath")
    if script:
        events.progress("preprocess")
        df = data.run_preprocess(data.load_preprocess(script), df, script)

    events.progress("validate")
    X, y = data.features_and_target(df, target, problem)
    data_size = [int(X.shape[0]), int(X.shape[1]) + 1]

    events.progress("split")
    X_train, X_test, y_train, y_test = data.split(X, y, problem, spec["testSize"], seed)

    scores, fitted = [], {}
    for k, (name, make) in enumerate(candidates, start=1):
        events.progress("fit", k=k, n=len(candidates), algorithm=name)
        pipeline = model.candidate(X, make(seed))
        scores.append(model.fit_and_score(name, pipeline, scoring, X_train, y_train, X_test, y_test))
        if scores[-1]["score"] is not None:
            fitted[name] = pipeline
    best = model.best_of(scores)

    events.progress("save")
    model.save(spec["outputModelPath"], fitted[best], X.columns, target, problem, best,
               spec.get("modelName"), spec.get("modelVersion"))

    events.emit({
        "event": "result",
        "listOfModelAccuracy": scores,
        "best": {"name": best, **model.best_metrics(problem, fitted[best], X_test, y_test)},
        "scoring": scoring,
        "problemType": problem,
        "targetVariable": target,
        "dataSize": data_size,
        "binaryPath": spec.get("binaryPath") or spec["outputModelPath"],
        "version": spec.get("modelVersion"),
        "modelName": spec.get("modelName"),
    })


def main(argv):
    events = Events(sys.stdout)
    sys.stdout = sys.stderr
    if len(argv) != 2:
        events.emit({"event": "error", "stage": "spec",
                     "message": "usage: trainyard_trainer.py <spec.json> | --catalog"})
        return EXIT_BAD_INPUT
    try:
        if argv[1] == "--catalog":
            import trainyard_catalog
            events.emit({"event": "catalog", **trainyard_catalog.describe()})
            return 0
        spec = read_spec(argv[1])
        if spec.get("eventsPath"):
            events.also_to(spec["eventsPath"])
        train(spec, events)
        return 0
    except TrainingFailure as failure:
        events.emit({"event": "error", "stage": failure.stage, "message": failure.message})
        return EXIT_BAD_INPUT
    except MemoryError:
        events.emit({"event": "error", "stage": events.stage,
                     "message": "out of memory: the data or the models do not fit the run's memory limit"})
        return EXIT_INTERNAL
    except Exception as e:
        import traceback
        traceback.print_exc()
        events.emit({"event": "error", "stage": events.stage,
                     "message": f"internal error: {type(e).__name__}: {' '.join(str(e).split())[:500]}"})
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main(sys.argv))
