package io.trainyard.ingress;

import io.trainyard.common.kafka.Topics;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.ingress.internal.schedule.SchedulePublishException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes schedule definitions and deletions (tombstones) to the compacted
 * {@code trainyard.schedules} topic and returns only once Kafka acknowledged them (acks=all).
 * Failures throw {@link SchedulePublishException}; callers roll back what they stored.
 */
public final class SchedulePublisher implements AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final Duration timeout;
    private final boolean ownsProducer;

    /** Shares a producer the caller configured with acks=all and owns (it is not closed here). */
    public SchedulePublisher(Producer<String, byte[]> producer, Duration timeout) {
        this(producer, timeout, false);
    }

    private SchedulePublisher(Producer<String, byte[]> producer, Duration timeout, boolean ownsProducer) {
        this.producer = producer;
        this.timeout = timeout;
        this.ownsProducer = ownsProducer;
    }

    /** A publisher with its own idempotent, acks=all producer whose limits match {@code timeout}. */
    public static SchedulePublisher connect(String bootstrapServers, Duration timeout) {
        int millis = (int) Math.max(1_000, timeout.toMillis());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "trainyard-schedule-publisher",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, millis,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, millis / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis),
                new StringSerializer(), new ByteArraySerializer());
        return new SchedulePublisher(producer, Duration.ofMillis(millis), true);
    }

    /** Publishes (or replaces) a schedule. */
    public void publish(ScheduleDefinition definition) {
        send(definition.key(), definition.toJson(), () -> timeout.toMillis() + 1_000);
    }

    /**
     * Publishes (or replaces) a schedule, sending and waiting for the acknowledgement
     * {@code within} at most, for a caller with a deadline of its own. With no time left it sends
     * nothing and throws.
     */
    public void publish(ScheduleDefinition definition, Duration within) {
        if (within.isNegative() || within.isZero()) {
            throw new SchedulePublishException(definition.key(),
                    new TimeoutException("no time left to wait for Kafka"));
        }
        long deadline = System.nanoTime() + within.toNanos();
        send(definition.key(), definition.toJson(), () -> TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Deletes a schedule: a tombstone, which stops its fires on whichever scheduler owns it. */
    public void delete(String tenant, String taskId) {
        send(ScheduleDefinition.key(tenant, taskId), null, () -> timeout.toMillis() + 1_000);
    }

    /** Sends the record, then waits {@code waitMillis} (asked once it is sent) for its acknowledgement. */
    private void send(String key, byte[] value, LongSupplier waitMillis) {
        try {
            producer.send(new ProducerRecord<>(Topics.SCHEDULES, key, value))
                    .get(waitMillis.getAsLong(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new SchedulePublishException(key, e.getCause());
        } catch (TimeoutException e) {
            throw new SchedulePublishException(key, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchedulePublishException(key, e);
        } catch (RuntimeException e) {
            // send() fails fast when no metadata arrives within max.block.ms
            throw new SchedulePublishException(key, e);
        }
    }

    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
