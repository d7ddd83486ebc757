"""The candidate algorithms and scoring metrics a workflow may name, per problem type.

The Java side (io.trainyard.worker.internal.training.TrainingCatalog) validates workflow resources against
the same names; `trainyard_trainer.py --catalog` prints this table so a test keeps the two equal.
"""

from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from trainyard_failure import TrainingFailure

# name -> factory(seed). Every estimator that draws random numbers gets the workflow's seed, so a
# rerun of the same workflow on the same data reports the same scores.
ALGORITHMS = {
    "classification": {
        "logistic_regression": lambda seed: LogisticRegression(max_iter=2000, random_state=seed),
        "random_forest": lambda seed: RandomForestClassifier(random_state=seed),
        "gradient_boosting": lambda seed: GradientBoostingClassifier(random_state=seed),
        "decision_tree": lambda seed: DecisionTreeClassifier(random_state=seed),
        "knn": lambda seed: KNeighborsClassifier(),
        "svm": lambda seed: SVC(random_state=seed),
        "naive_bayes": lambda seed: GaussianNB(),
    },
    "regression": {
        "linear_regression": lambda seed: LinearRegression(),
        "ridge": lambda seed: Ridge(random_state=seed),
        "lasso": lambda seed: Lasso(max_iter=10000, random_state=seed),
        "random_forest_regressor": lambda seed: RandomForestRegressor(random_state=seed),
        "gradient_boosting_regressor": lambda seed: GradientBoostingRegressor(random_state=seed),
        "knn_regressor": lambda seed: KNeighborsRegressor(),
        "decision_tree_regressor": lambda seed: DecisionTreeRegressor(random_state=seed),
    },
}

# scikit-learn scorer names; all are "greater is better" (errors are negated), so the best
# candidate is always the one with the highest score. The first one is the default.
SCORING = {
    "classification": [
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "f1_weighted",
        "precision_macro",
        "recall_macro",
    ],
    "regression": [
        "r2",
        "neg_mean_absolute_error",
        "neg_mean_squared_error",
        "neg_root_mean_squared_error",
    ],
}

PROBLEM_TYPES = tuple(ALGORITHMS)


def problem_type(value):
    """The canonical problem type; MLW shows it capitalised ("Classification"), so case is ignored."""
    name = str(value).strip().lower() if value is not None else ""
    if name not in ALGORITHMS:
        raise TrainingFailure(
            "spec", f"unknown problemType {value!r}; expected one of: {', '.join(PROBLEM_TYPES)}")
    return name


def algorithms(problem, names):
    """The (name, unfitted-estimator factory) pairs to try; an empty or missing list means all."""
    known = ALGORITHMS[problem]
    if not names:
        return list(known.items())
    chosen = []
    for name in names:
        if name not in known:
            raise TrainingFailure(
                "spec",
                f"unknown algorithm {name!r} for {problem}; known: {', '.join(known)}")
        if name in dict(chosen):
            raise TrainingFailure("spec", f"algorithm {name!r} is listed twice")
        chosen.append((name, known[name]))
    return chosen


def scoring(problem, name):
    """The scorer name to rank candidates by; None means the problem type's default."""
    if name is None or name == "":
        return SCORING[problem][0]
    if name not in SCORING[problem]:
        raise TrainingFailure(
            "spec",
            f"unknown scoring {name!r} for {problem}; known: {', '.join(SCORING[problem])}")
    return name


def describe():
    """The catalog as plain data, for `--catalog`."""
    return {
        problem: {"algorithms": list(ALGORITHMS[problem]), "scoring": list(SCORING[problem])}
        for problem in PROBLEM_TYPES
    }
