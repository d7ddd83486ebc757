package io.trainyard.worker.internal.poll;

import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Publishes a job record to {@link Topics#DLQ}: the original key, value and headers, plus the
 * {@link DeadLetterHeaders} saying why, after how many attempts, where it came from and which worker sent it. The send is
 * awaited, so the original is acknowledged only once its dead letter is durable.
 *
 * <p>Poison is sent once per record ({@link #sendPoison}): a sent dead letter is marked in Redis
 * ({@link TenantKeys#deadLettered}, with the record's checksum, for a day), and a delivery of a
 * marked record sends nothing. A run's dead letter needs no mark: its run record ends FAILED once.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** How long a poison record's mark outlives its dead letter: far past any redelivery of the record. */
    static final long MARK_SECONDS = 24 * 3600;
    /** How long a claim to send a poison record's dead letter holds: past the send's 30 s bound. */
    static final long SENDING_SECONDS = 60;
    private static final String SENDING = "sending:";

    private final Producer<byte[], byte[]> producer;
    private final UnifiedJedis redis;
    private final String workerId;
    private final InstantSource clock;

    public DeadLetters(Producer<byte[], byte[]> producer, UnifiedJedis redis, String workerId, InstantSource clock) {
        this.producer = producer;
        this.redis = redis;
        this.workerId = workerId;
        this.clock = clock;
    }

    /** What became of a poison record's dead letter. */
    public enum PoisonSent {
        /** Sent now, and durable. */
        SENT,
        /** An earlier delivery of the record sent it. */
        ALREADY,
        /** Another delivery of the record is sending it now: the record goes back to the queue. */
        IN_FLIGHT,
        /** Not stored: the record must stay in the queue. */
        FAILED
    }

    /**
     * Sends a poison record's dead letter unless an earlier delivery of the same record already
     * did. The mark is claimed before the send ({@code SET NX}, "sending", {@value #SENDING_SECONDS}
     * s), so two deliveries of one record at once (a lock lost mid-send hands it to another lane)
     * cannot both send: the second is answered {@link PoisonSent#IN_FLIGHT} and the record goes
     * back to the queue until the first has marked it sent, or until its claim lapses. When Redis
     * cannot say, it sends: a second dead letter is better than none.
     */
    public PoisonSent sendPoison(ConsumerRecord<byte[], byte[]> original, String reason, int attempts) {
        String key = TenantKeys.deadLettered(original.topic(), original.partition(), original.offset());
        String checksum = checksum(original);
        String sending = SENDING + checksum;
        boolean claimed = true;
        try {
            if (redis.set(key, sending, SetParams.setParams().nx().ex(SENDING_SECONDS)) == null) {
                String mark = redis.get(key);
                if (checksum.equals(mark)) {
                    LOG.info("poison record {}-{}@{} delivered again: its dead letter was already sent",
                            original.topic(), original.partition(), original.offset());
                    return PoisonSent.ALREADY;
                }
                if (sending.equals(mark)) {
                    return PoisonSent.IN_FLIGHT;
                }
                // Another record's mark at this offset (its topic was made again): this one is new.
                redis.set(key, sending, SetParams.setParams().ex(SENDING_SECONDS));
            }
        } catch (RuntimeException e) {
            claimed = false;
            LOG.warn("could not claim the dead-letter mark of {}: {}", key, e.toString());
        }
        if (!send(original, reason, attempts)) {
            if (claimed) {
                try {
                    redis.del(key);
                } catch (RuntimeException e) {
                    LOG.warn("could not release the dead-letter mark of {} (it lapses in {} s): {}", key,
                            SENDING_SECONDS, e.toString());
                }
            }
            return PoisonSent.FAILED;
        }
        try {
            redis.set(key, checksum, SetParams.setParams().ex(MARK_SECONDS));
        } catch (RuntimeException e) {
            LOG.warn("could not mark {} dead-lettered: {}", key, e.toString());
        }
        return PoisonSent.SENT;
    }

    /** Of the record's key and value: the same offset of a topic made again holds another record. */
    private static String checksum(ConsumerRecord<byte[], byte[]> record) {
        CRC32C crc = new CRC32C();
        for (byte[] part : Arrays.asList(record.key(), record.value())) {
            crc.update(part == null ? new byte[] {(byte) 0xff} : part);
            crc.update((part == null ? -1 : part.length) & 0xff);
        }
        return Long.toHexString(crc.getValue());
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
