package io.trainyard.worker.internal.retry;

/** A failure every attempt would meet again: a missing resource, a job no executor can run. */
public final class PermanentFailure extends RunFailure {
    public PermanentFailure(String tenant, String runId, String message, Throwable cause) {
        super(tenant, runId, message, cause);
    }

    public PermanentFailure(String tenant, String runId, String message) {
        this(tenant, runId, message, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
