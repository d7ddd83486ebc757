package io.trainyard.common.schedule;

/**
 * A schedule change that Kafka did not acknowledge in time. Retryable: the change may or may
 * not have been written, and publishing the same definition (or tombstone) again is safe.
 */
public final class SchedulePublishException extends RuntimeException {
    private final String key;

    public SchedulePublishException(String key, Throwable cause) {
        super("schedule " + key + " was not acknowledged by Kafka: " + cause.getMessage(), cause);
        this.key = key;
    }

    /** The record key, {@code tenant/taskId}. */
    public String key() {
        return key;
    }
}
