package io.trainyard.scheduler.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.scheduler.Schedules;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleKeyTest {
    private static final ScheduleDefinition SCHEDULE = Schedules.cron("a-1", "* * * * *", Instant.EPOCH);

    @Test
    void aScheduleUnderItsOwnKeyKeepsTheDefinitionsStrings() {
        ScheduleKey key = ScheduleKey.of(new String("t1/a-1"), SCHEDULE);
        assertThat(key.tenant()).isSameAs(SCHEDULE.tenant());
        assertThat(key.taskId()).isSameAs(SCHEDULE.taskId());
        assertThat(key).isEqualTo(ScheduleKey.parse("t1/a-1")).hasToString("t1/a-1");
    }

    @Test
    void aScheduleUnderAnotherKeyIsKeptUnderThatKey() {
        assertThat(ScheduleKey.of("t1/a-2", SCHEDULE)).isEqualTo(ScheduleKey.parse("t1/a-2"))
                .isNotEqualTo(ScheduleKey.parse("t1/a-1"));
        assertThat(ScheduleKey.of("t1/a-1x", SCHEDULE)).hasToString("t1/a-1x");
        assertThat(ScheduleKey.of("t10/a-1", SCHEDULE)).hasToString("t10/a-1");
    }

    @Test
    void equalKeysAreEqualTexts() {
        assertThat(ScheduleKey.parse("plain")).hasToString("plain").isNotEqualTo(ScheduleKey.parse("plain/"));
        assertThat(ScheduleKey.parse("plain/")).hasToString("plain/");
        assertThat(ScheduleKey.parse("a/b/c")).isEqualTo(new ScheduleKey("a", "b/c")).hasToString("a/b/c");
    }
}
