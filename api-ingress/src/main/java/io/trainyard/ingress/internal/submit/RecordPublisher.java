package io.trainyard.ingress.internal.submit;

/**
 * Puts one keyed record durably on a topic, waiting at most {@code waitMillis} for Kafka's
 * acknowledgement, or throws {@link PublishFailedException}.
 */
@FunctionalInterface
public interface RecordPublisher {
    void publish(String topic, String key, byte[] value, long waitMillis);
}
