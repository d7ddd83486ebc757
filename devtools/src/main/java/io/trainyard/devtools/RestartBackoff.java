package io.trainyard.devtools;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a {@link Supervisor} waits before it starts a crashed process again: {@code initial}
 * after the first crash, doubling with each crash in a row up to {@code max}. A process that
 * stayed up for {@code stableAfter} before it crashed starts the series again at {@code initial}.
 */
record RestartBackoff(Duration initial, Duration max, Duration stableAfter) {
    public static final Duration DEFAULT_INITIAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STABLE_AFTER = Duration.ofMinutes(1);

    public RestartBackoff {
        requirePositive("initial", initial);
        requirePositive("max", max);
        requirePositive("stableAfter", stableAfter);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("restart backoff: max " + max + " is shorter than initial " + initial);
        }
    }

    public static RestartBackoff ofDefaults() {
        return new RestartBackoff(DEFAULT_INITIAL, DEFAULT_MAX, DEFAULT_STABLE_AFTER);
    }

    /** Which crash in a row this one is, given the one before's count and how long the process was up. */
    public int crashesInARow(int before, Duration upFor) {
        return upFor.compareTo(stableAfter) >= 0 ? 1 : before + 1;
    }

    /** The wait before the restart that follows the {@code crashesInARow}-th crash in a row. */
    public Duration delay(int crashesInARow) {
        if (crashesInARow < 1) {
            throw new IllegalArgumentException(
                    "restart backoff: crashesInARow must be at least 1, not " + crashesInARow);
        }
        Duration delay = initial;
        for (int i = 1; i < crashesInARow && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("restart backoff: " + name + " must be positive, not " + value);
        }
    }
}
