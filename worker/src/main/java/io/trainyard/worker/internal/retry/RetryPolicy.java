package io.trainyard.worker.internal.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When a failed attempt is tried again and after how long: at most {@code maxAttempts} attempts,
 * exponential backoff ({@code base * factor^(attempt-1)}, capped) with "equal jitter" (half the
 * delay fixed, half random) so that runs failing together do not come back together. Only a
 * {@link RetryableFailure} is retried; anything else, or the last attempt, is final.
 */
public final class RetryPolicy {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
    public static final double DEFAULT_FACTOR = 2.0;
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);

    private final int maxAttempts;
    private final Duration base;
    private final double factor;
    private final Duration maxDelay;
    private final RandomGenerator random;
    private final Sleeper sleeper;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.base = b.base;
        this.factor = b.factor;
        this.maxDelay = b.maxDelay;
        this.random = b.random;
        this.sleeper = b.sleeper;
    }

    public static RetryPolicy ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** What to do after attempt number {@code attempt} (1-based) failed with {@code failure}. */
    public sealed interface Decision {
        record Retry(Duration delay) implements Decision {}
        record GiveUp(String reason) implements Decision {}
    }

    public Decision decide(int attempt, RunFailure failure) {
        if (!failure.retryable()) {
            return new Decision.GiveUp("permanent failure: " + failure.getMessage());
        }
        if (attempt >= maxAttempts) {
            return new Decision.GiveUp("gave up after " + attempt + " of " + maxAttempts + " attempts: "
                    + failure.getMessage());
        }
        return new Decision.Retry(delayAfter(attempt));
    }

    /** The delay before the attempt following {@code attempt}: exponential, capped, half of it random. */
    public Duration delayAfter(int attempt) {
        double exponential = base.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
        long capped = (long) Math.min(exponential, maxDelay.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(capped - half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }

    /** Waits out a retry delay with the injected sleeper. */
    public void pause(Duration delay) throws InterruptedException {
        if (!delay.isZero() && !delay.isNegative()) {
            sleeper.sleep(delay);
        }
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Immutable once built; every setter validates at once. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration base = DEFAULT_BASE;
        private double factor = DEFAULT_FACTOR;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private RandomGenerator random = RandomGenerator.getDefault();
        private Sleeper sleeper = Sleeper.REAL;

        private Builder() {}

        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + value);
            }
            this.maxAttempts = value;
            return this;
        }

        public Builder backoff(Duration firstDelay, double multiplier) {
            if (firstDelay.isNegative()) {
                throw new IllegalArgumentException("backoff must not be negative, got " + firstDelay);
            }
            if (multiplier < 1.0) {
                throw new IllegalArgumentException("backoff factor must be at least 1, got " + multiplier);
            }
            this.base = firstDelay;
            this.factor = multiplier;
            return this;
        }

        public Builder maxDelay(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("maxDelay must not be negative, got " + value);
            }
            this.maxDelay = value;
            return this;
        }

        public Builder random(RandomGenerator value) {
            this.random = Objects.requireNonNull(value);
            return this;
        }

        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value);
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
