package io.trainyard.scheduler.internal.fire;

import java.util.Locale;

/** What became of one due fire. */
public enum FireOutcome {
    /** A run was created and its job acknowledged by Kafka. */
    LAUNCHED,
    /** Another instance (or an earlier attempt) already handled this fire time. */
    DUPLICATE,
    /** Overlap policy SKIP: an earlier run is unfinished; recorded on the task. */
    SKIPPED,
    /** Overlap policy QUEUE_ONE: an earlier run is unfinished; the fire waits. */
    HELD,
    /** The task no longer exists in Redis (deleted; its tombstone is on the way). */
    NO_TASK,
    /** The run was created but its job was not acknowledged; the run is marked FAILED. */
    FAILED,
    /** Redis could not be asked; the fire is tried again shortly. */
    ERROR;

    /** The metric tag value. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
