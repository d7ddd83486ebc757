package io.trainyard.worker.internal.run;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.RunRecord;
import java.util.Map;

/**
 * The run record a worker creates for a job that has none yet: a job published straight to
 * Kafka, without the ingress, is first seen by the worker that starts it (see start.lua).
 */
final class NewRuns {
    private NewRuns() {}

    static Map<String, String> recordOf(JobMessage job) {
        return RunRecord.queued(job.runId(), job.taskId(), job.tenant(), job.type(), job.createdAt())
                .with(RunRecord.TASK_NAME, "")
                .withPresent(RunRecord.PROJECT_ID, job.projectId())
                .withPresent(RunRecord.RESOURCE_ID, job.resourceId())
                .withPresent(RunRecord.TIMEOUT_SECONDS, job.timeoutSeconds() > 0 ? Long.toString(job.timeoutSeconds()) : null)
                .fields();
    }
}
