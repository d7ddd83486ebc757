package io.trainyard.worker.internal.poll;

import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes a job record to {@link Topics#DLQ}: the original key, value and headers, plus the
 * {@link DeadLetterHeaders} saying why, after how many attempts, where it came from and which worker sent it. The send is
 * awaited, so the original is acknowledged only once its dead letter is durable.
 */
public final class DeadLetters {
    private final Producer<byte[], byte[]> producer;
    private final String workerId;
    private final InstantSource clock;

    public DeadLetters(Producer<byte[], byte[]> producer, String workerId, InstantSource clock) {
        this.producer = producer;
        this.workerId = workerId;
        this.clock = clock;
    }

    /** Sends and waits for the broker's acknowledgement; false when it could not be stored. */
    public boolean send(ConsumerRecord<byte[], byte[]> original, String reason, int attempts) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original.headers()) {
            headers.add(header);
        }
        headers.add(DeadLetterHeaders.REASON, utf8(reason));
        headers.add(DeadLetterHeaders.ATTEMPTS, utf8(Integer.toString(attempts)));
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, utf8(original.topic()));
        headers.add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(original.partition())));
        headers.add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(original.offset())));
        headers.add(DeadLetterHeaders.WORKER, utf8(workerId));
        headers.add(DeadLetterHeaders.AT, utf8(Long.toString(clock.millis())));
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
