package io.trainyard.common.job;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The record on a jobs topic. Published by the ingress, the scheduler or any Kafka producer that
 * follows {@code job-message.schema.json}; the key is the run id.
 *
 * @param schemaVersion always {@link #SCHEMA_VERSION} for this shape
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
        long createdAt) {

    public static final int SCHEMA_VERSION = 1;
}
