package io.trainyard.common.schedule;

import static io.trainyard.common.schedule.CronScheduleTest.instants;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTimingTest {
    private static final CronSchedule HOURLY = CronSchedule.parse("@hourly", ZoneOffset.UTC);

    @Test
    void noFireBeforeTheStartAndAFireExactlyAtTheStart() {
        ScheduleTiming timing = new ScheduleTiming(HOURLY, Instant.parse("2026-01-01T05:00:00Z"), null);
        assertThat(timing.nextFireAfter(Instant.parse("2026-01-01T00:00:00Z")))
                .contains(Instant.parse("2026-01-01T05:00:00Z"));
        ScheduleTiming odd = new ScheduleTiming(HOURLY, Instant.parse("2026-01-01T05:00:00.001Z"), null);
        assertThat(odd.nextFireAfter(Instant.parse("2026-01-01T00:00:00Z")))
                .contains(Instant.parse("2026-01-01T06:00:00Z"));
    }

    @Test
    void theEndIsTheLastAllowedFire() {
        ScheduleTiming timing = new ScheduleTiming(HOURLY, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T03:00:00Z"));
        List<Instant> all = new ArrayList<>();
        Instant cursor = Instant.parse("2025-12-31T00:00:00Z");
        for (var next = timing.nextFireAfter(cursor); next.isPresent(); next = timing.nextFireAfter(cursor)) {
            all.add(next.get());
            cursor = next.get();
        }
        assertThat(all).isEqualTo(instants("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z",
                "2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"));
    }

    @Test
    void anEndNotAfterTheStartIsRefused() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        assertThatThrownBy(() -> new ScheduleTiming(HOURLY, at, at)).isInstanceOf(ScheduleRuleException.class);
    }
}
