package io.trainyard.worker.internal.retry;

import java.time.Duration;

/** Waits between attempts; injected so retry tests never sleep. */
@FunctionalInterface
interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration);

    void sleep(Duration duration) throws InterruptedException;
}
