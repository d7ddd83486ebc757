package io.trainyard.common.schedule;

import static io.trainyard.common.schedule.CronScheduleTest.fires;
import static io.trainyard.common.schedule.CronScheduleTest.instants;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * The DST policy of {@link DstPolicy}, pinned for America/New_York: spring forward on
 * 2026-03-08 (02:00 EST -> 03:00 EDT, 07:00Z), fall back on 2026-11-01 (02:00 EDT -> 01:00 EST, 06:00Z).
 */
class DstGoldenTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void springForwardSkippedTimeFiresAtTheEndOfTheGap() {
        CronSchedule cron = CronSchedule.parse("30 2 * * *", NEW_YORK);
        assertThat(fires(cron, "2026-03-07T00:00:00Z", 3)).isEqualTo(instants(
                "2026-03-07T07:30:00Z",   // 02:30 EST
                "2026-03-08T07:00:00Z",   // 02:30 does not exist: 03:00 EDT
                "2026-03-09T06:30:00Z")); // 02:30 EDT
    }

    @Test
    void springForwardHourlyCollapsesTheGapIntoOneFire() {
        assertThat(fires(CronSchedule.parse("@hourly", NEW_YORK), "2026-03-08T05:30:00Z", 4)).isEqualTo(instants(
                "2026-03-08T06:00:00Z",   // 01:00 EST
                "2026-03-08T07:00:00Z",   // 02:00 skipped -> 03:00 EDT, and 03:00 itself: one fire
                "2026-03-08T08:00:00Z",   // 04:00 EDT
                "2026-03-08T09:00:00Z"));
    }

    @Test
    void fallBackRepeatedTimeFiresOnceOnTheFirstOccurrence() {
        CronSchedule cron = CronSchedule.parse("30 1 * * *", NEW_YORK);
        assertThat(fires(cron, "2026-10-31T00:00:00Z", 3)).isEqualTo(instants(
                "2026-10-31T05:30:00Z",   // 01:30 EDT
                "2026-11-01T05:30:00Z",   // 01:30 EDT, the first of two; 01:30 EST does not fire
                "2026-11-02T06:30:00Z")); // 01:30 EST
    }

    @Test
    void fallBackFromInsideTheSecondPassWaitsForTheNextDay() {
        CronSchedule cron = CronSchedule.parse("30 1 * * *", NEW_YORK);
        assertThat(cron.nextFireAfter(Instant.parse("2026-11-01T06:10:00Z"))) // 01:10 EST
                .contains(Instant.parse("2026-11-02T06:30:00Z"));
    }

    @Test
    void fallBackSubHourlyKeepsItsRhythmThroughBothPasses() {
        assertThat(fires(CronSchedule.parse("*/30 * * * *", NEW_YORK), "2026-11-01T04:45:00Z", 6)).isEqualTo(instants(
                "2026-11-01T05:00:00Z",   // 01:00 EDT
                "2026-11-01T05:30:00Z",   // 01:30 EDT
                "2026-11-01T06:00:00Z",   // 01:00 EST
                "2026-11-01T06:30:00Z",   // 01:30 EST
                "2026-11-01T07:00:00Z",   // 02:00 EST
                "2026-11-01T07:30:00Z"));
    }

    @Test
    void quartzFixedTimeInTheRepeatedHourFiresOnce() {
        CronSchedule cron = CronSchedule.parse("0 30 1 ? * *", NEW_YORK);
        assertThat(fires(cron, "2026-11-01T00:00:00Z", 2))
                .isEqualTo(instants("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"));
    }

    @Test
    void dailyIntervalKeepsTheWallClockAcrossBothTransitions() {
        IntervalRule daily = IntervalRule.of(IntervalUnit.DAYS, 1, Instant.parse("2026-03-07T07:30:00Z"), NEW_YORK);
        assertThat(fires(daily, "2026-03-07T07:30:00Z", 2)).isEqualTo(instants(
                "2026-03-08T07:00:00Z",   // 02:30 skipped -> 03:00 EDT
                "2026-03-09T06:30:00Z")); // 02:30 EDT
        IntervalRule nightly = IntervalRule.of(IntervalUnit.DAYS, 1, Instant.parse("2026-10-31T05:30:00Z"), NEW_YORK);
        assertThat(fires(nightly, "2026-10-31T05:30:00Z", 2))
                .isEqualTo(instants("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"));
    }

    @Test
    void hourlyIntervalIsElapsedTime() {
        IntervalRule hourly = IntervalRule.of(IntervalUnit.HOURS, 1, Instant.parse("2026-11-01T04:30:00Z"), NEW_YORK);
        assertThat(fires(hourly, "2026-11-01T04:30:00Z", 3))
                .isEqualTo(instants("2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"));
    }
}
