package io.trainyard.scheduler.internal.fire;

import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.scheduler.internal.SchedulerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
     * Where schedules pick up when this instance starts owning them: after the last fire time any
     * instance handled, else after the epoch (so from their creation). In order; the history is
     * asked about all of them at once. Then {@link #advance} from there.
     */
    public List<Instant> lastHandled(List<ScheduleDefinition> schedules) {
        List<Instant> after = new ArrayList<>(schedules.size());
        for (Optional<Instant> last : history.lastFiresAt(schedules)) {
            after.add(last.orElse(Instant.EPOCH));
        }
        return after;
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
