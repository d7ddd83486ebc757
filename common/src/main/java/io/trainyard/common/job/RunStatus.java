package io.trainyard.common.job;

/** The life of one run (an MLW "individual task"). Terminal statuses are written exactly once. */
public enum RunStatus {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED,
    TIMED_OUT;

    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }
}
