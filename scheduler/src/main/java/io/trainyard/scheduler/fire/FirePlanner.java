package io.trainyard.scheduler.fire;

import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.scheduler.SchedulerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a schedule's next fire time and records the fire times that pass without a run:
 * missed ones after downtime, skipped ones behind a held fire.
 */
public final class FirePlanner {
    private static final Logger LOG = LoggerFactory.getLogger(FirePlanner.class);

    private final FireHistory history;
    private final Duration defaultWindow;
    private final SchedulerMetrics metrics;

    public FirePlanner(FireHistory history, Duration defaultWindow, SchedulerMetrics metrics) {
        this.history = history;
        this.defaultWindow = defaultWindow;
        this.metrics = metrics;
    }

    public Duration windowOf(ScheduleDefinition schedule) {
        return schedule.catchUpWindowOr(defaultWindow);
    }

    /**
     * Where a schedule picks up when this instance starts owning it: after the last fire time
     * any instance handled, else from its creation.
     */
    public Optional<Instant> resume(ScheduleDefinition schedule, Instant now) {
        Instant after = history.lastFireAt(schedule.tenant(), schedule.taskId()).orElse(Instant.EPOCH);
        return advance(schedule, after, now);
    }

    /** The next fire time after {@code handled}, recording any that are now too old to run. */
    public Optional<Instant> advance(ScheduleDefinition schedule, Instant handled, Instant now) {
        CatchUp plan = CatchUp.plan(schedule, handled, now, windowOf(schedule));
        if (plan.missed() > 0) {
            history.recordMissed(schedule.tenant(), schedule.taskId(), plan.missed(), plan.lastMissed());
            metrics.missed(plan.missed());
            LOG.warn("schedule {}: {} fire time(s) up to {} missed by more than the catch-up window {}",
                    schedule.key(), plan.missed(), plan.lastMissed(), windowOf(schedule));
        }
        return Optional.ofNullable(plan.next());
    }

    /** After a held fire finally ran at {@code now}: the fire times that came due meanwhile are skipped. */
    public Optional<Instant> afterHold(ScheduleDefinition schedule, Instant heldFire, Instant now) {
        CatchUp.Passed skipped = CatchUp.between(schedule, heldFire, now);
        if (skipped.count() > 0) {
            history.recordSkipped(schedule.tenant(), schedule.taskId(), skipped.count(), skipped.latest());
            metrics.skipped(skipped.count());
        }
        return schedule.nextFireAfter(now);
    }
}
