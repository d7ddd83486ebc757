package io.trainyard.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock tests move by hand. */
public final class SettableClock implements InstantSource {
    private volatile Instant now;

    public SettableClock(Instant start) {
        this.now = start;
    }

    public static SettableClock at(String isoInstant) {
        return new SettableClock(Instant.parse(isoInstant));
    }

    @Override
    public Instant instant() {
        return now;
    }

    public void set(Instant instant) {
        now = instant;
    }

    public void set(String isoInstant) {
        now = Instant.parse(isoInstant);
    }

    public void advance(Duration by) {
        now = now.plus(by);
    }
}
