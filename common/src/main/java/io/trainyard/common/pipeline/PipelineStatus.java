package io.trainyard.common.pipeline;

/**
 * A pipeline's status: RUNNING while any step is open; then COMPLETED when every step completed,
 * CANCELLED when it was cancelled, else FAILED. CANCELLING: cancelled, steps still stopping.
 */
public enum PipelineStatus {
    RUNNING,
    CANCELLING,
    COMPLETED,
    FAILED,
    CANCELLED
}
