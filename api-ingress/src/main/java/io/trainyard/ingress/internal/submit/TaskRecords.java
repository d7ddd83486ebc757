package io.trainyard.ingress.internal.submit;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.RunRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the Redis records (task hash, run hash) and the job message for a submit. */
public final class TaskRecords {
    /** On a ONE_TIME task the scheduler holds until its start: that start, epoch ms. */
    public static final String HELD_UNTIL = "heldUntil";
    /**
     * On a recurring pipeline's task (each fire's run heads an instance of the pipeline): the
     * pipeline document each fire starts, as JSON.
     */
    public static final String PIPELINE_TEMPLATE = "pipelineTemplate";
    /** On a REPEAT task: its schedule's overlap policy (SKIP when absent). */
    public static final String OVERLAP = "overlap";

    private TaskRecords() {}

    public static Map<String, String> task(String taskId, SubmitRequest r, long nowMillis) {
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
        } else if (r.heldUntilStart(nowMillis)) {
            task.put("status", "SCHEDULED");
            task.put(HELD_UNTIL, Long.toString(r.startDate().toEpochMilli()));
        }
        task.putAll(r.extra());
        return task;
    }

    public static Map<String, String> run(String runId, String taskId, SubmitRequest r, long nowMillis) {
        return RunRecord.queued(runId, taskId, r.tenant(), r.type(), nowMillis)
                .with(RunRecord.TASK_NAME, r.name())
                .with(RunRecord.PROJECT_ID, nullToEmpty(r.projectId()))
                .with(RunRecord.RESOURCE_ID, nullToEmpty(r.resourceId()))
                .with(RunRecord.MESSAGE, "Queued")
                .with(RunRecord.ATTEMPT, "0")
                .with(RunRecord.TIMEOUT_SECONDS, Long.toString(r.timeoutSeconds()))
                .fields();
    }

    public static JobMessage job(String runId, String taskId, SubmitRequest r, long nowMillis) {
        return FlowFields.job(runId, taskId, r.tenant(), r.type(), r.projectId(), r.resourceId(), r.timeoutSeconds(),
                nowMillis, r.extra());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
