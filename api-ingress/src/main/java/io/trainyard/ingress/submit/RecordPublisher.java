package io.trainyard.ingress.submit;

/** Puts one keyed record durably on a topic, or throws {@link PublishFailedException}. */
@FunctionalInterface
public interface RecordPublisher {
    void publish(String topic, String key, byte[] value);
}
