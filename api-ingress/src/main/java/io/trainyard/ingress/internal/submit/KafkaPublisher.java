package io.trainyard.ingress.internal.submit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trainyard.common.kafka.KafkaConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a record and blocks until every in-sync replica has it (acks=all, idempotent
 * producer), or until the caller's wait is over. The producer's own limits follow the
 * {@link SubmitBound}: sending blocks the caller for {@link SubmitBound#sendBlockMillis()} at
 * most (a stopped broker leaves the producer without metadata or room in its buffer), and the
 * producer gives a record up once no submit could still be waiting for it. A record given up may
 * still reach the log (the broker wrote it, the answer was lost): its submit's rollback ends the
 * run, so a worker skips it.
 *
 * <p>Concurrent submits share the producer: records sent within {@code lingerMillis} of each
 * other travel in one batch and are acknowledged by one response, so the broker's cost is per
 * batch, not per submit. Each caller still waits for its own record's acknowledgement.
 */
public final class KafkaPublisher implements RecordPublisher, AutoCloseable {
    /** Large enough that linger, not size, closes a batch at any submit rate one ingress sees. */
    static final int BATCH_BYTES = 256 * 1024;

    private final KafkaProducer<String, byte[]> producer;
    private final PublishTimers timers;

    /** {@code lingerMillis} at most 100 (the setting's bound), so linger fits in the delivery timeout. */
    public KafkaPublisher(KafkaConnection kafka, SubmitBound bound, long lingerMillis, MeterRegistry metrics) {
        this.timers = new PublishTimers(metrics);
        long publishMillis = bound.publishMillis();
        this.producer = new KafkaProducer<>(kafka.config(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "trainyard-ingress",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, (int) lingerMillis,
                ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, bound.sendBlockMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, publishMillis / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) publishMillis)),
                new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void publish(String topic, String key, byte[] value, long waitMillis) {
        if (waitMillis <= 0) {
            // Sent now, it could only be acknowledged after its submit was answered: not sent at all.
            timers.of(topic, "timeout").record(0, TimeUnit.NANOSECONDS);
            throw new PublishFailedException(topic, key, new TimeoutException("no time left to wait for Kafka"));
        }
        long start = System.nanoTime();
        String outcome = "acked";
        try {
            producer.send(new ProducerRecord<>(topic, key, value))
                    .get(waitMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            outcome = "failed";
            throw new PublishFailedException(topic, key, e.getCause());
        } catch (TimeoutException e) {
            outcome = "timeout";
            throw new PublishFailedException(topic, key, e);
        } catch (InterruptedException e) {
            outcome = "interrupted";
            Thread.currentThread().interrupt();
            throw new PublishFailedException(topic, key, e);
        } catch (RuntimeException e) {
            // send() itself fails fast when metadata or buffer space cannot be had within max.block.ms.
            outcome = "failed";
            throw new PublishFailedException(topic, key, e);
        } finally {
            timers.of(topic, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** The producer, for publishers of other records that share its connections and guarantees. */
    public Producer<String, byte[]> producer() {
        return producer;
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(2));
    }

    /** The publish timer of each topic and outcome, registered once rather than looked up per record. */
    private static final class PublishTimers {
        private final MeterRegistry registry;
        private final Map<String, Map<String, Timer>> byTopic = new ConcurrentHashMap<>();

        PublishTimers(MeterRegistry registry) {
            this.registry = registry;
        }

        Timer of(String topic, String outcome) {
            return byTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                    .computeIfAbsent(outcome, o -> Timer.builder("trainyard.ingress.kafka.publish")
                            .description("Time from send to Kafka's acknowledgement")
                            .tag("topic", topic).tag("outcome", o)
                            .publishPercentileHistogram()
                            .register(registry));
        }
    }
}
