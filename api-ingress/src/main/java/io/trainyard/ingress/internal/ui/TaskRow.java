package io.trainyard.ingress.internal.ui;

import java.util.Map;

/** One line of the Tasks page. {@code status} is the latest run's, or SCHEDULED / NO RUNS. */
public record TaskRow(String id, String name, String type, String projectName, String recurrence, String status,
                      long runs, String createdAt) {
    static TaskRow of(Map<String, String> task, String latestRunStatus, long runs) {
        String status = latestRunStatus != null ? latestRunStatus
                : "REPEAT".equals(task.get("recurrence")) ? "SCHEDULED" : "NO RUNS";
        return new TaskRow(task.get("id"), task.getOrDefault("name", ""), task.getOrDefault("type", ""),
                task.getOrDefault("projectName", ""), task.getOrDefault("recurrence", ""), status, runs,
                Times.millis(task.get("createdAt")));
    }
}
