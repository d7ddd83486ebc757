package io.trainyard.ingress.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.schedule.IntervalRule;
import io.trainyard.common.schedule.ScheduleRuleException;
import io.trainyard.common.schedule.ScheduleTiming;
import io.trainyard.ingress.ScheduleRequest;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ScheduleRequestTest {
    private static final Instant NOW = Instant.parse("2026-06-17T10:15:00Z");

    private static void refused(ThrowingCallable call, String field, String reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ScheduleRuleException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.reason()).contains(reason);
        });
    }

    @Test
    void oneTimeHasNoSchedule() {
        assertThat(ScheduleRequest.recurrence("ONE_TIME", "", null, null, null, NOW)).isEmpty();
        assertThat(ScheduleRequest.recurrence("ONE_TIME", null, "Europe/Berlin", "2026-07-01", null, NOW)).isEmpty();
    }

    @Test
    void repeatWithDefaults() {
        ScheduleTiming timing = ScheduleRequest.recurrence("REPEAT", "0 2 * * *", null, null, null, NOW).orElseThrow();
        assertThat(timing.zone()).isEqualTo(ZoneOffset.UTC);
        assertThat(timing.start()).isEqualTo(NOW);
        assertThat(timing.end()).isNull();
        assertThat(timing.nextFireAfter(NOW)).contains(Instant.parse("2026-06-18T02:00:00Z"));
    }

    @Test
    void startAndEndInTheirForms() {
        ScheduleTiming timing = ScheduleRequest.recurrence("REPEAT", "@hourly", "America/New_York",
                "2026-07-01T06:27", "2026-07-02", NOW).orElseThrow();
        assertThat(timing.zone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(timing.start()).isEqualTo(Instant.parse("2026-07-01T10:27:00Z"));
        assertThat(timing.end()).isEqualTo(Instant.parse("2026-07-02T04:00:00Z"));
        assertThat(ScheduleRequest.dateTime("2026-07-01T06:27:00+02:00", ZoneOffset.UTC, "startDate"))
                .isEqualTo(Instant.parse("2026-07-01T04:27:00Z"));
        assertThat(ScheduleRequest.dateTime("2026-07-01 06:27:00Z", ZoneOffset.UTC, "startDate"))
                .isEqualTo(Instant.parse("2026-07-01T06:27:00Z"));
    }

    @Test
    void mlwBadInput() {
        refused(() -> ScheduleRequest.recurrence("REPEAT", "", null, null, null, NOW), "cronExpression", "required");
        refused(() -> ScheduleRequest.recurrence("REPEAT", null, null, null, null, NOW), "cronExpression", "required");
        refused(() -> ScheduleRequest.recurrence("ONE_TIME", "0 2 * * *", null, null, null, NOW),
                "cronExpression", "must be empty");
        refused(() -> ScheduleRequest.recurrence("SOMETIMES", "", null, null, null, NOW), "recurrence", "ONE_TIME or REPEAT");
        refused(() -> ScheduleRequest.recurrence(null, "", null, null, null, NOW), "recurrence", "required");
        refused(() -> ScheduleRequest.recurrence("REPEAT", "0 99 * * *", null, null, null, NOW),
                "cronExpression", "hour field '99'");
        refused(() -> ScheduleRequest.recurrence("REPEAT", "@daily", "Mars/Olympus", null, null, NOW),
                "timeZone", "unknown time zone 'Mars/Olympus'");
        refused(() -> ScheduleRequest.recurrence("REPEAT", "@daily", null, "2026-07-02", "2026-07-01", NOW),
                "endDate", "not after startDate");
        refused(() -> ScheduleRequest.recurrence("REPEAT", "@daily", null, null, "2026-01-01", NOW),
                "endDate", "not in the future");
        refused(() -> ScheduleRequest.recurrence("REPEAT", "@daily", null, "yesterday", null, NOW),
                "startDate", "not an ISO-8601");
        refused(() -> ScheduleRequest.recurrence("REPEAT", "0 0 31 2 *", null, null, null, NOW),
                "cronExpression", "never fires");
        refused(() -> ScheduleRequest.recurrence("REPEAT", "0 0 1 1 *", null, "2026-07-01", "2026-12-01", NOW),
                "endDate", "no fire time");
    }

    @Test
    void chorusInterval() {
        ScheduleTiming timing = ScheduleRequest.interval("days", "2", "2026-06-18T09:00:00",
                "2026-07-01T00:00:00Z", "Europe/Berlin", NOW);
        assertThat(timing.rule()).isInstanceOf(IntervalRule.class);
        assertThat(timing.start()).isEqualTo(Instant.parse("2026-06-18T07:00:00Z"));
        assertThat(timing.nextFireAfter(NOW)).contains(Instant.parse("2026-06-18T07:00:00Z"));
        assertThat(timing.nextFireAfter(timing.start())).contains(Instant.parse("2026-06-20T07:00:00Z"));
    }

    @Test
    void chorusBadInput() {
        refused(() -> ScheduleRequest.interval("days", "1", "2026-06-16T10:00:00Z", null, null, NOW), "next_run", "in the past");
        refused(() -> ScheduleRequest.interval("days", "1", null, null, null, NOW), "next_run", "required");
        refused(() -> ScheduleRequest.interval("days", "1", "2026-06-18T10:00:00Z", "2026-06-18T09:00:00Z", null, NOW),
                "end_run", "not after next_run");
        refused(() -> ScheduleRequest.interval("minutes", "1", "2026-06-18T10:00:00Z", null, null, NOW),
                "interval_unit", "not one of");
        refused(() -> ScheduleRequest.interval("hours", "-3", "2026-06-18T10:00:00Z", null, null, NOW),
                "interval_value", "outside");
        refused(() -> ScheduleRequest.interval("hours", "two", "2026-06-18T10:00:00Z", null, null, NOW),
                "interval_value", "not a whole number");
        refused(() -> ScheduleRequest.interval("hours", "2", "2026-06-18T10:00:00", null, "Pacific Time", NOW),
                "time_zone", "unknown time zone");
    }

    @Test
    void aNextRunWithinTheGraceIsNow() {
        assertThat(ScheduleRequest.interval("hours", "1", "2026-06-17T10:14:30Z", null, null, NOW).start())
                .isEqualTo(Instant.parse("2026-06-17T10:14:30Z"));
    }
}
