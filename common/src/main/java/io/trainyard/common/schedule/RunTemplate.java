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
 */
public record RunTemplate(JobType type, String projectId, String resourceId, String taskName, long timeoutSeconds) {
    public RunTemplate {
        Objects.requireNonNull(type, "type");
        if (timeoutSeconds < 0) {
            throw new ScheduleRuleException("timeoutSeconds", timeoutSeconds + " is negative");
        }
    }
}
