package io.trainyard.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedCheckTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final CachedCheck check = new CachedCheck(() -> {
        asked.incrementAndGet();
        return up.get();
    }, Duration.ofSeconds(2), () -> Instant.ofEpochMilli(now.get()));

    @Test
    void anAnswerIsReusedUntilItIsMaxAgeOld() {
        assertThat(check.getAsBoolean()).isTrue();
        up.set(false);
        now.addAndGet(1_999);
        assertThat(check.getAsBoolean()).isTrue();
        assertThat(asked).hasValue(1);

        now.addAndGet(1);
        assertThat(check.getAsBoolean()).isFalse();
        assertThat(asked).hasValue(2);
    }

    @Test
    void readinessIsTheConjunctionOfNamedChecksInOrder() {
        ReadinessChecks checks = ReadinessChecks.none().with("kafka", check).with("worker", () -> true);
        assertThat(checks.get()).containsExactly(java.util.Map.entry("kafka", true), java.util.Map.entry("worker", true));
        assertThat(checks.ready()).isTrue();

        up.set(false);
        now.addAndGet(2_000);
        assertThat(checks.get()).containsEntry("kafka", false);
        assertThat(checks.ready()).isFalse();
        assertThatThrownBy(() -> checks.with("kafka", () -> true)).hasMessageContaining("kafka");
    }
}
