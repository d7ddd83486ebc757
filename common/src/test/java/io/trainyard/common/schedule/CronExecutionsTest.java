package io.trainyard.common.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cronutils.model.time.ExecutionTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CronExecutionsTest {
    private static final LocalDateTime NOON = LocalDateTime.parse("2026-06-01T12:00:00");

    private final AtomicInteger parsed = new AtomicInteger();

    private ExecutionTime parse(String text) {
        parsed.incrementAndGet();
        return ExecutionTime.forCron(CronSyntax.parse(text).cron());
    }

    @Test
    void aTextInRecentUseIsParsedOnceAndTheLeastRecentlyUsedMakesWay() {
        CronExecutions executions = new CronExecutions(2);
        executions.remember("0 2 * * *", this::parse);
        executions.next("0 2 * * *", NOON, this::parse);
        executions.next("*/5 * * * *", NOON, this::parse);
        executions.next("0 2 * * *", NOON, this::parse);
        executions.next("@hourly", NOON, this::parse);
        assertThat(parsed).hasValue(3);
        assertThat(executions.size()).isEqualTo(2);
        executions.next("0 2 * * *", NOON, this::parse);
        executions.next("*/5 * * * *", NOON, this::parse);
        assertThat(parsed).hasValue(4);
    }

    @Test
    void theSameQuestionTwiceGetsTheSameAnswerAndAnotherQuestionItsOwn() {
        CronExecutions executions = new CronExecutions(8);
        assertThat(executions.next("30 2 * * *", NOON, this::parse)).contains(LocalDateTime.parse("2026-06-02T02:30:00"));
        assertThat(executions.next("30 2 * * *", NOON, this::parse)).contains(LocalDateTime.parse("2026-06-02T02:30:00"));
        assertThat(executions.next("30 2 * * *", LocalDateTime.parse("2026-06-02T02:30:00"), this::parse))
                .contains(LocalDateTime.parse("2026-06-03T02:30:00"));
        assertThat(executions.next("0 0 0 1 1 ? 2020", NOON, this::parse)).isEmpty();
    }

    @Test
    void rulesWithTheSameTextGiveTheSameFiresWhetherOrNotTheirParsedFormWasKept() {
        CronSchedule rule = CronSchedule.parse("15 3 * * *", ZoneId.of("Europe/Berlin"));
        Instant after = Instant.parse("2026-06-01T00:00:00Z");
        Instant first = rule.nextFireAfter(after).orElseThrow();
        for (int i = 0; i < 5_000; i++) {
            CronSchedule.parse(i % 60 + " " + i / 60 % 24 + " * * *", ZoneId.of("UTC")).nextFireAfter(after);
        }
        assertThat(rule.nextFireAfter(after)).contains(first).contains(Instant.parse("2026-06-01T01:15:00Z"));
        assertThat(CronSchedule.parse("15 3 * * *", ZoneId.of("UTC")).nextFireAfter(after))
                .contains(Instant.parse("2026-06-01T03:15:00Z"));
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new CronExecutions(0)).hasMessageContaining("capacity");
    }
}
