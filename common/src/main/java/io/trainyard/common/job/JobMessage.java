package io.trainyard.common.job;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The record on a jobs topic. Published by the ingress, the scheduler or any Kafka producer that
 * follows {@code job-message.schema.json}; the key is the run id.
 *
 * <p>Schema version 2 adds optional flow-control fields; a version 1 record is read as before
 * (its flow fields, if any, are ignored), so producers written for version 1 keep working.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written here; {@link #MIN_SCHEMA_VERSION} and up are read
 * @param runId the run this message executes; unique
 * @param taskId the parent task
 * @param tenant whose task it is
 * @param type what to run
 * @param projectId the project holding the resource (CODE, WORKFLOW)
 * @param resourceId the script or workflow resource (CODE, WORKFLOW)
 * @param script an inline Python script, instead of a resource (CODE)
 * @param timeoutSeconds wall-clock limit; 0 means the worker's default
 * @param attempt 1 for the first delivery of this run
 * @param createdAt epoch milliseconds when the job was accepted
 * @param priority (v2) {@code high}, {@code normal} or {@code low}; null means normal
 * @param concurrencyKey (v2) the key whose concurrency and rate limits the run counts against; null for none
 * @param pipelineId (v2) the pipeline this run is a step of; null for a job of its own
 * @param step (v2) the step's name in that pipeline; null for a job of its own
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobMessage(
        int schemaVersion,
        String runId,
        String taskId,
        String tenant,
        JobType type,
        String projectId,
        String resourceId,
        String script,
        long timeoutSeconds,
        int attempt,
        long createdAt,
        String priority,
        String concurrencyKey,
        String pipelineId,
        String step) {

    public static final int SCHEMA_VERSION = 2;
    /** The oldest schema version workers still read. */
    public static final int MIN_SCHEMA_VERSION = 1;

    /** A job of its own without flow-control fields (the version 1 shape). */
    public JobMessage(int schemaVersion, String runId, String taskId, String tenant, JobType type, String projectId,
                      String resourceId, String script, long timeoutSeconds, int attempt, long createdAt) {
        this(schemaVersion, runId, taskId, tenant, type, projectId, resourceId, script, timeoutSeconds, attempt,
                createdAt, null, null, null, null);
    }

    /** Whether this run is a step of a pipeline, whose end may start the steps that depend on it. */
    public boolean partOfPipeline() {
        return pipelineId != null && step != null;
    }

    /** The job's priority ({@link Priority#NORMAL} when it names none). */
    public Priority priorityLevel() {
        return Priority.parseOrNormal(priority);
    }

    /** Whether it carries any flow-control field (then its message is kept with its run). */
    public boolean hasFlowFields() {
        return priority != null || concurrencyKey != null;
    }

    /** The same job with the fields a version 1 record cannot carry dropped. */
    public JobMessage withoutFlowFields() {
        return new JobMessage(schemaVersion, runId, taskId, tenant, type, projectId, resourceId, script, timeoutSeconds,
                attempt, createdAt, null, null, pipelineId, step);
    }
}
