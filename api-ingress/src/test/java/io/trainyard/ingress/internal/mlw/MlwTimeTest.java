package io.trainyard.ingress.internal.mlw;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MlwTimeTest {
    @Test
    void aStartTimeSplitsIntoDateAndTwoDigitHourAndMinuteInTheTasksZone() {
        long morning = Instant.parse("2026-11-23T09:05:00Z").toEpochMilli();

        assertThat(MlwTime.split(morning, ZoneOffset.UTC)).containsExactly("2026-11-23", "09", "05");
        assertThat(MlwTime.split(morning, ZoneId.of("Asia/Kolkata"))).containsExactly("2026-11-23", "14", "35");
        assertThat(MlwTime.split(Instant.parse("2026-11-23T23:59:00Z").toEpochMilli(), ZoneOffset.UTC))
                .containsExactly("2026-11-23", "23", "59");
    }

    @Test
    void timestampsReadAsMlwWritesThem() {
        assertThat(MlwTime.format("1600000000000")).isEqualTo("Sun Sep 13 12:26:40 2020");
        assertThat(MlwTime.format("")).isEmpty();
        assertThat(MlwTime.format("soon")).isEmpty();
    }
}
