"""Every kind of bad input ends the trainer with exit status 2 and a final error event that names
the stage and the cause; nothing is saved and no result is reported."""

import os
import unittest

from trainer_fixture import TrainerTestCase

ONE_FAST = {"algorithms": ["decision_tree"]}


class DatasetTest(TrainerTestCase):
    def test_a_binary_file_is_not_a_csv(self):
        self.write("model.pkl", b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00}\x94.")
        run, _ = self.train("model.pkl", "classification", "target", **ONE_FAST)
        self.assertFails(run, "read_data", "not a CSV file", "binary")

    def test_json_is_not_a_csv(self):
        self.write("data.json", '[{"a": 1, "target": 0}, {"a": 2, "target": 1}]\n')
        run, _ = self.train("data.json", "classification", "target", **ONE_FAST)
        self.assertFails(run, "read_data", "not a CSV file", "JSON")

    def test_ragged_rows_are_not_a_valid_csv(self):
        self.write("ragged.csv", "a,target\n1,0\n2,1,9,9\n")
        run, _ = self.train("ragged.csv", "classification", "target", **ONE_FAST)
        self.assertFails(run, "read_data", "not a valid CSV file")

    def test_a_missing_dataset_file(self):
        run, _ = self.train("nowhere.csv", "classification", "target", **ONE_FAST)
        self.assertFails(run, "read_data", "cannot read the dataset", "No such file")

    def test_an_empty_dataset(self):
        self.write("empty.csv", "")
        run, _ = self.train("empty.csv", "classification", "target", **ONE_FAST)
        self.assertFails(run, "read_data", "empty")

    def test_too_few_rows(self):
        self.iris.head(6).to_csv(self.path("tiny.csv"), index=False)
        run, _ = self.train("tiny.csv", "classification", "target", **ONE_FAST)
        self.assertFails(run, "validate", "too few rows", "6", "at least 10")


class TargetTest(TrainerTestCase):
    def test_a_missing_target_column_is_named_with_the_columns_there_are(self):
        run, _ = self.train("iris.csv", "classification", "species", **ONE_FAST)
        self.assertFails(run, "validate", "'species'", "not in the data", "petal width (cm)")

    def test_a_continuous_target_does_not_fit_classification(self):
        run, _ = self.train("iris.csv", "classification", "petal length (cm)", **ONE_FAST)
        self.assertFails(run, "validate", "continuous", "use problemType regression")

    def test_a_whole_number_quantity_does_not_fit_classification(self):
        # diabetes' target is a whole number (disease progression), with 214 values in 442 rows.
        run, _ = self.train("diabetes.csv", "classification", "target", **ONE_FAST)
        self.assertFails(run, "validate", "214 distinct numbers in 442 rows", "use problemType regression")

    def test_a_text_target_does_not_fit_regression(self):
        frame = self.iris.copy()
        frame["target"] = frame["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
        frame.to_csv(self.path("iris_named.csv"), index=False)
        run, _ = self.train("iris_named.csv", "regression", "target",
                            algorithms=["linear_regression"])
        self.assertFails(run, "validate", "not numeric", "'setosa'")

    def test_a_single_class_is_not_a_classification_problem(self):
        self.iris[self.iris["target"] == 0].to_csv(self.path("setosa.csv"), index=False)
        run, _ = self.train("setosa.csv", "classification", "target", **ONE_FAST)
        self.assertFails(run, "validate", "single class")


class SpecTest(TrainerTestCase):
    def test_an_unknown_algorithm_is_named_with_the_known_ones(self):
        run, _ = self.train("iris.csv", "classification", "target",
                            algorithms=["random_forest", "xgboost"])
        self.assertFails(run, "spec", "unknown algorithm 'xgboost'", "logistic_regression")

    def test_a_regression_algorithm_is_unknown_to_classification(self):
        run, _ = self.train("iris.csv", "classification", "target", algorithms=["ridge"])
        self.assertFails(run, "spec", "unknown algorithm 'ridge' for classification")

    def test_an_unknown_problem_type(self):
        run, _ = self.train("iris.csv", "clustering", "target")
        self.assertFails(run, "spec", "unknown problemType 'clustering'")

    def test_an_unknown_scoring(self):
        run, _ = self.train("iris.csv", "classification", "target", scoring="r2")
        self.assertFails(run, "spec", "unknown scoring 'r2' for classification")

    def test_a_test_size_out_of_range(self):
        run, _ = self.train("iris.csv", "classification", "target", testSize=1.5)
        self.assertFails(run, "spec", "testSize")


class PreprocessTest(TrainerTestCase):
    def test_a_script_that_raises_is_reported_with_the_exception_and_line(self):
        script = self.write("raises.py", (
            "def preprocess(df):\n"
            "    ratio = len(df) / 0\n"
            "    return df\n"))
        run, _ = self.train("iris.csv", "classification", "target",
                            preprocessingScriptPath=script, **ONE_FAST)
        self.assertFails(run, "preprocess", "ZeroDivisionError", "division by zero", "line 2")

    def test_a_script_that_raises_a_key_error_names_the_key(self):
        script = self.write("key.py", "def preprocess(df):\n    return df[['no such column']]\n")
        run, _ = self.train("iris.csv", "classification", "target",
                            preprocessingScriptPath=script, **ONE_FAST)
        self.assertFails(run, "preprocess", "KeyError", "no such column")

    def test_a_script_that_fails_while_loading(self):
        script = self.write("import.py", "import no_such_module\ndef preprocess(df):\n    return df\n")
        run, _ = self.train("iris.csv", "classification", "target",
                            preprocessingScriptPath=script, **ONE_FAST)
        self.assertFails(run, "preprocess", "ModuleNotFoundError", "no_such_module", "line 1")

    def test_a_script_with_a_syntax_error(self):
        script = self.write("syntax.py", "def preprocess(df)\n    return df\n")
        run, _ = self.train("iris.csv", "classification", "target",
                            preprocessingScriptPath=script, **ONE_FAST)
        self.assertFails(run, "preprocess", "syntax error", "line 1")

    def test_a_script_without_the_function(self):
        script = self.write("nothing.py", "def prepare(df):\n    return df\n")
        run, _ = self.train("iris.csv", "classification", "target",
                            preprocessingScriptPath=script, **ONE_FAST)
        self.assertFails(run, "preprocess", "no function preprocess(df)")

    def test_a_script_that_returns_no_data_frame(self):
        script = self.write("list.py", "def preprocess(df):\n    return df.values.tolist()\n")
        run, _ = self.train("iris.csv", "classification", "target",
                            preprocessingScriptPath=script, **ONE_FAST)
        self.assertFails(run, "preprocess", "returned list, not a pandas DataFrame")

    def test_a_script_that_drops_the_target(self):
        script = self.write("drop.py", "def preprocess(df):\n    return df.drop(columns=['target'])\n")
        run, _ = self.train("iris.csv", "classification", "target",
                            preprocessingScriptPath=script, **ONE_FAST)
        self.assertFails(run, "validate", "'target' is not in the data")


class OutputTest(TrainerTestCase):
    def test_an_unwritable_output_directory_fails_at_save(self):
        blocker = self.write("a-file", "not a directory")
        run, _ = self.train("iris.csv", "classification", "target",
                            outputModelPath=os.path.join(blocker, "model.joblib"), **ONE_FAST)
        self.assertFails(run, "save", "cannot write the model")


if __name__ == "__main__":
    unittest.main()
