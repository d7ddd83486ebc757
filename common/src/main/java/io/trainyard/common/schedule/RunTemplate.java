package io.trainyard.common.schedule;

import io.trainyard.common.job.JobType;
import java.util.Objects;

/**
 * What each fire of a schedule runs: the fields every run it creates, and its job message, carry.
 *
 * @param type CODE, WORKFLOW or NOOP
 * @param projectId the project holding the resource; may be null for NOOP
 * @param resourceId the script or workflow resource; may be null for NOOP
 * @param taskName the parent task's name, copied onto each run
 * @param timeoutSeconds wall-clock limit per run; 0 means the worker's default
 * @param pipelineHead the fire's run is the head of a recurring pipeline's instance: no job is
 *     published for it; the ingress starts the pipeline's steps and ends the head run when they end,
 *     so the overlap policy, which looks at the task's unfinished runs, covers the whole pipeline;
 *     never null (absent from a record written before it existed: false)
 */
public record RunTemplate(JobType type, String projectId, String resourceId, String taskName, long timeoutSeconds,
                          Boolean pipelineHead) {
    /** What a fire of a recurring task runs: its job. */
    public RunTemplate(JobType type, String projectId, String resourceId, String taskName, long timeoutSeconds) {
        this(type, projectId, resourceId, taskName, timeoutSeconds, false);
    }

    public RunTemplate {
        pipelineHead = Boolean.TRUE.equals(pipelineHead);
        Objects.requireNonNull(type, "type");
        if (timeoutSeconds < 0) {
            throw new ScheduleRuleException("timeoutSeconds", timeoutSeconds + " is negative");
        }
    }
}
