package io.trainyard.worker.internal.training;

import java.util.List;

/** One line of the trainer's JSON-lines output: progress, the result, or the error it ended with. */
sealed interface TrainerEvent {

    /**
     * A stage began: {@code read_data}, {@code preprocess}, {@code validate}, {@code split},
     * {@code fit} (candidate {@code k} of {@code n}, named {@code algorithm}) or {@code save}.
     * {@code k} and {@code n} are 0 outside {@code fit}.
     */
    record Progress(String stage, int k, int n, String algorithm) implements TrainerEvent {
        /** What the run shows while it trains, e.g. "read data" or "fit 2 of 5 (random_forest)". */
        public String text() {
            return switch (stage) {
                case "read_data" -> "read data";
                case "validate" -> "validate data";
                case "split" -> "split data";
                case "save" -> "save model";
                case "fit" -> "fit " + k + " of " + n + (algorithm == null ? "" : " (" + algorithm + ")");
                default -> stage;
            };
        }
    }

    /**
     * One candidate's line in {@code listOfModelAccuracy}: its score on the held-out part by the
     * workflow's scoring metric, or null with {@code error} when it could not be fitted.
     */
    record ModelScore(String name, Double score, double fitTimeSeconds, String error) {}

    /**
     * The finished training. Classification fills {@code accuracy} and {@code precision}
     * (macro-averaged), regression {@code mae} and {@code rmse}; the others are null. All four
     * describe the best model on the held-out part.
     *
     * @param dataSize rows and columns (target included) that training used, after preprocessing
     */
    record Result(List<ModelScore> listOfModelAccuracy, String bestModel, Double accuracy, Double precision,
                  Double mae, Double rmse, String scoring, List<Long> dataSize, String binaryPath,
                  String version, String modelName) implements TrainerEvent {
        public Result {
            listOfModelAccuracy = List.copyOf(listOfModelAccuracy);
            dataSize = List.copyOf(dataSize);
        }
    }

    /** Training stopped at {@code stage}; {@code message} names the cause. */
    record Failure(String stage, String message) implements TrainerEvent {
        public String text() {
            return "Training failed at " + stage + ": " + message;
        }
    }
}
