package io.trainyard.ingress.internal.submit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trainyard.common.kafka.KafkaConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>A submit that finds no other waiting for Kafka does not wait for the linger either: nothing
 * would join its batch. It asks a flusher thread to send at once ({@link KafkaProducer#flush}, on a
 * thread of its own because a flush waits for the broker without a bound of the caller's), so
 * one submit at a time costs no linger, and submits that overlap still share batches.
 */
public final class KafkaPublisher implements RecordPublisher, AutoCloseable {
    /** Large enough that linger, not size, closes a batch at any submit rate one ingress sees. */
    static final int BATCH_BYTES = 256 * 1024;

    private final KafkaProducer<String, byte[]> producer;
    private final PublishTimers timers;
    /** Submits between their send and its acknowledgement. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** A permit: a lone record waits in the producer for its linger. */
    private final Semaphore flushAsked = new Semaphore(0);
    private final Thread flusher;

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
        this.flusher = lingerMillis == 0 ? null
                : Thread.ofPlatform().daemon().name("kafka-publish-flusher").start(this::flushWhenAsked);
    }

    private void flushWhenAsked() {
        try {
            while (true) {
                flushAsked.acquire();
                flushAsked.drainPermits();
                producer.flush();
            }
        } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
            // Closing.
        } catch (RuntimeException e) {
            // The producer is closed: nothing left to flush.
        }
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
        boolean alone = waiting.incrementAndGet() == 1;
        try {
            var sent = producer.send(new ProducerRecord<>(topic, key, value));
            if (alone && flusher != null) {
                flushAsked.release();
            }
            sent.get(waitMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), TimeUnit.MILLISECONDS);
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
            waiting.decrementAndGet();
            timers.of(topic, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** The producer, for publishers of other records that share its connections and guarantees. */
    public Producer<String, byte[]> producer() {
        return producer;
    }

    @Override
    public void close() {
        if (flusher != null) {
            flusher.interrupt();
        }
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
