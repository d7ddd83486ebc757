package io.trainyard.scheduler.internal.reconcile;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The job of a run, to publish again: the job message its start kept (the record's value, byte
 * for byte), else one rebuilt from the run's record the way the scheduler builds a fire's job
 * (resource, limits, the run's queue time). A rebuilt job carries the next attempt's number, so a
 * worker that counts attempts from the message counts the starts already spent.
 */
record RunJob(String tenant, String runId, String taskId, JobType type, byte[] message) {

    static RunJob of(String tenant, String runId, int attempt, Map<String, String> run) {
        String kept = run.get(RunRecord.JOB);
        // Every run record names its type (the ingress, the scheduler and a worker's start write it).
        JobType type = JobType.valueOf(run.getOrDefault(RunRecord.TYPE, JobType.CODE.name()));
        if (kept != null) {
            return new RunJob(tenant, runId, run.get(RunRecord.TASK_ID), type, kept.getBytes(StandardCharsets.UTF_8));
        }
        JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, run.get(RunRecord.TASK_ID), tenant, type,
                run.get(RunRecord.PROJECT_ID), run.get(RunRecord.RESOURCE_ID), null, number(run.get(RunRecord.TIMEOUT_SECONDS)),
                attempt + 1, number(run.get(RunRecord.QUEUED_AT)));
        return new RunJob(tenant, runId, run.get(RunRecord.TASK_ID), type, Json.write(job));
    }

    String topic() {
        return Topics.jobsTopicFor(type);
    }

    private static long number(String value) {
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }
}
