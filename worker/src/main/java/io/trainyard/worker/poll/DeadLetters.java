package io.trainyard.worker.poll;

import io.trainyard.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes a job record to {@link Topics#DLQ}: the original key, value and headers, plus headers
 * saying why, after how many attempts, where it came from and which worker sent it. The send is
 * awaited, so the original is acknowledged only once its dead letter is durable.
 */
public final class DeadLetters {
    public static final String REASON = "trainyard.dlq.reason";
    public static final String ATTEMPTS = "trainyard.dlq.attempts";
    public static final String SOURCE_TOPIC = "trainyard.dlq.source.topic";
    public static final String SOURCE_PARTITION = "trainyard.dlq.source.partition";
    public static final String SOURCE_OFFSET = "trainyard.dlq.source.offset";
    public static final String WORKER = "trainyard.dlq.worker";
    public static final String AT = "trainyard.dlq.at";

    private final Producer<byte[], byte[]> producer;
    private final String workerId;

    public DeadLetters(Producer<byte[], byte[]> producer, String workerId) {
        this.producer = producer;
        this.workerId = workerId;
    }

    /** Sends and waits for the broker's acknowledgement; false when it could not be stored. */
    public boolean send(ConsumerRecord<byte[], byte[]> original, String reason, int attempts) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original.headers()) {
            headers.add(header);
        }
        headers.add(REASON, utf8(reason));
        headers.add(ATTEMPTS, utf8(Integer.toString(attempts)));
        headers.add(SOURCE_TOPIC, utf8(original.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(original.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(original.offset())));
        headers.add(WORKER, utf8(workerId));
        headers.add(AT, utf8(Long.toString(System.currentTimeMillis())));
        try {
            producer.send(new ProducerRecord<>(Topics.DLQ, null, original.key(), original.value(), headers))
                    .get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
