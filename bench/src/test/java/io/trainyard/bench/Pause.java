package io.trainyard.bench;

import java.util.concurrent.locks.LockSupport;

/** Sleeping in the benchmark's driver, which is interrupted only when the whole run is stopped. */
final class Pause {
    private Pause() {}

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Parks until {@link System#nanoTime()} reaches {@code deadline}; used by the open-loop generators. */
    static void untilNanos(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
