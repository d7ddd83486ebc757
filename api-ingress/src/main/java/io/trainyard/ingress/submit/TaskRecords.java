package io.trainyard.ingress.submit;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.RunStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the Redis records (task hash, run hash) and the job message for a submit. */
final class TaskRecords {
    private TaskRecords() {}

    static Map<String, String> task(String taskId, SubmitRequest r, long nowMillis) {
        Map<String, String> task = new LinkedHashMap<>();
        task.put("id", taskId);
        task.put("name", r.name());
        task.put("tenant", r.tenant());
        task.put("projectID", nullToEmpty(r.projectId()));
        task.put("projectName", nullToEmpty(r.projectName()));
        task.put("resourceID", nullToEmpty(r.resourceId()));
        task.put("type", r.type().name());
        task.put("recurrence", r.recurrence().name());
        task.put("cronExpression", nullToEmpty(r.cronExpression()));
        task.put("timeZone", r.timeZone().getId());
        task.put("startDate", r.startDate() == null ? "" : Long.toString(r.startDate().toEpochMilli()));
        task.put("createdAt", Long.toString(nowMillis));
        task.put("sortTime", Long.toString(nowMillis / 1000));
        task.put("properties", r.propertiesJson());
        task.put("timeoutSeconds", Long.toString(r.timeoutSeconds()));
        task.put("dialect", r.dialect());
        if (r.recurrence() == Recurrence.REPEAT) {
            task.put("status", "SCHEDULED");
        }
        task.putAll(r.extra());
        return task;
    }

    static Map<String, String> run(String runId, String taskId, SubmitRequest r, long nowMillis) {
        Map<String, String> run = new LinkedHashMap<>();
        run.put("id", runId);
        run.put("tasksID", taskId);
        run.put("taskName", r.name());
        run.put("type", r.type().name());
        run.put("projectID", nullToEmpty(r.projectId()));
        run.put("resourceID", nullToEmpty(r.resourceId()));
        run.put("tenant", r.tenant());
        run.put("status", RunStatus.QUEUED.name());
        run.put("message", "Queued");
        run.put("queuedAt", Long.toString(nowMillis));
        run.put("attempt", "0");
        run.put("timeoutSeconds", Long.toString(r.timeoutSeconds()));
        return run;
    }

    static JobMessage job(String runId, String taskId, SubmitRequest r, long nowMillis) {
        return new JobMessage(JobMessage.SCHEMA_VERSION, runId, taskId, r.tenant(), r.type(),
                r.projectId(), r.resourceId(), null, r.timeoutSeconds(), 1, nowMillis);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
