package io.trainyard.worker.internal.poll;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.trainyard.common.flow.FlowKeys;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.json.Json;
import io.trainyard.common.resource.ResourceFiles;
import java.io.IOException;

/**
 * Turns a record's value into a {@link JobMessage}, or names why it is poison: not JSON, not the
 * schema's shape, a schema version this worker does not know, a missing or unsafe id.
 * (The rules are those of {@code job-message.schema.json}.)
 */
final class JobDecoder {
    /** Tenants are ids of at most this many characters. */
    private static final int MAX_TENANT_LENGTH = 64;
    /** The shared codec, except that the schema's optional numbers (timeout, attempt, createdAt) may be absent. */
    private static final ObjectReader READER = Json.MAPPER.copy()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).readerFor(JobMessage.class);

    /** A decoded record. */
    public sealed interface Decoded {
        record Job(JobMessage job) implements Decoded {}
        record Poison(String reason) implements Decoded {}
    }

    private JobDecoder() {}

    public static Decoded decode(byte[] value) {
        if (value == null || value.length == 0) {
            return new Decoded.Poison("empty record value");
        }
        JobMessage job;
        try {
            job = READER.readValue(value);
        } catch (IOException e) {
            return new Decoded.Poison("not a job message: " + firstLine(e.getMessage()));
        }
        if (job == null) {
            return new Decoded.Poison("not a job message: null");
        }
        String problem = problem(job);
        if (problem != null) {
            return new Decoded.Poison(problem);
        }
        // Version 1 has no flow-control fields: a producer's stray field of that name means nothing.
        return new Decoded.Job(job.schemaVersion() == 1 ? job.withoutFlowFields() : job);
    }

    private static String problem(JobMessage job) {
        if (job.schemaVersion() == 0) {
            return "missing schemaVersion";
        }
        if (job.schemaVersion() < JobMessage.MIN_SCHEMA_VERSION || job.schemaVersion() > JobMessage.SCHEMA_VERSION) {
            return "unsupported schemaVersion " + job.schemaVersion() + " (this worker reads "
                    + JobMessage.MIN_SCHEMA_VERSION + " to " + JobMessage.SCHEMA_VERSION + ")";
        }
        if (job.concurrencyKey() != null && !FlowKeys.isKey(job.concurrencyKey())) {
            return "unsafe concurrencyKey";
        }
        if (!ResourceFiles.hasIdShape(job.tenant(), MAX_TENANT_LENGTH)) {
            return job.tenant() == null ? "missing tenant" : "unsafe tenant";
        }
        if (job.runId() == null || !ResourceFiles.isSafeId(job.runId())) {
            return job.runId() == null ? "missing runId" : "unsafe runId";
        }
        if (job.taskId() == null || !ResourceFiles.isSafeId(job.taskId())) {
            return job.taskId() == null ? "missing taskId" : "unsafe taskId";
        }
        if (job.type() == null) {
            return "missing type";
        }
        if (job.timeoutSeconds() < 0 || job.attempt() < 0 || job.createdAt() < 0) {
            return "negative timeoutSeconds, attempt or createdAt";
        }
        if ((job.pipelineId() != null || job.step() != null)
                && !(ResourceFiles.isSafeId(job.pipelineId()) && ResourceFiles.isSafeId(job.step()))) {
            return "pipelineId and step must both be present and safe";
        }
        boolean hasResource = job.projectId() != null || job.resourceId() != null;
        if (hasResource && !(ResourceFiles.isSafeId(job.projectId()) && ResourceFiles.isSafeId(job.resourceId()))) {
            return "projectId and resourceId must both be present and safe";
        }
        return switch (job.type()) {
            case CODE -> job.script() == null && !hasResource ? "CODE job needs a script or a projectId and resourceId" : null;
            case WORKFLOW -> hasResource ? null : "WORKFLOW job needs a projectId and resourceId";
            case NOOP -> null;
        };
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int cut = text.indexOf('\n');
        String line = cut < 0 ? text : text.substring(0, cut);
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}
