package io.trainyard.common.pipeline;

import java.util.Optional;

/**
 * What a step that does not complete does to the rest of its pipeline. FAIL_FAST (the default):
 * every open step is stopped (those not started end CANCELLED, running ones are cancelled).
 * CONTINUE: the steps that depend on it, directly or not, end SKIPPED (their runs CANCELLED, with
 * a message naming the step); the others run on.
 */
public enum FailurePolicy {
    FAIL_FAST("failFast"),
    CONTINUE("continue");

    private final String wire;

    FailurePolicy(String wire) {
        this.wire = wire;
    }

    /** The name in documents and in Redis. */
    public String wire() {
        return wire;
    }

    public static Optional<FailurePolicy> fromWire(String text) {
        for (FailurePolicy p : values()) {
            if (p.wire.equals(text)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
