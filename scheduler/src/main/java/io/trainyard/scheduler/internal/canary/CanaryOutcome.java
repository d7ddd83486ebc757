package io.trainyard.scheduler.internal.canary;

import java.util.Locale;

/** What became of one canary interval on one scheduler instance. */
public enum CanaryOutcome {
    /** This instance claimed the interval and Kafka acknowledged its no-op job. */
    PUBLISHED,
    /** Another instance claimed the interval first. */
    TAKEN,
    /** Redis or Kafka could not be reached; no canary ran for this interval. */
    FAILED;

    /** The metric tag value. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
