package io.trainyard.worker.internal.sandbox;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A watch for sandbox tests: stops the process when {@code stop} completes, and nothing else. */
record StopOnlyWatch(CompletableFuture<?> stop) implements ProcessSupervisor.Watch {
    /** A watch that never asks the process to stop. */
    StopOnlyWatch() {
        this(new CompletableFuture<>());
    }

    @Override
    public CompletableFuture<?> stopRequested() {
        return stop;
    }

    @Override
    public void heartbeat() {}

    @Override
    public Duration heartbeatInterval() {
        return Duration.ofMillis(200);
    }
}
