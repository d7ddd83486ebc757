package io.trainyard.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    private static final Duration STABLE = Duration.ofMinutes(1);

    private final RestartBackoff backoff = RestartBackoff.ofDefaults();

    @Test
    void theDelayDoublesWithEachCrashInARowUpToTheMax() {
        assertThat(IntStream.rangeClosed(1, 7).mapToObj(backoff::delay).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
        assertThat(backoff.delay(10_000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aProcessThatStayedUpLongEnoughStartsTheSeriesAgain() {
        assertThat(backoff.crashesInARow(0, Duration.ofMillis(200))).isEqualTo(1);
        assertThat(backoff.crashesInARow(5, Duration.ofSeconds(59))).isEqualTo(6);
        assertThat(backoff.crashesInARow(5, Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(backoff.delay(backoff.crashesInARow(5, Duration.ofMinutes(3)))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aBadPolicyFailsNamingWhatIsWrong() {
        assertThatThrownBy(() -> new RestartBackoff(Duration.ZERO, Duration.ofSeconds(30), STABLE))
                .hasMessageContaining("initial");
        assertThatThrownBy(() -> new RestartBackoff(Duration.ofSeconds(5), Duration.ofSeconds(2), STABLE))
                .hasMessageContaining("max");
        assertThatThrownBy(() -> backoff.delay(0)).hasMessageContaining("crashesInARow");
    }
}
