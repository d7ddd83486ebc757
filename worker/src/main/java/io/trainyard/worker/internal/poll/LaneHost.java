package io.trainyard.worker.internal.poll;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;

/** What a {@link Lane} asks of the worker it runs in ({@link ShareGroupPoller}). */
interface LaneHost {
    /** False once the worker stops taking work (a drain, or a failed lane). */
    boolean takingWork();

    /**
     * Runs the worker's abandon step once the grace period is over; true when even the wait after
     * it is over and the lane should close with jobs still running.
     */
    boolean abandonIfGraceOver(long now);

    /** A new consumer of {@code topic}, subscribed, taking at most {@code maxRecords} per poll. */
    ShareConsumer<byte[], byte[]> subscribed(int lane, String topic, int maxRecords);

    /** How a record that was never run goes back (counted and logged). */
    AcknowledgeType handBack(RecordHandler<?> handler, ConsumerRecord<byte[], byte[]> record, String reason);

    /** Counts one renewal sent. */
    void renewed();

    /** A lane's loop failed: the worker stops taking work. */
    void laneFailed();
}
