package io.trainyard.worker.internal.retry;

/**
 * The root of every failure of a run that is not the user's script's own result. Whether the
 * worker tries again is a matter of type: {@link RetryableFailure} or {@link PermanentFailure}.
 */
public abstract sealed class RunFailure extends Exception permits RetryableFailure, PermanentFailure {
    private final String tenant;
    private final String runId;

    protected RunFailure(String tenant, String runId, String message, Throwable cause) {
        super(message, cause);
        this.tenant = tenant;
        this.runId = runId;
    }

    public String tenant() {
        return tenant;
    }

    public String runId() {
        return runId;
    }

    public abstract boolean retryable();
}
