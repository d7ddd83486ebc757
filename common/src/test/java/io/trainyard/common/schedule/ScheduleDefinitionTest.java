package io.trainyard.common.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.job.JobType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ScheduleDefinitionTest {
    private static final Instant NOW = Instant.parse("2026-06-17T10:15:00Z");
    private static final RunTemplate RUN = new RunTemplate(JobType.CODE, "p1", "r1", "nightly", 60);

    private static ScheduleDefinition.Builder cron() {
        return ScheduleDefinition.builder("dev", "t-1")
                .run(RUN)
                .timing(ScheduleRequest.recurrence("REPEAT", "0 2 * * *", "Europe/Berlin", null,
                        "2026-12-31", NOW).orElseThrow())
                .createdAt(NOW);
    }

    @Test
    void cronRoundTripsThroughJson() {
        ScheduleDefinition definition = cron().overlap(OverlapPolicy.QUEUE_ONE)
                .catchUpWindow(Duration.ofMinutes(10)).build();
        ScheduleDefinition back = ScheduleDefinition.fromJson(definition.toJson());
        assertThat(back).isEqualTo(definition);
        assertThat(back.key()).isEqualTo("dev/t-1");
        assertThat(back.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    }

    @Test
    void intervalRoundTripsThroughJson() {
        ScheduleDefinition definition = ScheduleDefinition.builder("dev", "t-2").run(RUN)
                .timing(ScheduleRequest.interval("weeks", "1", "2026-06-18T09:00:00Z", null, null, NOW))
                .createdAt(NOW).build();
        ScheduleDefinition back = ScheduleDefinition.fromJson(definition.toJson());
        assertThat(back).isEqualTo(definition);
        assertThat(back.overlap()).isEqualTo(OverlapPolicy.SKIP);
        assertThat(back.catchUpWindow()).isNull();
    }

    @Test
    void theWireFormIsReadableJson() {
        String json = new String(cron().build().toJson(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"schemaVersion\":1", "\"tenant\":\"dev\"", "\"taskId\":\"t-1\"",
                "\"rule\":{\"kind\":\"cron\",\"expression\":\"0 2 * * *\"}", "\"timeZone\":\"Europe/Berlin\"",
                "\"overlap\":\"SKIP\"", "\"end\":\"2026-12-30T23:00:00Z\"");
    }

    @Test
    void noFireBeforeItWasCreated() {
        ScheduleDefinition definition = ScheduleDefinition.builder("dev", "t-3").run(RUN)
                .timing(ScheduleRequest.recurrence("REPEAT", "@hourly", null, "2020-01-01", null, NOW).orElseThrow())
                .createdAt(NOW).build();
        assertThat(definition.nextFireAfter(Instant.parse("2021-01-01T00:00:00Z")))
                .contains(Instant.parse("2026-06-17T11:00:00Z"));
    }

    @Test
    void badRecordsAreRefusedWithTheField() {
        assertThatThrownBy(() -> ScheduleDefinition.fromJson("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ScheduleRuleException.class, e -> assertThat(e.field()).isEqualTo("record"));
        String badCron = new String(cron().build().toJson(), StandardCharsets.UTF_8).replace("0 2 * * *", "0 2 * *");
        assertThatThrownBy(() -> ScheduleDefinition.fromJson(badCron.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ScheduleRuleException.class, e -> assertThat(e.field()).isEqualTo("cronExpression"));
        assertThatThrownBy(() -> cron().catchUpWindow(Duration.ofDays(30)).build())
                .isInstanceOfSatisfying(ScheduleRuleException.class, e -> assertThat(e.field()).isEqualTo("catchUpWindow"));
        assertThatThrownBy(() -> ScheduleDefinition.builder("a{b}", "t").run(RUN).timing(cron().build().timing())
                .createdAt(NOW).build())
                .isInstanceOfSatisfying(ScheduleRuleException.class, e -> assertThat(e.field()).isEqualTo("tenant"));
    }
}
