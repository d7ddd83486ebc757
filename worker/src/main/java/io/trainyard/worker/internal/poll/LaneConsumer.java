package io.trainyard.worker.internal.poll;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lane's share consumer, touched only by the lane's thread: the one place that turns a failed
 * consumer call into a replacement. A call the consumer fails (a Kafka error, or the client's
 * IllegalStateException) closes it, subscribes a new one and tells the lane through
 * {@code replaced}, so that the lane can account for the records that went with the old one.
 */
final class LaneConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(LaneConsumer.class);

    private final int lane;
    private final Supplier<ShareConsumer<byte[], byte[]>> subscribe;
    private final Consumer<Exception> replaced;
    private volatile ShareConsumer<byte[], byte[]> consumer;
    /** Acknowledgements sent to the consumer but not yet committed. */
    private boolean dirty;

    LaneConsumer(int lane, Supplier<ShareConsumer<byte[], byte[]>> subscribe, Consumer<Exception> replaced) {
        this.lane = lane;
        this.subscribe = subscribe;
        this.replaced = replaced;
    }

    /** Subscribes the first consumer (on the caller's thread, so a bad configuration fails the start). */
    void open() {
        consumer = subscribe.get();
    }

    ShareConsumer<byte[], byte[]> current() {
        return consumer;
    }

    /** Records, or none after a wakeup or a replacement. */
    ConsumerRecords<byte[], byte[]> poll(long timeoutMs) {
        try {
            return consumer.poll(Duration.ofMillis(timeoutMs));
        } catch (WakeupException e) {
            return ConsumerRecords.empty();
        } catch (KafkaException | IllegalStateException e) {
            replace(e);
            return ConsumerRecords.empty();
        }
    }

    /** Acknowledges the records; false when the consumer was replaced meanwhile. */
    boolean acknowledge(List<ConsumerRecord<byte[], byte[]>> records, List<AcknowledgeType> types) {
        try {
            for (int i = 0; i < records.size(); i++) {
                consumer.acknowledge(records.get(i), types.get(i));
            }
            dirty = true;
            return true;
        } catch (KafkaException | IllegalStateException e) {
            replace(e);
            return false;
        }
    }

    boolean acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {
        return acknowledge(List.of(record), List.of(type));
    }

    /**
     * Sends RENEW for the records and commits, waiting at most {@code commitMs} for the broker's
     * answer. An answer that does not come in time is collected by later commits.
     */
    void renew(List<ConsumerRecord<byte[], byte[]>> records, long commitMs) {
        if (records.isEmpty()) {
            return;
        }
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                consumer.acknowledge(record, AcknowledgeType.RENEW);
            }
            dirty = false;
            consumer.commitSync(Duration.ofMillis(commitMs));
        } catch (WakeupException | TimeoutException e) {
            // Unanswered yet (a stop's wakeup, a slow broker): later commits collect the answers.
            dirty = true;
        } catch (KafkaException | IllegalStateException e) {
            replace(e);
        }
    }

    /** Sends pending acknowledgements; with {@code force}, also when none is pending (to collect answers). */
    void commit(boolean force) {
        if (!dirty && !force) {
            return;
        }
        dirty = false;
        try {
            consumer.commitAsync();
        } catch (KafkaException | IllegalStateException e) {
            replace(e);
        }
    }

    /** Whatever an armed consumer has on its way, taken without waiting; none when that fails. */
    ConsumerRecords<byte[], byte[]> takeArrived() {
        try {
            return consumer.poll(Duration.ZERO);
        } catch (KafkaException | IllegalStateException e) {
            LOG.debug("lane {}: last poll failed: {}", lane, e.toString());
            return ConsumerRecords.empty();
        }
    }

    void wakeup() {
        ShareConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** Releases the records, commits and closes: the lane's end. */
    void close(List<ConsumerRecord<byte[], byte[]>> release) {
        try {
            for (ConsumerRecord<byte[], byte[]> record : release) {
                consumer.acknowledge(record, AcknowledgeType.RELEASE);
            }
            try {
                consumer.commitSync(Duration.ofSeconds(5));
            } catch (WakeupException e) {
                // The stop's wakeup, meant for a poll, met the commit instead: once more.
                consumer.commitSync(Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            LOG.warn("lane {}: final commit failed: {}", lane, e.toString());
        }
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("lane {}: close failed: {}", lane, e.toString());
        }
    }

    /** The broker's acquisition lock, or {@code configured} before the consumer knows it. */
    long lockMs(long configured) {
        return consumer.acquisitionLockTimeoutMs().map(Integer::longValue).orElse(configured);
    }

    /** Replaces the consumer after an error (the lane accounts for the records that went with it). */
    void replace(Exception cause) {
        LOG.warn("lane {}: {}; replacing its consumer", lane, cause.toString());
        try {
            consumer.close(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            // Closing a broken consumer may fail too; its records' locks expire on the broker.
        }
        dirty = false;
        replaced.accept(cause);
        consumer = subscribe.get();
    }
}
