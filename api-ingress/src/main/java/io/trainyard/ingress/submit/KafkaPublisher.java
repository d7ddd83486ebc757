package io.trainyard.ingress.submit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
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
 * producer). The producer's own limits are set to the publish timeout, so a record that was not
 * acknowledged in time has been given up by the producer too and will not appear later.
 */
public final class KafkaPublisher implements RecordPublisher, AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final long timeoutMillis;
    private final MeterRegistry metrics;

    public KafkaPublisher(String bootstrap, long timeoutMillis, MeterRegistry metrics) {
        this.timeoutMillis = timeoutMillis;
        this.metrics = metrics;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "trainyard-ingress",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMillis,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, timeoutMillis / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMillis),
                new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void publish(String topic, String key, byte[] value) {
        Timer.Sample sample = Timer.start(metrics);
        String outcome = "acked";
        try {
            producer.send(new ProducerRecord<>(topic, key, value))
                    .get(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
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
            // send() itself fails fast when metadata cannot be had within max.block.ms.
            outcome = "failed";
            throw new PublishFailedException(topic, key, e);
        } finally {
            sample.stop(Timer.builder("trainyard.ingress.kafka.publish")
                    .description("Time from send to Kafka's acknowledgement")
                    .tag("topic", topic).tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .register(metrics));
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
}
