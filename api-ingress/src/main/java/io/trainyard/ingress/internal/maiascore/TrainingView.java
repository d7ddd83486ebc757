package io.trainyard.ingress.internal.maiascore;

import io.trainyard.common.job.RunRecord;
import io.trainyard.ingress.internal.maiascore.strapi.FieldKind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training in maiascore's shape. The metrics come from the finished run when it reported them
 * and from the submitted values before that; {@code status} is the latest run's status (an
 * addition: maiascore has none; RECORDED for a training kept as sent, with no workflow to run;
 * CANCELLING between a cancel and the worker's stop of a running run).
 */
final class TrainingView {
    /** The document's fields and their types, for Strapi's filters and sorting. */
    static final Map<String, FieldKind> FIELDS = Map.ofEntries(Map.entry("id", FieldKind.TEXT),
            Map.entry("uuid", FieldKind.TEXT), Map.entry("accuracy", FieldKind.NUMBER),
            Map.entry("precission", FieldKind.NUMBER), Map.entry("mae", FieldKind.NUMBER),
            Map.entry("rmse", FieldKind.NUMBER), Map.entry("binaryPath", FieldKind.TEXT),
            Map.entry("version", FieldKind.TEXT), Map.entry("meta", FieldKind.TEXT),
            Map.entry("published_at", FieldKind.DATE), Map.entry("created_by", FieldKind.TEXT),
            Map.entry("updated_by", FieldKind.TEXT), Map.entry("status", FieldKind.TEXT));

    static final String CANCELLING = "CANCELLING";

    private TrainingView() {}

    static Map<String, Object> of(Map<String, String> task, List<Map<String, String>> runs) {
        Map<String, String> run = runs.isEmpty() ? Map.of() : runs.get(runs.size() - 1);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", task.get("id"));
        view.put("uuid", task.getOrDefault("trainingUuid", ""));
        view.put("accuracy", number(run.getOrDefault("accuracy", task.get("accuracy"))));
        view.put("precission", number(run.getOrDefault("precision", task.get("precission"))));
        view.put("mae", number(run.getOrDefault("mae", task.get("mae"))));
        view.put("rmse", number(run.getOrDefault("rmse", task.get("rmse"))));
        view.put("binaryPath", run.getOrDefault("binaryPath", task.getOrDefault("binaryPath", "")));
        view.put("version", run.getOrDefault("version", task.getOrDefault("version", "")));
        view.put("meta", task.getOrDefault("meta", ""));
        view.put("published_at", iso(task.get("createdAt")));
        view.put("created_by", task.getOrDefault("createdBy", ""));
        view.put("updated_by", task.getOrDefault("updatedBy", task.getOrDefault("createdBy", "")));
        view.put("status", status(task, run));
        return view;
    }

    /** CANCELLING while the worker stops a run that was asked to stop and has not ended yet. */
    private static String status(Map<String, String> task, Map<String, String> run) {
        String status = run.getOrDefault(RunRecord.STATUS, task.getOrDefault("status", "QUEUED"));
        boolean active = "QUEUED".equals(status) || "RUNNING".equals(status);
        return active && "1".equals(run.get(RunRecord.CANCEL_REQUESTED)) ? CANCELLING : status;
    }

    private static Object number(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            double d = Double.parseDouble(value);
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String iso(String epochMillis) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(epochMillis)).toString();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
