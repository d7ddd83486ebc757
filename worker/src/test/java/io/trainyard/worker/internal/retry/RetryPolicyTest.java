package io.trainyard.worker.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final List<Duration> slept = new ArrayList<>();

    /** Always draws the top of the range, so the delays are exact. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private RetryPolicy policy(int maxAttempts) {
        return RetryPolicy.custom().maxAttempts(maxAttempts).backoff(Duration.ofMillis(100), 2.0)
                .maxDelay(Duration.ofMillis(1_000)).random(HIGHEST).sleeper(slept::add).build();
    }

    private static RetryableFailure io() {
        return new RetryableFailure("t", "r1", "disk went away");
    }

    @Test
    void aRetryableFailureIsRetriedWithExponentialBackoffUntilTheLastAttempt() throws InterruptedException {
        RetryPolicy policy = policy(4);
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            RetryPolicy.Decision decision = policy.decide(attempt, io());
            assertThat(decision).isInstanceOf(RetryPolicy.Decision.Retry.class);
            Duration delay = ((RetryPolicy.Decision.Retry) decision).delay();
            policy.pause(delay);
            delays.add(delay);
        }

        assertThat(delays).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(slept).isEqualTo(delays);
        assertThat(policy.decide(4, io())).isInstanceOfSatisfying(RetryPolicy.Decision.GiveUp.class,
                g -> assertThat(g.reason()).contains("4 of 4 attempts", "disk went away"));
    }

    @Test
    void aPermanentFailureIsNeverRetried() {
        RetryPolicy.Decision decision = policy(5).decide(1, new PermanentFailure("t", "r1", "no such resource"));

        assertThat(decision).isInstanceOfSatisfying(RetryPolicy.Decision.GiveUp.class,
                g -> assertThat(g.reason()).contains("permanent", "no such resource"));
        assertThat(slept).isEmpty();
    }

    @Test
    void theDelayIsCappedAndHalfOfItIsJitter() {
        RetryPolicy lowest = RetryPolicy.custom().backoff(Duration.ofMillis(100), 2.0).maxDelay(Duration.ofMillis(1_000))
                .random(new RandomGenerator() {
                    @Override
                    public long nextLong() {
                        return 0;
                    }

                    @Override
                    public long nextLong(long bound) {
                        return 0;
                    }
                }).sleeper(slept::add).build();

        assertThat(policy(10).delayAfter(9)).isEqualTo(Duration.ofMillis(1_000));
        assertThat(lowest.delayAfter(9)).isEqualTo(Duration.ofMillis(500));
        assertThat(lowest.delayAfter(1)).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void badSettingsFailFast() {
        assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.custom().backoff(Duration.ofMillis(-1), 2)).hasMessageContaining("negative");
        assertThatThrownBy(() -> RetryPolicy.custom().backoff(Duration.ofMillis(1), 0.5)).hasMessageContaining("factor");
    }

    @Test
    void failuresCarryTheRunAndTheirKind() {
        RunFailure failure = io();
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.tenant()).isEqualTo("t");
        assertThat(failure.runId()).isEqualTo("r1");
        assertThat(new PermanentFailure("t", "r", "x").retryable()).isFalse();
    }
}
