package io.trainyard.ingress.internal.schedule;

import io.trainyard.common.TrainyardException;
import io.trainyard.common.kafka.KafkaErrors;

/**
 * A schedule change that Kafka did not acknowledge. Retryable when Kafka's error is (the change
 * may or may not have been written, and publishing the same definition or tombstone again is
 * safe); permanent when Kafka refused it for good.
 */
public final class SchedulePublishException extends TrainyardException {
    private final String key;

    public SchedulePublishException(String key, Throwable cause) {
        super(KafkaErrors.kindOf(cause), "schedule " + key + " was not acknowledged by Kafka: " + cause.getMessage(), cause);
        this.key = key;
    }

    /** The record key, {@code tenant/taskId}. */
    public String key() {
        return key;
    }
}
