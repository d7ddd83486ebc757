package io.trainyard.common.training;

import java.util.List;
import java.util.Map;

/**
 * The candidate algorithms and scoring metrics a workflow may name, per problem type: the same
 * table as the trainer's {@code trainyard_catalog.py} (a test compares the two), so a workflow
 * resource is refused with a clear message before any job is queued for it.
 */
public final class TrainingCatalog {
    private static final Map<ProblemType, List<String>> ALGORITHMS = Map.of(
            ProblemType.CLASSIFICATION, List.of("logistic_regression", "random_forest", "gradient_boosting",
                    "decision_tree", "knn", "svm", "naive_bayes"),
            ProblemType.REGRESSION, List.of("linear_regression", "ridge", "lasso", "random_forest_regressor",
                    "gradient_boosting_regressor", "knn_regressor", "decision_tree_regressor"));

    /** scikit-learn scorer names, all "greater is better"; the first is the default. */
    private static final Map<ProblemType, List<String>> SCORING = Map.of(
            ProblemType.CLASSIFICATION, List.of("accuracy", "balanced_accuracy", "f1_macro", "f1_weighted",
                    "precision_macro", "recall_macro"),
            ProblemType.REGRESSION, List.of("r2", "neg_mean_absolute_error", "neg_mean_squared_error",
                    "neg_root_mean_squared_error"));

    private TrainingCatalog() {}

    /** Every algorithm for the problem type, in the order the trainer tries them. */
    public static List<String> algorithms(ProblemType type) {
        return ALGORITHMS.get(type);
    }

    public static List<String> scorings(ProblemType type) {
        return SCORING.get(type);
    }

    public static String defaultScoring(ProblemType type) {
        return SCORING.get(type).getFirst();
    }
}
