package io.trainyard.common.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A Chorus-style rule: the first fire at {@code anchor} ({@code next_run}), then every
 * {@code value} {@code unit}s. Hours are elapsed time; days, weeks and months keep the anchor's
 * wall-clock time in the zone, counted from the anchor (so a rule anchored on the 31st fires on
 * the last day of shorter months and on the 31st again after), with {@link DstPolicy} for
 * skipped and repeated times.
 */
public final class IntervalRule implements FireRule {
    /** A generous bound that keeps the arithmetic far from overflow. */
    public static final long MAX_VALUE = 100_000;
    public static final String VALUE_FIELD = "interval_value";

    private final IntervalUnit unit;
    private final long value;
    private final Instant anchor;
    private final ZoneId zone;
    private final LocalDateTime localAnchor;

    private IntervalRule(IntervalUnit unit, long value, Instant anchor, ZoneId zone) {
        this.unit = unit;
        this.value = value;
        this.anchor = anchor;
        this.zone = zone;
        this.localAnchor = LocalDateTime.ofInstant(anchor, zone);
    }

    public static IntervalRule of(IntervalUnit unit, long value, Instant anchor, ZoneId zone) {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(zone, "zone");
        if (value < 1 || value > MAX_VALUE) {
            throw new ScheduleRuleException(VALUE_FIELD, value + " is outside 1.." + MAX_VALUE);
        }
        return new IntervalRule(unit, value, anchor, zone);
    }

    public IntervalUnit unit() {
        return unit;
    }

    public long value() {
        return value;
    }

    /** The first fire time; every later one is a whole number of steps after it. */
    public Instant anchor() {
        return anchor;
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    @Override
    public Optional<Instant> nextFireAfter(Instant after) {
        if (after.isBefore(anchor)) {
            return Optional.of(anchor);
        }
        if (unit == IntervalUnit.HOURS) {
            long stepMillis = Duration.ofHours(value).toMillis();
            long steps = Duration.between(anchor, after).toMillis() / stepMillis + 1;
            return Optional.of(anchor.plusMillis(steps * stepMillis));
        }
        long whole = unit.chronoUnit().between(localAnchor, LocalDateTime.ofInstant(after, zone)) / value;
        for (long k = Math.max(1, whole - 1); ; k++) {
            Instant fire = DstPolicy.firstInstant(localAnchor.plus(k * value, unit.chronoUnit()), zone);
            if (fire.isAfter(after)) {
                return Optional.of(fire);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntervalRule other && unit == other.unit && value == other.value
                && anchor.equals(other.anchor) && zone.equals(other.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(unit, value, anchor, zone);
    }

    @Override
    public String toString() {
        return "every " + value + " " + unit.wireName() + " from " + anchor + " in " + zone;
    }
}
