package io.trainyard.common.pipeline;

/**
 * Where a pipeline's step is. WAITING (parents not all COMPLETED) → READY (in the outbox, its job
 * not yet known to be on Kafka) → QUEUED (its job is on Kafka; its run says whether it runs) →
 * one of the run's terminal statuses, or SKIPPED (under {@link FailurePolicy#CONTINUE}, an
 * ancestor did not complete) or CANCELLED (before it started: the pipeline was cancelled, or
 * failed under {@link FailurePolicy#FAIL_FAST}).
 */
public enum StepState {
    WAITING,
    READY,
    QUEUED,
    COMPLETED,
    FAILED,
    CANCELLED,
    TIMED_OUT,
    SKIPPED;

    public boolean isTerminal() {
        return ordinal() >= COMPLETED.ordinal();
    }
}
