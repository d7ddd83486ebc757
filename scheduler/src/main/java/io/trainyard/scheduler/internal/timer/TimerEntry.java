package io.trainyard.scheduler.internal.timer;

import io.trainyard.common.schedule.ScheduleDefinition;
import java.time.Instant;

/**
 * One schedule's place in a {@link PartitionTimer}: what to do next and when. Immutable; the timer
 * replaces an entry rather than changing it, and drops queue entries that are no longer current.
 *
 * @param key the schedule's record key
 * @param schedule the definition
 * @param step what to do when due
 * @param due when to do it
 * @param fireTime the fire time a FIRE or HOLD step is for (null for RESUME)
 */
record TimerEntry(ScheduleKey key, ScheduleDefinition schedule, Step step, Instant due, Instant fireTime) {

    enum Step {
        /** Find where the schedule goes on (reads Redis; retried while Redis is away). */
        RESUME,
        /** Launch the fire at {@code fireTime}. */
        FIRE,
        /** Try a fire held by QUEUE_ONE again. */
        HOLD
    }

    static TimerEntry resume(ScheduleKey key, ScheduleDefinition schedule, Instant due) {
        return new TimerEntry(key, schedule, Step.RESUME, due, null);
    }

    static TimerEntry fire(ScheduleKey key, ScheduleDefinition schedule, Instant fireTime) {
        return new TimerEntry(key, schedule, Step.FIRE, fireTime, fireTime);
    }

    TimerEntry retryAt(Instant when) {
        return new TimerEntry(key, schedule, step, when, fireTime);
    }

    TimerEntry holdUntil(Instant when) {
        return new TimerEntry(key, schedule, Step.HOLD, when, fireTime);
    }
}
