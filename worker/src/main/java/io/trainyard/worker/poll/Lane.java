package io.trainyard.worker.poll;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;

/**
 * One slot of the worker and the share consumer that feeds it, holding at most one record.
 *
 * <p>Why a consumer per slot: in explicit acknowledgement mode a share consumer may not poll
 * again until every record of its last poll is acknowledged, and a record acknowledged with
 * RENEW comes back on the next poll instead of new records. A single consumer could therefore
 * take no new job while any job runs. With one consumer per slot, an idle slot polls while the
 * others run, and each running record is renewed on its own lane. Only the poll thread touches a
 * lane (the consumer is not thread-safe), except {@link ShareConsumer#wakeup()}.
 */
final class Lane {
    enum State {
        /** No record: the lane polls for one while the worker takes work. */
        IDLE,
        /** A job runs on the held record; its lock is renewed at half its duration. */
        BUSY,
        /** RENEW was sent; the next polls return the held record with a fresh lock. */
        RENEWING,
        /** The lock was lost (consumer replaced): the job still runs, but its record is no longer ours. */
        ORPHANED
    }

    final int index;
    volatile ShareConsumer<byte[], byte[]> consumer;
    State state = State.IDLE;
    ConsumerRecord<byte[], byte[]> held;
    long lockedAt;
    long renewingSince;
    AcknowledgeType pendingAck;
    boolean dirty;

    Lane(int index, ShareConsumer<byte[], byte[]> consumer) {
        this.index = index;
        this.consumer = consumer;
    }

    boolean holds(ConsumerRecord<byte[], byte[]> record) {
        return held != null && held.topic().equals(record.topic()) && held.partition() == record.partition()
                && held.offset() == record.offset();
    }

    void acknowledge(AcknowledgeType type) {
        consumer.acknowledge(held, type);
        held = null;
        pendingAck = null;
        state = State.IDLE;
        dirty = true;
    }
}
