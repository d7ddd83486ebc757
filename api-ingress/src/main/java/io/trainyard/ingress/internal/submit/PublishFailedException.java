package io.trainyard.ingress.internal.submit;

import io.trainyard.common.TrainyardException;
import io.trainyard.common.kafka.KafkaErrors;

/**
 * Kafka did not acknowledge a record. The submit that caused it has been rolled back, so nothing
 * was queued. Retryable when Kafka's own error is ({@link KafkaErrors#kindOf}: no leader, not
 * enough replicas, no answer in time): the client may simply try again. Permanent otherwise (a
 * record too large, an authorization error): the same submit fails the same way.
 */
public final class PublishFailedException extends TrainyardException {
    private final String topic;
    private final String key;

    public PublishFailedException(String topic, String key, Throwable cause) {
        super(KafkaErrors.kindOf(cause), "Kafka did not acknowledge record " + key + " on " + topic + ": " + cause, cause);
        this.topic = topic;
        this.key = key;
    }

    public String topic() {
        return topic;
    }

    public String key() {
        return key;
    }
}
