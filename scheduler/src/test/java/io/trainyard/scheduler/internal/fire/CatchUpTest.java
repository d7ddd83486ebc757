package io.trainyard.scheduler.internal.fire;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.scheduler.Schedules;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CatchUpTest {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private static final ScheduleDefinition EVERY_MINUTE = Schedules.cron("a", "* * * * *", CREATED);
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void onTimeNothingIsMissed() {
        CatchUp plan = CatchUp.plan(EVERY_MINUTE, Instant.parse("2026-01-01T10:00:00Z"),
                Instant.parse("2026-01-01T10:00:00.002Z"), FIVE_MINUTES);
        assertThat(plan).isEqualTo(new CatchUp(Instant.parse("2026-01-01T10:01:00Z"), 0, null));
    }

    @Test
    void firesInsideTheWindowRunOlderOnesAreMissed() {
        CatchUp plan = CatchUp.plan(EVERY_MINUTE, Instant.parse("2026-01-01T09:00:00Z"),
                Instant.parse("2026-01-01T10:00:30Z"), FIVE_MINUTES);
        // 09:01 .. 09:55 are older than 09:55:30; 09:56 is the first still to run
        assertThat(plan.missed()).isEqualTo(55);
        assertThat(plan.lastMissed()).isEqualTo(Instant.parse("2026-01-01T09:55:00Z"));
        assertThat(plan.next()).isEqualTo(Instant.parse("2026-01-01T09:56:00Z"));
    }

    @Test
    void aZeroWindowRunsNothingLate() {
        CatchUp plan = CatchUp.plan(EVERY_MINUTE, Instant.parse("2026-01-01T09:58:00Z"),
                Instant.parse("2026-01-01T10:00:30Z"), Duration.ZERO);
        assertThat(plan.missed()).isEqualTo(2); // 09:59 and 10:00
        assertThat(plan.next()).isEqualTo(Instant.parse("2026-01-01T10:01:00Z"));
    }

    @Test
    void aLongOutageCountsBoundedlyAndResumesInsideTheWindow() {
        ScheduleDefinition everySecond = Schedules.cron("b", "* * * * * ?", CREATED);
        CatchUp plan = CatchUp.plan(everySecond, CREATED, Instant.parse("2026-01-08T00:00:00Z"), Duration.ofSeconds(10));
        assertThat(plan.missed()).isEqualTo(CatchUp.MAX_COUNTED);
        assertThat(plan.next()).isEqualTo(Instant.parse("2026-01-07T23:59:51Z"));
    }

    @Test
    void aNewScheduleStartsAtItsCreation() {
        CatchUp plan = CatchUp.plan(EVERY_MINUTE, Instant.EPOCH, Instant.parse("2026-01-01T00:00:10Z"), FIVE_MINUTES);
        assertThat(plan).isEqualTo(new CatchUp(Instant.parse("2026-01-01T00:00:00Z"), 0, null));
    }

    @Test
    void passedFireTimesAreCounted() {
        CatchUp.Passed passed = CatchUp.between(EVERY_MINUTE, Instant.parse("2026-01-01T10:00:00Z"),
                Instant.parse("2026-01-01T10:03:30Z"));
        assertThat(passed).isEqualTo(new CatchUp.Passed(3, Instant.parse("2026-01-01T10:03:00Z")));
    }
}
