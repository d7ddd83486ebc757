package io.trainyard.common.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.Optional;

/**
 * How a wall-clock fire time becomes an instant when daylight saving time makes that wall-clock
 * time ambiguous or absent. The policy, for every rule that reads a wall clock:
 *
 * <ul>
 *   <li><b>Skipped time</b> (spring forward): the fire happens at the first valid instant after
 *       the gap, i.e. the transition itself. In America/New_York on 2026-03-08, 02:30 does not
 *       exist; a fire due then happens at 03:00 EDT (07:00Z). Several skipped fire times collapse
 *       into that one fire.</li>
 *   <li><b>Repeated time</b> (fall back): the fire happens once, on the first occurrence. In
 *       America/New_York on 2026-11-01, 01:30 happens twice; the fire is at 01:30 EDT (05:30Z).
 *       The one exception: a cron rule whose hour field is {@code *} or a step ({@code *}{@code /n})
 *       fires in both passes of the repeated hour, so "every 10 minutes" keeps its rhythm in
 *       elapsed time instead of pausing for an hour.</li>
 * </ul>
 *
 * This matches what Vixie cron does for the same cases.
 */
public final class DstPolicy {
    private DstPolicy() {}

    /** The instant a wall-clock fire time maps to: the single one, the end of a gap, or the first pass. */
    public static Instant firstInstant(LocalDateTime local, ZoneId zone) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition == null) {
            return local.atZone(zone).toInstant();
        }
        if (transition.isGap()) {
            return transition.getInstant();
        }
        return local.toInstant(transition.getOffsetBefore());
    }

    /** The second occurrence of a repeated wall-clock time; empty unless {@code local} is repeated. */
    public static Optional<Instant> secondPass(LocalDateTime local, ZoneId zone) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition == null || transition.isGap()) {
            return Optional.empty();
        }
        return Optional.of(local.toInstant(transition.getOffsetAfter()));
    }
}
