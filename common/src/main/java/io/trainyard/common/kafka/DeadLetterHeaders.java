package io.trainyard.common.kafka;

/**
 * The headers of a record on {@link Topics#DLQ}: why it is there, after how many attempts, where
 * it came from and who sent it. The original record's own headers come first.
 */
public final class DeadLetterHeaders {
    public static final String REASON = "trainyard.dlq.reason";
    public static final String ATTEMPTS = "trainyard.dlq.attempts";
    public static final String SOURCE_TOPIC = "trainyard.dlq.source.topic";
    /** Absent when the record was not taken from a topic (the reconciler rebuilds an abandoned run's job). */
    public static final String SOURCE_PARTITION = "trainyard.dlq.source.partition";
    public static final String SOURCE_OFFSET = "trainyard.dlq.source.offset";
    /** The worker that sent it, or the one that last held an abandoned run. */
    public static final String WORKER = "trainyard.dlq.worker";
    /** The scheduler instance whose reconciler sent it; absent on a worker's dead letters. */
    public static final String RECONCILER = "trainyard.dlq.reconciler";
    public static final String AT = "trainyard.dlq.at";

    private DeadLetterHeaders() {}
}
