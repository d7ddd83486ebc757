package io.trainyard.worker.retry;

import java.time.Duration;

/** Waits between attempts; injected so retry tests never sleep. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration);

    void sleep(Duration duration) throws InterruptedException;
}
