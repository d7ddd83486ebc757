package io.trainyard.worker.internal.poll;

import java.util.List;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a {@link Lane} does with its records, in steps, so that the steps that talk to Redis can
 * take a whole batch in one round trip:
 *
 * <ol>
 *   <li>{@link #begin}, on the lane's thread, with every record of a poll at once;
 *   <li>{@link #run}, on a virtual thread per record, for work that {@link #runs} (as long as its
 *       job takes);
 *   <li>{@link #end}, on the lane's thread, with whatever ended since the last call, returning
 *       each record's acknowledgement.
 * </ol>
 *
 * Redis may be out of reach at either end. Work whose start could not be recorded
 * {@link #waits}: the lane keeps its record (renewing its lock, so no delivery is spent) and
 * calls {@link #retryBegin} until it can. Work also waits, the same way, for another worker's
 * lease on its run to lapse. Work whose end could not be recorded gets a null
 * acknowledgement from {@link #end}: the lane keeps its record and calls {@link #end} again.
 * Every piece of work that {@link #begin} returns reaches an acknowledgement exactly once, or
 * is handed back with {@link #handBack} when the worker stops before it could start.
 *
 * @param <W> the handler's own record of one piece of work
 */
interface RecordHandler<W> {
    /** Takes up a freshly polled batch: one piece of work per record, in order. */
    List<W> begin(List<ConsumerRecord<byte[], byte[]>> records);

    /** Whether {@code work} did not start yet and is to be tried again (see {@link #retryBegin}). */
    boolean waits(W work);

    /** Whether {@code work} waits because Redis is out of reach (then the worker takes no more work). */
    boolean waitsForRedis(W work);

    /** Tries again to start work that {@link #waits}; afterwards each waits, runs, or is settled. */
    void retryBegin(List<W> work);

    /** Whether {@code work} still has to {@link #run}; false when {@link #begin} settled it already. */
    boolean runs(W work);

    /** Runs {@code work} on a virtual thread; must not throw. */
    void run(W work);

    /**
     * Ends work that ran (or did not need to), in one go: the acknowledgement of each, in order;
     * null for work whose end could not be recorded yet (call again later).
     */
    List<AcknowledgeType> end(List<W> work);

    /**
     * How to give back the record of work that never started (the worker stops, or cannot reach
     * Redis): RELEASE, or, when the record is on its last delivery, a copy published anew and
     * ACCEPT, so the job is not archived by the broker for deliveries it never used.
     */
    AcknowledgeType handBack(ConsumerRecord<byte[], byte[]> record, String reason);
}
