package io.trainyard.ingress.internal.ui;

import io.trainyard.common.job.RunRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run on the task page, with its captured output; for a training, the candidates' scores,
 * the chosen model, its metrics and the saved model's resource id.
 */
public record RunView(String id, String status, String attempt, String worker, String queuedAt, String startedAt,
                      String completedAt, String exitCode, String message, String stdout, String stderr,
                      String scores, String bestModel, Map<String, String> metrics, String modelResourceId,
                      String modelName) {
    /** The metrics a training reports, in the order shown. */
    private static final String[] METRICS = {"scoring", "accuracy", "precision", "mae", "rmse", "version"};

    static RunView of(Map<String, String> run, Map<String, String> output) {
        Map<String, String> metrics = new LinkedHashMap<>();
        for (String name : METRICS) {
            String value = run.get(name);
            if (value != null && !value.isBlank()) {
                metrics.put(name, value);
            }
        }
        return new RunView(run.get(RunRecord.ID), run.getOrDefault(RunRecord.STATUS, ""), run.getOrDefault(RunRecord.ATTEMPT, ""),
                run.getOrDefault(RunRecord.WORKER_ID, ""), Times.millis(run.get(RunRecord.QUEUED_AT)),
                Times.millis(run.get(RunRecord.EXECUTED_AT)), Times.millis(run.get(RunRecord.COMPLETED_AT)),
                run.getOrDefault(RunRecord.EXIT_CODE, ""), run.getOrDefault(RunRecord.MESSAGE, ""),
                output.getOrDefault("stdout", ""), output.getOrDefault("stderr", ""),
                run.getOrDefault("listOfModelAccuracy", ""), run.getOrDefault("bestModel", ""), metrics,
                run.getOrDefault("modelResourceID", ""), run.getOrDefault("modelName", ""));
    }

    public boolean active() {
        return "QUEUED".equals(status) || "RUNNING".equals(status);
    }
}
