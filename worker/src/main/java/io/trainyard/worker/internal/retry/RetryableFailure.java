package io.trainyard.worker.internal.retry;

/** A failure the next attempt may not meet: an I/O error, a sandbox that could not start or was lost. */
public final class RetryableFailure extends RunFailure {
    public RetryableFailure(String tenant, String runId, String message, Throwable cause) {
        super(tenant, runId, message, cause);
    }

    public RetryableFailure(String tenant, String runId, String message) {
        this(tenant, runId, message, null);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
