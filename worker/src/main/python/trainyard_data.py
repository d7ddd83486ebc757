"""Getting from a dataset file to a train/test split: read, preprocess, check the target, split.

Every check raises TrainingFailure with the stage it belongs to and a message a user can act on.
"""

import contextlib
import math
import sys
import traceback

import pandas as pd
from pandas.api import types as ptypes
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import type_of_target

from trainyard_failure import TrainingFailure

# Below this many rows (with a target value) no held-out score means anything.
MIN_ROWS = 10

_SNIFF_BYTES = 8192

# A numeric classification target with more distinct values than this, each seen fewer than
# _ROWS_PER_CLASS times on average, is refused as a quantity.
_MANY_CLASSES = 20
_ROWS_PER_CLASS = 5


def read_dataset(path):
    """Reads a comma-separated file with a header row; anything else fails at read_data."""
    try:
        with open(path, "rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError as e:
        raise TrainingFailure("read_data", f"cannot read the dataset: {e.strerror or e}") from e
    if not head.strip():
        raise TrainingFailure("read_data", "the dataset is empty")
    if b"\x00" in head:
        raise TrainingFailure(
            "read_data",
            "the dataset is not a CSV file: it holds binary data "
            "(a spreadsheet, archive or pickle?); upload it as comma-separated text")
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first in (b"{", b"[", b"<"):
        kind = "JSON" if first in (b"{", b"[") else "XML or HTML"
        raise TrainingFailure(
            "read_data", f"the dataset is not a CSV file: it looks like {kind}")
    try:
        try:
            df = pd.read_csv(path, encoding="utf-8")
        except UnicodeDecodeError:
            df = pd.read_csv(path, encoding="latin-1")
    except pd.errors.EmptyDataError as e:
        raise TrainingFailure("read_data", "the dataset has no header row") from e
    except (pd.errors.ParserError, ValueError) as e:
        raise TrainingFailure("read_data", f"the dataset is not a valid CSV file: {_one_line(e)}") from e
    except OSError as e:
        raise TrainingFailure("read_data", f"cannot read the dataset: {e.strerror or e}") from e
    return df


def load_preprocess(path):
    """Compiles the user's script and returns its `preprocess(df) -> df` function.

    The script is compiled from its text rather than imported, so no bytecode is written next to
    it (the resource store is read-only in the sandbox) and its name need not end in .py.
    """
    try:
        with open(path, "rb") as f:
            source = f.read()
    except OSError as e:
        raise TrainingFailure(
            "preprocess", f"cannot read the preprocessing script: {e.strerror or e}") from e
    namespace = {"__name__": "trainyard_preprocess", "__file__": path}
    try:
        code = compile(source, path, "exec")
    except SyntaxError as e:
        raise TrainingFailure(
            "preprocess",
            f"the preprocessing script has a syntax error: {e.msg} (line {e.lineno})") from e
    with contextlib.redirect_stdout(sys.stderr):
        try:
            exec(code, namespace)
        except Exception as e:
            raise TrainingFailure(
                "preprocess",
                f"the preprocessing script raised {_describe(e, path)} while loading") from e
    function = namespace.get("preprocess")
    if not callable(function):
        raise TrainingFailure(
            "preprocess",
            "the preprocessing script defines no function preprocess(df) returning a DataFrame")
    return function


def run_preprocess(function, df, path):
    """Applies the user's function; its prints go to stderr so stdout stays the event stream."""
    with contextlib.redirect_stdout(sys.stderr):
        try:
            result = function(df)
        except Exception as e:
            raise TrainingFailure(
                "preprocess", f"preprocess(df) raised {_describe(e, path)}") from e
    if not isinstance(result, pd.DataFrame):
        raise TrainingFailure(
            "preprocess",
            f"preprocess(df) returned {type(result).__name__}, not a pandas DataFrame")
    return result


def features_and_target(df, target, problem):
    """Splits off the target column after checking it suits the problem type."""
    if target not in df.columns:
        shown = ", ".join(map(str, list(df.columns)[:20]))
        more = f" (and {len(df.columns) - 20} more)" if len(df.columns) > 20 else ""
        raise TrainingFailure(
            "validate", f"target column {target!r} is not in the data; columns are: {shown}{more}")
    missing = int(df[target].isna().sum())
    if missing:
        print(f"trainyard: dropped {missing} rows without a value for {target!r}", file=sys.stderr)
        df = df[df[target].notna()]
    if len(df) < MIN_ROWS:
        raise TrainingFailure(
            "validate",
            f"too few rows: {len(df)} with a value for {target!r}; training needs at least {MIN_ROWS}")
    y = df[target]
    X = df.drop(columns=[target])
    if X.shape[1] == 0:
        raise TrainingFailure("validate", f"the data has no feature columns besides {target!r}")
    if problem == "classification":
        _check_classification_target(y, target)
    else:
        _check_regression_target(y, target)
    return X, y


def split(X, y, problem, test_size, seed):
    """Holds out test_size of the rows; stratified by class for classification when every class
    has at least two rows and each part can hold one row of every class."""
    n = len(X)
    n_test = math.ceil(test_size * n)
    if n - n_test < 2:
        raise TrainingFailure(
            "split",
            f"too few rows: testSize {test_size} of {n} rows leaves {n - n_test} to train on")
    stratify = None
    if problem == "classification":
        counts = y.value_counts()
        if counts.min() >= 2 and n_test >= len(counts) and n - n_test >= len(counts):
            stratify = y
    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=stratify)


def _check_classification_target(y, target):
    if ptypes.is_float_dtype(y) and type_of_target(y) == "continuous":
        examples = ", ".join(str(v) for v in y[y != y.round()].unique()[:3])
        raise TrainingFailure(
            "validate",
            f"target {target!r} holds continuous values (e.g. {examples}); classification needs "
            "class labels: use problemType regression, or bin the target in preprocess")
    classes = y.unique()
    if ptypes.is_numeric_dtype(y) and not ptypes.is_bool_dtype(y) and len(classes) > _MANY_CLASSES \
            and len(y) < _ROWS_PER_CLASS * len(classes):
        # Whole numbers pass the continuous check (a count, a price in dollars): so many of
        # them, so rarely repeated, are a quantity rather than class labels.
        raise TrainingFailure(
            "validate",
            f"target {target!r} holds {len(classes)} distinct numbers in {len(y)} rows, too many to be "
            "class labels; use problemType regression, or bin the target in preprocess")
    if len(classes) < 2:
        raise TrainingFailure(
            "validate",
            f"target {target!r} has a single class ({classes[0]!r}); classification needs two or more")


def _check_regression_target(y, target):
    if ptypes.is_bool_dtype(y) or not ptypes.is_numeric_dtype(y):
        examples = ", ".join(repr(v) for v in y.unique()[:3])
        raise TrainingFailure(
            "validate",
            f"target {target!r} is not numeric (e.g. {examples}); regression needs numbers: "
            "use problemType classification, or encode the target in preprocess")


def _describe(error, path):
    """`ValueError: bad value (line 7)`: the exception and the script line it came from."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == path:
            line = frame.lineno
    where = f" (line {line})" if line is not None else ""
    return f"{type(error).__name__}: {_one_line(error)}{where}"


def _one_line(error):
    text = " ".join(str(error).split())
    return text[:500] if text else type(error).__name__
