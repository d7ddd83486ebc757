package io.trainyard.ingress.internal.deadletter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One record of {@code trainyard.jobs.dlq}, as its tenant sees it. {@code id} is
 * {@code partition-offset}; {@code state} is empty while it waits, else REDRIVEN or DISCARDED.
 */
@JsonIgnoreProperties(ignoreUnknown = true) // "waiting" is derived, the console reads the API's JSON back
public record DeadLetter(String id, String tenant, String runId, String taskId, String reason, String attempts,
                         String sourceTopic, String worker, long at, String payload, String state) {
    public boolean waiting() {
        return state.isEmpty();
    }
}
