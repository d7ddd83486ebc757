package io.trainyard.common.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run as stored: the fields of its Redis hash ({@code ty:{tenant}:run:<id>}), the one place
 * their names are spelled. The ingress, the worker, the scheduler's fires and its canary create
 * runs through {@link #queued}; the Lua scripts that change a run use the same names (a test,
 * {@code LuaContractTest}, fails when a script writes a run field this class does not name or
 * spells a status {@link RunStatus} does not have).
 */
public final class RunRecord {
    public static final String ID = "id";
    public static final String TASK_ID = "tasksID";
    public static final String TASK_NAME = "taskName";
    public static final String TYPE = "type";
    public static final String TENANT = "tenant";
    public static final String PROJECT_ID = "projectID";
    public static final String RESOURCE_ID = "resourceID";
    public static final String STATUS = "status";
    public static final String MESSAGE = "message";
    public static final String QUEUED_AT = "queuedAt";
    public static final String STARTED_AT = "startedAt";
    public static final String COMPLETED_AT = "completedAt";
    public static final String ATTEMPT = "attempt";
    public static final String EPOCH = "epoch";
    public static final String WORKER_ID = "workerId";
    public static final String LEASE_UNTIL = "leaseUntil";
    public static final String TIMEOUT_SECONDS = "timeoutSeconds";
    public static final String EXIT_CODE = "exitCode";
    public static final String CANCEL_REQUESTED = "cancelRequested";
    public static final String FIRE_TIME = "fireTime";
    public static final String SCHEDULED_BY = "scheduledBy";
    public static final String EXECUTED_AT = "executedAt";
    public static final String REQUEUED_AT = "requeuedAt";
    /** The acquisition (worker, record, delivery) that made the current start; see start.lua. */
    public static final String START_TOKEN = "startToken";
    /** The job message of a run in flight, kept so that the reconciler can publish it again. */
    public static final String JOB = "job";
    /** Where flow control parked a QUEUED run's job (flow.lua): paused, over a rate or over a key's limit. */
    public static final String PARKED = "parked";
    /** On a pipeline's step: the pipeline, and the step's name in it. */
    public static final String PIPELINE_ID = "pipelineId";
    public static final String STEP = "step";

    /** Every field name above. */
    public static final java.util.Set<String> FIELDS = java.util.Set.of(ID, TASK_ID, TASK_NAME, TYPE, TENANT,
            PROJECT_ID, RESOURCE_ID, STATUS, MESSAGE, QUEUED_AT, STARTED_AT, COMPLETED_AT, ATTEMPT, EPOCH,
            WORKER_ID, LEASE_UNTIL, TIMEOUT_SECONDS, EXIT_CODE, CANCEL_REQUESTED, FIRE_TIME, SCHEDULED_BY,
            EXECUTED_AT, REQUEUED_AT, START_TOKEN, JOB, PARKED, PIPELINE_ID, STEP);

    private final Map<String, String> fields;

    private RunRecord(Map<String, String> fields) {
        this.fields = fields;
    }

    /** A stored run's fields, read through typed accessors. */
    public static RunRecord of(Map<String, String> fields) {
        return new RunRecord(fields);
    }

    /** A new run, QUEUED; add what the writer knows with {@link Builder#with}. */
    public static Builder queued(String runId, String taskId, String tenant, JobType type, long queuedAtMillis) {
        return new Builder()
                .with(ID, runId)
                .with(TASK_ID, taskId)
                .with(TENANT, tenant)
                .with(TYPE, type.name())
                .with(STATUS, RunStatus.QUEUED.name())
                .with(QUEUED_AT, Long.toString(queuedAtMillis));
    }

    public String id() {
        return fields.get(ID);
    }

    public String taskId() {
        return fields.get(TASK_ID);
    }

    public String tenant() {
        return fields.get(TENANT);
    }

    /** Empty for a hash with no status (a record that does not exist reads as an empty map). */
    public Optional<RunStatus> status() {
        String status = fields.get(STATUS);
        return status == null || status.isEmpty() ? Optional.empty() : Optional.of(RunStatus.valueOf(status));
    }

    public boolean ended() {
        return status().map(RunStatus::isTerminal).orElse(false);
    }

    public int attempt() {
        return intField(ATTEMPT);
    }

    public long epoch() {
        return longField(EPOCH);
    }

    public long timeoutSeconds() {
        return longField(TIMEOUT_SECONDS);
    }

    public boolean cancelRequested() {
        return "1".equals(fields.get(CANCEL_REQUESTED));
    }

    public Optional<String> get(String field) {
        return Optional.ofNullable(fields.get(field)).filter(v -> !v.isEmpty());
    }

    public Map<String, String> fields() {
        return fields;
    }

    private int intField(String name) {
        return (int) longField(name);
    }

    private long longField(String name) {
        String value = fields.get(name);
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    /** The fields of a new run, in the order they are written. */
    public static final class Builder {
        private final Map<String, String> fields = new LinkedHashMap<>();

        private Builder() {}

        public Builder with(String field, String value) {
            fields.put(field, value);
            return this;
        }

        /** Adds the field only when {@code value} is not null. */
        public Builder withPresent(String field, String value) {
            return value == null ? this : with(field, value);
        }

        public Map<String, String> fields() {
            return fields;
        }
    }
}
