package io.trainyard.worker.internal.training;

/**
 * A workflow whose inputs are not there when it runs (a deleted dataset or script resource).
 * Every attempt would meet it again: the run fails at once, naming the stage and the resource.
 */
final class TrainingInputException extends Exception {
    private final String stage;

    public TrainingInputException(String stage, String message) {
        super("Training failed at " + stage + ": " + message);
        this.stage = stage;
    }

    /** The trainer stage the input belongs to: {@code read_data} or {@code preprocess}. */
    public String stage() {
        return stage;
    }
}
