package io.trainyard.common.schedule;

import static io.trainyard.common.schedule.CronScheduleTest.fires;
import static io.trainyard.common.schedule.CronScheduleTest.instants;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class IntervalRuleTest {
    private static final Instant ANCHOR = Instant.parse("2026-01-31T10:00:00Z");

    @Test
    void firstFireIsTheAnchor() {
        IntervalRule rule = IntervalRule.of(IntervalUnit.HOURS, 6, ANCHOR, ZoneOffset.UTC);
        assertThat(rule.nextFireAfter(Instant.parse("2026-01-01T00:00:00Z"))).contains(ANCHOR);
        assertThat(rule.nextFireAfter(ANCHOR)).contains(Instant.parse("2026-01-31T16:00:00Z"));
    }

    @Test
    void hoursStepFromTheAnchorEvenFarLater() {
        IntervalRule rule = IntervalRule.of(IntervalUnit.HOURS, 6, ANCHOR, ZoneOffset.UTC);
        assertThat(rule.nextFireAfter(Instant.parse("2026-05-05T11:59:59.999Z")))
                .contains(Instant.parse("2026-05-05T16:00:00Z"));
    }

    @Test
    void weeks() {
        IntervalRule rule = IntervalRule.of(IntervalUnit.WEEKS, 2, ANCHOR, ZoneOffset.UTC);
        assertThat(fires(rule, "2026-01-31T10:00:00Z", 2))
                .isEqualTo(instants("2026-02-14T10:00:00Z", "2026-02-28T10:00:00Z"));
    }

    @Test
    void monthsCountFromTheAnchorSoTheDayComesBack() {
        IntervalRule rule = IntervalRule.of(IntervalUnit.MONTHS, 1, ANCHOR, ZoneOffset.UTC);
        assertThat(fires(rule, "2026-01-31T10:00:00Z", 3)).isEqualTo(instants(
                "2026-02-28T10:00:00Z", "2026-03-31T10:00:00Z", "2026-04-30T10:00:00Z"));
    }

    @Test
    void daysInAZoneKeepTheLocalTime() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        IntervalRule rule = IntervalRule.of(IntervalUnit.DAYS, 1, Instant.parse("2026-03-28T08:00:00Z"), berlin);
        assertThat(fires(rule, "2026-03-28T08:00:00Z", 2)) // 09:00 CET, then 09:00 CEST
                .isEqualTo(instants("2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z"));
    }

    @Test
    void unitAndValueAreChecked() {
        assertThatThrownBy(() -> IntervalUnit.parse("fortnights"))
                .isInstanceOfSatisfying(ScheduleRuleException.class, e -> assertThat(e.field()).isEqualTo("interval_unit"));
        assertThatThrownBy(() -> IntervalUnit.parse("on_demand"))
                .isInstanceOfSatisfying(ScheduleRuleException.class, e -> assertThat(e.reason()).contains("on_demand"));
        assertThat(IntervalUnit.parse("Hours")).isEqualTo(IntervalUnit.HOURS);
        assertThatThrownBy(() -> IntervalRule.of(IntervalUnit.DAYS, 0, ANCHOR, ZoneOffset.UTC))
                .isInstanceOfSatisfying(ScheduleRuleException.class, e -> assertThat(e.field()).isEqualTo("interval_value"));
    }
}
