package io.trainyard.ingress.internal.mlw;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.json.Json;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders tasks and runs in MLW's shape (seeds 000 and 001). */
final class TaskView {
    private static final String[] TRAINING_NUMBERS = {"accuracy", "precision", "mae", "rmse", "testSize"};
    private static final String[] TRAINING_TEXTS = {"binaryPath", "version", "bestModel", "scoring", "modelName",
        "modelResourceID"};
    /** Run fields holding JSON, rendered as JSON rather than strings. */
    private static final String[] TRAINING_JSON_FIELDS = {"dataSize", "properties"};

    private TaskView() {}

    static Map<String, Object> task(TaskQueries.Loaded loaded) {
        return task(loaded.task(), loaded.runs(), loaded.expiredRuns());
    }

    /** A task with its runs; {@code expiredRuns} of the runs it lists are gone (past the retention window). */
    static Map<String, Object> task(Map<String, String> task, List<Map<String, String>> runs, int expiredRuns) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", task.get("id"));
        view.put("name", task.get("name"));
        view.put("createdAt", MlwTime.format(task.get("createdAt")));
        view.put("sortTime", number(task.get("sortTime")));
        view.put("type", task.get("type"));
        view.put("individualTasks", runs.stream().map(TaskView::run).toList());
        view.put("projectID", task.getOrDefault("projectID", ""));
        view.put("projectName", task.getOrDefault("projectName", ""));
        view.put("resourceID", task.getOrDefault("resourceID", ""));
        Map<String, String> trained = latestWith(runs, "properties");
        if ("WORKFLOW".equals(task.get("type"))) {
            view.put("workflowName", task.getOrDefault("resourceName", ""));
            // The request's testSize when it named one, else what the latest run used (the document's).
            view.put("testSize", number(task.getOrDefault("testSize", latestWith(runs, "testSize").get("testSize"))));
        }
        String[] start = start(task);
        view.put("startDate", start[0]);
        view.put("startTimeH", start[1]);
        view.put("startTimeM", start[2]);
        view.put("timeZone", task.getOrDefault("timeZone", "UTC"));
        // A run that read the data knows dataSize too: the latest such run's properties win.
        view.put("properties", json(trained.getOrDefault("properties", task.get("properties"))));
        view.put("cronExpression", task.getOrDefault("cronExpression", ""));
        view.put("status", TaskStatus.of(task, runs, expiredRuns));
        view.put("recurrence", task.get("recurrence"));
        return view;
    }

    /** One run, as an entry of {@code individualTasks}. */
    static Map<String, Object> run(Map<String, String> run) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", run.get(RunRecord.ID));
        view.put("tasksID", run.get(RunRecord.TASK_ID));
        view.put("taskName", run.getOrDefault(RunRecord.TASK_NAME, ""));
        view.put("type", run.get(RunRecord.TYPE));
        view.put("projectID", run.getOrDefault(RunRecord.PROJECT_ID, ""));
        view.put("status", run.get(RunRecord.STATUS));
        view.put("message", run.getOrDefault(RunRecord.MESSAGE, ""));
        view.put("queuedAt", MlwTime.format(run.get(RunRecord.QUEUED_AT)));
        view.put("executedAt", MlwTime.format(run.get(RunRecord.EXECUTED_AT)));
        view.put("completedAt", MlwTime.format(run.get(RunRecord.COMPLETED_AT)));
        view.put("pID", run.getOrDefault("pID", ""));
        view.put("exitCode", run.containsKey(RunRecord.EXIT_CODE) ? number(run.get(RunRecord.EXIT_CODE)) : null);
        view.put("attempt", number(run.getOrDefault(RunRecord.ATTEMPT, "0")));
        if (run.containsKey("progress")) {
            view.put("progress", run.get("progress"));
        }
        if ("WORKFLOW".equals(run.get(RunRecord.TYPE))) {
            view.put("listOfModelAccuracy", json(run.getOrDefault("listOfModelAccuracy", "[]")));
            for (String field : TRAINING_NUMBERS) {
                if (run.containsKey(field)) {
                    view.put(field, number(run.get(field)));
                }
            }
            for (String field : TRAINING_TEXTS) {
                if (run.containsKey(field)) {
                    view.put(field, run.get(field));
                }
            }
            for (String field : TRAINING_JSON_FIELDS) {
                if (run.containsKey(field)) {
                    view.put(field, json(run.get(field)));
                }
            }
        }
        return view;
    }

    /** One run with its captured output, for {@code GET /tasks/{id}/task/{runId}}. */
    static Map<String, Object> runWithOutput(Map<String, String> run, Map<String, String> output) {
        Map<String, Object> view = run(run);
        view.put("stdout", output.getOrDefault("stdout", ""));
        view.put("stderr", output.getOrDefault("stderr", ""));
        return view;
    }

    /** The latest run that has {@code field}, or an empty map. */
    private static Map<String, String> latestWith(List<Map<String, String>> runs, String field) {
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i).containsKey(field)) {
                return runs.get(i);
            }
        }
        return Map.of();
    }

    private static String[] start(Map<String, String> task) {
        String startDate = task.getOrDefault("startDate", "");
        String when = startDate.isEmpty() ? task.get("createdAt") : startDate;
        try {
            ZoneId zone = ZoneId.of(task.getOrDefault("timeZone", "UTC"));
            return MlwTime.split(Long.parseLong(when), zone);
        } catch (RuntimeException e) {
            return MlwTime.split(0, ZoneOffset.UTC);
        }
    }

    private static Object number(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e2) {
                return value;
            }
        }
    }

    private static JsonNode json(String value) {
        if (value == null || value.isEmpty() || value.equals("[]")) {
            return Json.MAPPER.createArrayNode(); // what most tasks hold: no parser needed
        }
        try {
            return Json.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            return Json.MAPPER.createArrayNode();
        }
    }
}
