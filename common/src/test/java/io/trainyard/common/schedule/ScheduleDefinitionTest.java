package io.trainyard.common.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.common.job.JobType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ScheduleDefinitionTest {
    private static final Instant NOW = Instant.parse("2026-06-17T10:15:00Z");
    private static final RunTemplate RUN = new RunTemplate(JobType.CODE, "p1", "r1", "nightly", 60);

    private static ScheduleDefinition.Builder cron() {
        return ScheduleDefinition.builder("dev", "t-1")
                .run(RUN)
                .timing(new ScheduleTiming(CronSchedule.parse("0 2 * * *", ZoneId.of("Europe/Berlin")), NOW,
                        Instant.parse("2026-12-30T23:00:00Z")))
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
    void decodedSchedulesShareTheirTenantProjectAndCronRuleButNotTheirTask() {
        ScheduleDefinition a = ScheduleDefinition.fromJson(cron().build().toJson());
        ScheduleDefinition b = ScheduleDefinition.fromJson(ScheduleDefinition.builder("dev", "t-9").run(RUN)
                .timing(cron().build().timing()).createdAt(NOW).build().toJson());
        assertThat(b.tenant()).isSameAs(a.tenant());
        assertThat(b.run().projectId()).isSameAs(a.run().projectId());
        assertThat(b.run().resourceId()).isSameAs(a.run().resourceId());
        assertThat(b.rule()).isSameAs(a.rule());
        assertThat(b.taskId()).isEqualTo("t-9");
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void aScheduleStartingWhenCreatedKeepsOneInstantForBoth() {
        ScheduleDefinition definition = ScheduleDefinition.builder("dev", "t-4").run(RUN)
                .timing(new ScheduleTiming(CronSchedule.parse("0 2 * * *", ZoneId.of("UTC")), NOW, null))
                .createdAt(NOW).build();
        ScheduleDefinition back = ScheduleDefinition.fromJson(definition.toJson());
        assertThat(back).isEqualTo(definition);
        assertThat(back.start()).isSameAs(back.createdAt());
    }

    @Test
    void aPipelineHeadRoundTripsAndARecordWithoutTheMarkIsATasksSchedule() {
        ScheduleDefinition head = cron().run(new RunTemplate(JobType.NOOP, null, null, "nightly", 0, true)).build();
        assertThat(ScheduleDefinition.fromJson(head.toJson()).run().pipelineHead()).isTrue();
        String before = "{\"schemaVersion\":1,\"tenant\":\"dev\",\"taskId\":\"t-9\","
                + "\"createdAt\":\"2026-06-17T10:15:00Z\",\"run\":{\"type\":\"CODE\",\"projectId\":\"p1\","
                + "\"resourceId\":\"r1\",\"taskName\":\"nightly\",\"timeoutSeconds\":0},"
                + "\"rule\":{\"kind\":\"cron\",\"expression\":\"0 2 * * *\"},\"timeZone\":\"UTC\","
                + "\"start\":\"2026-06-17T10:15:00Z\",\"overlap\":\"SKIP\"}";
        assertThat(ScheduleDefinition.fromJson(before.getBytes(StandardCharsets.UTF_8)).run().pipelineHead()).isFalse();
    }

    @Test
    void intervalRoundTripsThroughJson() {
        ScheduleDefinition definition = ScheduleDefinition.builder("dev", "t-2").run(RUN)
                .timing(new ScheduleTiming(IntervalRule.of(IntervalUnit.WEEKS, 1, Instant.parse("2026-06-18T09:00:00Z"),
                        ZoneOffset.UTC), Instant.parse("2026-06-18T09:00:00Z"), null))
                .createdAt(NOW).build();
        ScheduleDefinition back = ScheduleDefinition.fromJson(definition.toJson());
        assertThat(back).isEqualTo(definition);
        assertThat(back.overlap()).isEqualTo(OverlapPolicy.SKIP);
        assertThat(back.catchUpWindow()).isNull();
    }

    @Test
    void aOneShotFiresOnceAtItsStartAndRoundTripsThroughJson() {
        Instant at = Instant.parse("2026-06-17T12:00:00Z");
        ScheduleDefinition definition = ScheduleDefinition.builder("dev", "t-3").run(RUN)
                .timing(new ScheduleTiming(OnceRule.at(at, ZoneId.of("Europe/Berlin")), at, null))
                .createdAt(NOW).build();
        ScheduleDefinition back = ScheduleDefinition.fromJson(definition.toJson());
        assertThat(back).isEqualTo(definition);
        assertThat(new String(definition.toJson(), StandardCharsets.UTF_8)).contains("\"kind\":\"once\"");
        assertThat(back.nextFireAfter(NOW)).hasValue(at);
        assertThat(back.nextFireAfter(at.minusMillis(1))).hasValue(at);
        assertThat(back.nextFireAfter(at)).isEmpty();
        assertThat(back.nextFireAfter(at.plusSeconds(3600))).isEmpty();
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
                .timing(new ScheduleTiming(CronSchedule.parse("@hourly", ZoneOffset.UTC),
                        Instant.parse("2020-01-01T00:00:00Z"), null))
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
