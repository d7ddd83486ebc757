package io.trainyard.common.kafka;

import io.trainyard.common.TrainyardException;

/**
 * Kafka answered, but not in a way a retry can change: it refused the service's credentials, or
 * Trainyard's topics are laid out with fewer partitions or replicas than configured. A service
 * refuses to start on it, with this message; waiting for Kafka would not help.
 */
public final class KafkaMisconfiguredException extends TrainyardException {
    private KafkaMisconfiguredException(String message, Throwable cause) {
        super(Kind.PERMANENT, message, cause);
    }

    static KafkaMisconfiguredException layout(String problems) {
        return new KafkaMisconfiguredException("Kafka's topics do not match Trainyard's settings: " + problems, null);
    }

    static KafkaMisconfiguredException refused(String doing, Throwable cause) {
        return new KafkaMisconfiguredException("Kafka refused this service while it tried to " + doing + ": "
                + cause.getMessage() + " (check the client security properties: the file named by "
                + "TRAINYARD_KAFKA_CLIENT_PROPERTIES and the TRAINYARD_KAFKA_PROP_* variables)", cause);
    }
}
