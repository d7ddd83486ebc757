package io.trainyard.bench;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A plain Kafka producer writing NOOP jobs in the documented job schema ({@link JobMessage}),
 * as any program may: idempotent, acks=all, sends asynchronous. Batched for throughput
 * (linger, 64 KiB batches), or unbatched for latency.
 */
final class JobPublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    private JobPublisher(KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    static JobPublisher batched(String bootstrap) {
        return new JobPublisher(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "trainyard-bench-batched",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer()));
    }

    static JobPublisher immediate(String bootstrap) {
        return new JobPublisher(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "trainyard-bench-immediate",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** Sends one NOOP job for run {@code runId}, created now; does not wait. */
    void send(String topic, String tenant, String taskId, String runId) {
        JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, taskId, tenant, JobType.NOOP, null, null,
                null, 0, 1, System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, runId.getBytes(StandardCharsets.UTF_8), Json.write(job)),
                (metadata, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, error);
                    }
                });
    }

    /** Waits for every send so far; fails if any was not acknowledged. */
    void flush() {
        producer.flush();
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " job(s) not acknowledged by Kafka", firstFailure.get());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
