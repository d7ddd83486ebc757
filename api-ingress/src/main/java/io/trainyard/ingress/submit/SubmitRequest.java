package io.trainyard.ingress.submit;

import io.trainyard.common.job.JobType;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * A validated request to run something, in any dialect.
 *
 * @param dialect which API it came through (mlw, chorus, maiascore), for metrics
 * @param startDate when the client wants it to start; null for "now"
 * @param propertiesJson the task's {@code properties} as a JSON array
 * @param extra further task fields a dialect keeps (e.g. {@code testSize} for workflows)
 */
public record SubmitRequest(
        String tenant,
        String dialect,
        String name,
        JobType type,
        Recurrence recurrence,
        String cronExpression,
        ZoneId timeZone,
        Instant startDate,
        String projectId,
        String projectName,
        String resourceId,
        long timeoutSeconds,
        String propertiesJson,
        Map<String, String> extra) {

    public SubmitRequest {
        extra = Map.copyOf(extra);
    }
}
