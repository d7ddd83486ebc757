package io.trainyard.scheduler.internal.fire;

import io.trainyard.common.schedule.ScheduleDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a schedule goes on from {@code after}, given that it is {@code now}: fire times older
 * than the catch-up window are missed (counted, never run), the first one inside the window or
 * in the future is next. Each fire time inside the window still runs once, one after the other
 * and subject to the overlap policy; never every fire of a long outage.
 *
 * @param next the next fire time to handle, or null when the schedule has ended
 * @param missed how many fire times were missed (at most {@link #MAX_COUNTED})
 * @param lastMissed the latest missed fire time counted, or null
 */
record CatchUp(Instant next, long missed, Instant lastMissed) {
    /** Counting stops here, so a per-second schedule after a long outage costs no more than this. */
    public static final int MAX_COUNTED = 1_000;

    public static CatchUp plan(ScheduleDefinition schedule, Instant after, Instant now, Duration window) {
        Instant oldestToRun = now.minus(window);
        long missed = 0;
        Instant lastMissed = null;
        Optional<Instant> fire = schedule.nextFireAfter(after);
        while (fire.isPresent() && !fire.get().isAfter(oldestToRun)) {
            missed++;
            lastMissed = fire.get();
            fire = schedule.nextFireAfter(missed < MAX_COUNTED ? fire.get() : oldestToRun);
        }
        return new CatchUp(fire.orElse(null), missed, lastMissed);
    }

    /** Fire times in {@code (after, until]}: how many (up to {@link #MAX_COUNTED}) and the latest counted. */
    public record Passed(long count, Instant latest) {}

    public static Passed between(ScheduleDefinition schedule, Instant after, Instant until) {
        long count = 0;
        Instant latest = null;
        Optional<Instant> fire = schedule.nextFireAfter(after);
        while (fire.isPresent() && !fire.get().isAfter(until) && count < MAX_COUNTED) {
            count++;
            latest = fire.get();
            fire = schedule.nextFireAfter(latest);
        }
        return new Passed(count, latest);
    }
}
