package io.trainyard.worker.poll;

import java.util.List;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a {@link Lane} does with its records, in three steps, so that the steps that talk to
 * Redis can take a whole batch in one round trip:
 *
 * <ol>
 *   <li>{@link #begin}, on the lane's thread, with every record of a poll at once;
 *   <li>{@link #run}, on a virtual thread per record, for work that {@link #runs} (as long as its
 *       job takes);
 *   <li>{@link #end}, on the lane's thread, with whatever ended since the last call, returning
 *       each record's acknowledgement.
 * </ol>
 *
 * Every piece of work that {@link #begin} returns reaches {@link #end} exactly once.
 *
 * @param <W> the handler's own record of one piece of work
 */
public interface RecordHandler<W> {
    /** Takes up a freshly polled batch: one piece of work per record, in order. */
    List<W> begin(List<ConsumerRecord<byte[], byte[]>> records);

    /** Whether {@code work} still has to {@link #run}; false when {@link #begin} settled it already. */
    boolean runs(W work);

    /** Runs {@code work} on a virtual thread; must not throw. */
    void run(W work);

    /** Ends work that ran (or did not need to), in one go; the acknowledgement of each, in order. */
    List<AcknowledgeType> end(List<W> work);
}
