package io.trainyard.ingress.submit;

/**
 * Kafka did not acknowledge a record in time. Retryable: nothing was queued, and the submit that
 * caused it has been rolled back, so the client may simply try again.
 */
public final class PublishFailedException extends RuntimeException {
    private final String topic;
    private final String key;

    public PublishFailedException(String topic, String key, Throwable cause) {
        super("Kafka did not acknowledge record " + key + " on " + topic + ": " + cause, cause);
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
