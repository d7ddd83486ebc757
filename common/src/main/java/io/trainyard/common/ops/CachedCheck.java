package io.trainyard.common.ops;

import java.time.Duration;
import java.time.InstantSource;
import java.util.function.BooleanSupplier;

/**
 * A check whose answer is kept for {@code maxAge}: however often probes and scrapers ask, Kafka
 * or Redis is asked at most once per period. Callers that arrive while a check runs wait for it
 * and share its answer.
 */
final class CachedCheck implements BooleanSupplier {
    private final BooleanSupplier check;
    private final InstantSource clock;
    private final long maxAgeMillis;
    private boolean answer;
    private long checkedAt;
    private boolean checked;

    public CachedCheck(BooleanSupplier check, Duration maxAge, InstantSource clock) {
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
        }
        this.check = check;
        this.clock = clock;
        this.maxAgeMillis = maxAge.toMillis();
    }

    @Override
    public synchronized boolean getAsBoolean() {
        long now = clock.millis();
        if (!checked || now - checkedAt >= maxAgeMillis) {
            answer = check.getAsBoolean();
            checkedAt = clock.millis();
            checked = true;
        }
        return answer;
    }
}
