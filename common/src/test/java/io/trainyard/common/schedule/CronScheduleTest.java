package io.trainyard.common.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    static List<Instant> fires(FireRule rule, String after, int count) {
        List<Instant> out = new ArrayList<>();
        Instant cursor = Instant.parse(after);
        for (int i = 0; i < count; i++) {
            cursor = rule.nextFireAfter(cursor).orElseThrow();
            out.add(cursor);
        }
        return out;
    }

    static List<Instant> instants(String... texts) {
        return java.util.Arrays.stream(texts).map(Instant::parse).toList();
    }

    @Test
    void unixFiveFieldsEveryFiveMinutes() {
        CronSchedule cron = CronSchedule.parse("*/5 * * * *", UTC);
        assertThat(cron.dialect()).isEqualTo(CronDialect.UNIX);
        assertThat(fires(cron, "2026-01-01T10:02:30Z", 3))
                .isEqualTo(instants("2026-01-01T10:05:00Z", "2026-01-01T10:10:00Z", "2026-01-01T10:15:00Z"));
    }

    @Test
    void unixSundayIsZeroAndSeven() {
        // 2026-01-04 is a Sunday
        assertThat(CronSchedule.parse("0 9 * * 0", UTC).nextFireAfter(Instant.parse("2026-01-01T00:00:00Z")))
                .contains(Instant.parse("2026-01-04T09:00:00Z"));
        assertThat(CronSchedule.parse("0 9 * * 7", UTC).nextFireAfter(Instant.parse("2026-01-01T00:00:00Z")))
                .contains(Instant.parse("2026-01-04T09:00:00Z"));
    }

    @Test
    void quartzSixFieldsFiresEverySecond() {
        CronSchedule cron = CronSchedule.parse("* * * * * ?", UTC);
        assertThat(cron.dialect()).isEqualTo(CronDialect.QUARTZ);
        assertThat(fires(cron, "2026-01-01T10:00:00.400Z", 3))
                .isEqualTo(instants("2026-01-01T10:00:01Z", "2026-01-01T10:00:02Z", "2026-01-01T10:00:03Z"));
    }

    @Test
    void quartzStarInADayFieldCountsAsQuestionMark() {
        assertThat(CronSchedule.parse("0 0 12 * * *", UTC).nextFireAfter(Instant.parse("2026-01-01T12:00:00Z")))
                .contains(Instant.parse("2026-01-02T12:00:00Z"));
        assertThat(CronSchedule.parse("0 0 12 * * MON", UTC).nextFireAfter(Instant.parse("2026-01-01T00:00:00Z")))
                .contains(Instant.parse("2026-01-05T12:00:00Z"));
    }

    @Test
    void quartzSundayIsOneAndTheYearFieldBounds() {
        CronSchedule cron = CronSchedule.parse("0 30 8 ? * 1 2027", UTC);
        assertThat(cron.nextFireAfter(Instant.parse("2026-06-01T00:00:00Z")))
                .contains(Instant.parse("2027-01-03T08:30:00Z"));
        assertThat(cron.nextFireAfter(Instant.parse("2027-12-26T08:30:00Z"))).isEmpty();
    }

    @Test
    void quartzLastDayOfMonth() {
        assertThat(fires(CronSchedule.parse("0 0 18 L * ?", UTC), "2026-02-01T00:00:00Z", 2))
                .isEqualTo(instants("2026-02-28T18:00:00Z", "2026-03-31T18:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource({
        "@yearly,   2027-01-01T00:00:00Z",
        "@annually, 2027-01-01T00:00:00Z",
        "@monthly,  2026-07-01T00:00:00Z",
        "@weekly,   2026-06-21T00:00:00Z",
        "@daily,    2026-06-18T00:00:00Z",
        "@midnight, 2026-06-18T00:00:00Z",
        "@hourly,   2026-06-17T11:00:00Z",
        "@DAILY,    2026-06-18T00:00:00Z"})
    void macros(String macro, String expected) {
        CronSchedule cron = CronSchedule.parse(macro, UTC);
        assertThat(cron.dialect()).isEqualTo(CronDialect.MACRO);
        assertThat(cron.nextFireAfter(Instant.parse("2026-06-17T10:15:00Z"))).contains(Instant.parse(expected));
    }

    @Test
    void readsTheWallClockOfItsZone() {
        CronSchedule berlin = CronSchedule.parse("0 9 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(berlin.nextFireAfter(Instant.parse("2026-01-15T00:00:00Z")))
                .contains(Instant.parse("2026-01-15T08:00:00Z"));
        assertThat(berlin.nextFireAfter(Instant.parse("2026-07-15T00:00:00Z")))
                .contains(Instant.parse("2026-07-15T07:00:00Z"));
        CronSchedule tokyo = CronSchedule.parse("@daily", ZoneId.of("Asia/Tokyo"));
        assertThat(tokyo.nextFireAfter(Instant.parse("2026-01-15T00:00:00Z")))
                .contains(Instant.parse("2026-01-15T15:00:00Z"));
    }

    @Test
    void anExpressionThatNeverMatchesHasNoNextFire() {
        assertThat(CronSchedule.parse("0 0 31 2 *", UTC).nextFireAfter(Instant.parse("2026-01-01T00:00:00Z"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "61 * * * *        | the minute field '61' is invalid: 61 is outside 0-59",
        "0 25 * * *        | the hour field '25' is invalid: 25 is outside 0-23",
        "0 0 * * 8         | the day-of-week field '8' is invalid: 8 is outside 0-7",
        "0 0 * 13 *        | the month field '13' is invalid",
        "0 0 * * * * * *   | has 8 fields; expected 5",
        "* * *             | has 3 fields; expected 5",
        "@reboot           | unknown macro '@reboot'",
        "0 0 12 15 * MON   | the day-of-month field '15' and the day-of-week field 'MON' are both set",
        "70 0 12 ? * *     | the second field '70' is invalid: 70 is outside 0-59",
        "0 0 12 ? * 9      | the day-of-week field '9' is invalid: 9 is outside 1-7",
        "x * * * *         | the minute field 'x' is invalid"})
    void badExpressionsNameTheFieldAndTheProblem(String expression, String reason) {
        assertThatThrownBy(() -> CronSchedule.parse(expression, UTC))
                .isInstanceOfSatisfying(ScheduleRuleException.class, e -> {
                    assertThat(e.field()).isEqualTo("cronExpression");
                    assertThat(e.reason()).contains(reason);
                });
    }

    @Test
    void blankIsRequired() {
        assertThatThrownBy(() -> CronSchedule.parse("  ", UTC))
                .isInstanceOfSatisfying(ScheduleRuleException.class,
                        e -> assertThat(e.reason()).contains("required"));
    }
}
