package io.trainyard.common.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a schedule fires (recurring, or once), in one time zone. Implementations are immutable values whose
 * factories reject bad input with a {@link ScheduleRuleException}.
 */
sealed interface FireRule permits CronSchedule, IntervalRule, OnceRule {

    /** The first fire time strictly after {@code after}; empty when the rule never fires again. */
    Optional<Instant> nextFireAfter(Instant after);

    /** The zone whose wall clock the rule reads. */
    ZoneId zone();
}
