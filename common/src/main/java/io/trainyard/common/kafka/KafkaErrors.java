package io.trainyard.common.kafka;

import io.trainyard.common.TrainyardException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RetriableException;

/** Whether a Kafka client's error may go away by itself, as Kafka's own exception types say. */
public final class KafkaErrors {
    private KafkaErrors() {}

    /**
     * RETRYABLE for Kafka's {@link RetriableException}s (no leader, not enough replicas, a request
     * timed out, ...), a wait that ran out or was interrupted; PERMANENT otherwise (a record too
     * large, an authorization or serialization error): sending it again fails the same way.
     */
    public static TrainyardException.Kind kindOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException || t instanceof TimeoutException || t instanceof InterruptedException) {
                return TrainyardException.Kind.RETRYABLE;
            }
        }
        return TrainyardException.Kind.PERMANENT;
    }
}
