package io.trainyard.worker.internal.poll;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes a job record again, as a new record of its topic with its key, value and headers
 * (plus where it was copied from), so that a job handed back on its last delivery starts over
 * with a fresh delivery count instead of being archived. The send is awaited: the original is
 * accepted only once its copy is durable. The run's fencing makes the copy and any leftover of
 * the original start the run once.
 */
public final class JobCopies {
    public static final String COPIED_FROM = "trainyard.copied.from";

    private final Producer<byte[], byte[]> producer;

    public JobCopies(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** Sends the copy and waits for the broker; false when it could not be stored. */
    public boolean publishAgain(ConsumerRecord<byte[], byte[]> original) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original.headers()) {
            if (!COPIED_FROM.equals(header.key())) {
                headers.add(header);
            }
        }
        String from = original.topic() + "-" + original.partition() + "@" + original.offset();
        headers.add(COPIED_FROM, from.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(new ProducerRecord<>(original.topic(), null, original.key(), original.value(), headers))
                    .get(10, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
