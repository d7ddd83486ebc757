package io.trainyard.common.job;

import java.util.Locale;

/**
 * How urgent a job is. Kafka has no priorities, so each priority has its own jobs topic
 * ({@link io.trainyard.common.kafka.Topics#jobsTopicFor(JobType, Priority)}) and workers offer
 * free slots to the higher topics first.
 */
public enum Priority {
    HIGH,
    NORMAL,
    LOW;

    /** As in the APIs and the job message: lower case. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The priority named {@code text} (any case). */
    public static Priority parse(String text) {
        for (Priority p : values()) {
            if (p.name().equalsIgnoreCase(text.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("must be high, normal or low");
    }

    /** {@link #NORMAL} for null or an unknown name (a job is never refused for its priority). */
    public static Priority parseOrNormal(String text) {
        if (text == null) {
            return NORMAL;
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return NORMAL;
        }
    }
}
