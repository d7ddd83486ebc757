package io.trainyard.ingress.internal.submit;

import io.trainyard.common.job.JobType;
import io.trainyard.common.schedule.ScheduleTiming;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * A validated request to run something, in any dialect.
 *
 * @param dialect which API it came through (mlw, chorus, maiascore), for metrics
 * @param startDate when the client wants it to start; null for "now"
 * @param schedule when a REPEAT task fires (validated by the scheduler's rules); null for ONE_TIME
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
        ScheduleTiming schedule,
        String projectId,
        String projectName,
        String resourceId,
        long timeoutSeconds,
        String propertiesJson,
        Map<String, String> extra) {

    public SubmitRequest {
        if ((recurrence == Recurrence.REPEAT) != (schedule != null)) {
            throw new IllegalArgumentException("a REPEAT request needs a schedule, a ONE_TIME one none");
        }
        extra = Map.copyOf(extra);
    }

    /**
     * A ONE_TIME request whose start lies after {@code nowMillis}: the scheduler holds it as a
     * one-shot schedule until then instead of it being queued at once.
     */
    public boolean heldUntilStart(long nowMillis) {
        return recurrence == Recurrence.ONE_TIME && startDate != null && startDate.toEpochMilli() > nowMillis;
    }

    /** The same request with the task's {@code properties} (a JSON array) set, e.g. a workflow's. */
    public SubmitRequest withProperties(String json) {
        return new SubmitRequest(tenant, dialect, name, type, recurrence, cronExpression, timeZone, startDate, schedule,
                projectId, projectName, resourceId, timeoutSeconds, json, extra);
    }
}
