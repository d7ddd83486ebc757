package io.trainyard.common;

import com.github.f4b6a3.uuid.UuidCreator;

/** Opaque, unique, time-ordered identifiers (UUIDv7) for tasks, runs and resources. */
public final class Ids {
    private Ids() {}

    public static String next() {
        return UuidCreator.getTimeOrderedEpoch().toString();
    }
}
