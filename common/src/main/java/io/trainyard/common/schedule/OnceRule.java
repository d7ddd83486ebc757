package io.trainyard.common.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule that fires once, at {@code at}: a one-time task that starts later (MLW's ONE_TIME with
 * a future {@code startDate}) is a schedule of this rule, so the scheduler holds it like any
 * other schedule, across restarts, and deleting the task removes it before it fires.
 */
public final class OnceRule implements FireRule {
    private final Instant at;
    private final ZoneId zone;

    private OnceRule(Instant at, ZoneId zone) {
        this.at = at;
        this.zone = zone;
    }

    public static OnceRule at(Instant at, ZoneId zone) {
        return new OnceRule(Objects.requireNonNull(at, "at"), Objects.requireNonNull(zone, "zone"));
    }

    public Instant at() {
        return at;
    }

    @Override
    public Optional<Instant> nextFireAfter(Instant after) {
        return after.isBefore(at) ? Optional.of(at) : Optional.empty();
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnceRule other && at.equals(other.at) && zone.equals(other.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(at, zone);
    }

    @Override
    public String toString() {
        return "once at " + at + " in " + zone;
    }
}
