package io.trainyard.worker.internal.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.common.Ids;
import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.KafkaSetup;
import io.trainyard.common.kafka.TopicLayout;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.common.testing.TopicRecords;
import io.trainyard.worker.internal.poll.DeadLetters.PoisonSent;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/** A poison record delivered again (its lock lost while it was dead-lettered) gets one dead letter. */
@ExtendWith({RealKafka.class, RealRedis.class})
class DeadLettersIT {
    private static KafkaProducer<byte[], byte[]> producer;
    private static JedisPooled redis;
    private static DeadLetters deadLetters;

    @BeforeAll
    static void open() {
        try (Admin admin = RealKafka.admin()) {
            KafkaSetup.ensureTopics(admin, TopicLayout.local());
        }
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", RealKafka.broker().bootstrapServers(),
                "acks", "all"), new ByteArraySerializer(), new ByteArraySerializer());
        redis = RealRedis.client();
        deadLetters = new DeadLetters(producer, redis, "dead-letters-it", InstantSource.system());
    }

    @AfterAll
    static void close() {
        producer.close();
        redis.close();
    }

    @Test
    void aPoisonRecordDeliveredAgainIsNotDeadLetteredTwice() {
        String key = "twice-" + Ids.next();
        ConsumerRecord<byte[], byte[]> record = record(key, "{not json", 7_000_001L);

        assertThat(deadLetters.sendPoison(record, "not a job message", 1)).isEqualTo(PoisonSent.SENT);
        assertThat(deadLetters.sendPoison(record, "not a job message", 2)).isEqualTo(PoisonSent.ALREADY);

        List<ConsumerRecord<String, byte[]>> sent = TopicRecords.read(Topics.DLQ, key);
        assertThat(sent).hasSize(1);
        assertThat(new String(sent.getFirst().headers().lastHeader(DeadLetterHeaders.REASON).value(),
                StandardCharsets.UTF_8)).isEqualTo("not a job message");
    }

    @Test
    void twoDeliveriesOfOnePoisonRecordAtOnceSendOneDeadLetter() throws Exception {
        String key = "together-" + Ids.next();
        ConsumerRecord<byte[], byte[]> record = record(key, "{not json either", 7_000_003L);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService both = Executors.newFixedThreadPool(2)) {
            List<Future<PoisonSent>> outcomes = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                int delivery = i;
                outcomes.add(both.submit(() -> {
                    go.await();
                    return deadLetters.sendPoison(record, "not a job message", delivery);
                }));
            }
            go.countDown();
            List<PoisonSent> answers = new ArrayList<>();
            for (Future<PoisonSent> outcome : outcomes) {
                answers.add(outcome.get(60, TimeUnit.SECONDS));
            }
            // One sends; the other finds it sending (the record goes back to the queue) or sent.
            assertThat(answers).containsOnlyOnce(PoisonSent.SENT)
                    .allMatch(a -> a == PoisonSent.SENT || a == PoisonSent.IN_FLIGHT || a == PoisonSent.ALREADY);
        }
        assertThat(TopicRecords.read(Topics.DLQ, key)).hasSize(1);
        // Delivered again later: already sent.
        assertThat(deadLetters.sendPoison(record, "not a job message", 3)).isEqualTo(PoisonSent.ALREADY);
    }

    @Test
    void anotherRecordAtAMarkedOffsetIsStillDeadLettered() {
        String key = "recreated-" + Ids.next();
        long offset = 7_000_002L;
        assertThat(deadLetters.sendPoison(record(key, "{first", offset), "first", 1)).isEqualTo(PoisonSent.SENT);

        // The same coordinates holding other bytes: a topic deleted and made again.
        assertThat(deadLetters.sendPoison(record(key, "{second", offset), "second", 1)).isEqualTo(PoisonSent.SENT);

        assertThat(TopicRecords.read(Topics.DLQ, key)).hasSize(2);
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value, long offset) {
        return new ConsumerRecord<>(Topics.SCRIPT_JOBS, 0, offset, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }
}
