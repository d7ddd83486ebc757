package io.trainyard.common.schedule;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * When a schedule fires: its rule, bounded by a start (no fire before it) and an optional end
 * (no fire after it, inclusive).
 *
 * @param rule the cron or interval rule, with its zone
 * @param start the earliest fire time
 * @param end the latest fire time, or null for none
 */
public record ScheduleTiming(FireRule rule, Instant start, Instant end) {
    public ScheduleTiming {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(start, "start");
        if (end != null && !end.isAfter(start)) {
            throw new ScheduleRuleException("end", "the end " + end + " is not after the start " + start);
        }
    }

    public ZoneId zone() {
        return rule.zone();
    }

    /** The first fire time strictly after {@code after}, within start and end. */
    public Optional<Instant> nextFireAfter(Instant after) {
        Instant from = after.isBefore(start) ? start.minusNanos(1) : after;
        return rule.nextFireAfter(from).filter(fire -> end == null || !fire.isAfter(end));
    }

    /** A time zone by its IANA name; UTC when blank. */
    public static ZoneId zone(String text, String field) {
        if (text == null || text.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(text.trim());
        } catch (DateTimeException e) {
            throw new ScheduleRuleException(field, "unknown time zone '" + text
                    + "'; use an IANA name such as Europe/Berlin or America/New_York");
        }
    }
}
