package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos 5: 1,000 malformed records published straight to the jobs topic, shuffled among 100 good
 * jobs. Every malformed one must land in {@code trainyard.jobs.dlq} once, with a reason, and every
 * good one must complete: poison never stops a worker.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PoisonChaosIT {
    private static final int POISON = 1_000;
    private static final int GOOD = 100;
    private static final long SEED = 5L;

    @TempDir
    Path dataDir;

    @Test
    void malformedRecordsAreDeadLetteredAndGoodJobsAroundThemComplete() throws Exception {
        Figures figures = new Figures("poison");
        String tenant = "poison-" + Ids.next().substring(24);
        String prefix = "poison-" + Ids.next() + "-";
        Random random = new Random(SEED);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, String> kinds = new HashMap<>();
        for (int i = 0; i < POISON; i++) {
            String key = prefix + i;
            PoisonRecords.Poison poison = PoisonRecords.make(i, tenant, random);
            kinds.put(key, poison.kind());
            records.add(new ProducerRecord<>(Topics.SCRIPT_JOBS, utf8(key), poison.value()));
        }
        List<String> good = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            String runId = Ids.next();
            good.add(runId);
            JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, "task-" + runId, tenant, JobType.CODE,
                    null, null, "print('good " + i + "')", 60, 1, System.currentTimeMillis());
            records.add(new ProducerRecord<>(Topics.SCRIPT_JOBS, utf8(runId), Json.write(job)));
        }
        Collections.shuffle(records, random);

        try (Worker first = InProcessWorker.start("poison-worker-1", Files.createDirectories(dataDir),
                Map.of(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS, WorkerSettings.SLOTS.env(), "4"));
             Worker second = InProcessWorker.start("poison-worker-2", dataDir,
                     Map.of(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS, WorkerSettings.SLOTS.env(), "4"));
             JedisPooled redis = RealRedis.client();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     "bootstrap.servers", RealKafka.broker().bootstrapServers(), "acks", "all"),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.flush();

            Runs runs = new Runs(redis, tenant);
            Map<String, List<String>> reasons = deadLetters(prefix, runs, good);
            int dead = reasons.size();
            long doubled = reasons.values().stream().filter(r -> r.size() > 1).count();
            Map<String, Integer> missingByKind = new TreeMap<>();
            kinds.forEach((key, kind) -> {
                if (!reasons.containsKey(key)) {
                    missingByKind.merge(kind, 1, Integer::sum);
                }
            });
            List<String> notDone = good.stream().filter(id -> !"COMPLETED".equals(runs.run(id).get("status"))).toList();
            figures.put("jobs", GOOD).put("poison", POISON).put("deadLettered", dead).put("lost", notDone.size())
                    .put("duplicates", doubled).put("poisonNotDeadLettered", missingByKind)
                    .put("kinds", new TreeMap<>(kinds.values().stream().collect(
                            java.util.stream.Collectors.groupingBy(k -> k, java.util.stream.Collectors.counting()))))
                    .print();

            assertThat(missingByKind).as("malformed records missing from the dead-letter topic").isEmpty();
            assertThat(doubled).as("malformed records dead-lettered more than once").isZero();
            assertThat(reasons.values()).allSatisfy(r -> assertThat(r.get(0)).isNotBlank());
            assertThat(notDone).as("good jobs that did not complete").isEmpty();
            assertThat(first.ready() && second.ready()).as("both workers still take work").isTrue();
        }
    }

    /**
     * Reads the dead-letter topic (assigned, not subscribed: no group, so no rebalance reads a
     * record twice) until every poison record and every good job is accounted for (bounded), then
     * to its end. Each key maps to the reasons of its distinct dead-letter records.
     */
    private static Map<String, List<String>> deadLetters(String prefix, Runs runs, List<String> good) {
        Map<String, List<String>> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", RealKafka.broker().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DLQ).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            try {
                await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    collect(consumer.poll(Duration.ofMillis(200)), prefix, reasons);
                    return reasons.size() >= POISON && runs.notEnded(good).isEmpty();
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // Counted and reported by the caller.
            }
            // Anything dead-lettered twice arrives soon after the first copy: read on to the end once more.
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30)).until(() -> {
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                collect(consumer.poll(Duration.ofMillis(200)), prefix, reasons);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return reasons;
    }

    private static void collect(Iterable<ConsumerRecord<String, byte[]>> records, String prefix,
                                Map<String, List<String>> reasons) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() != null && record.key().startsWith(prefix)) {
                var header = record.headers().lastHeader(DeadLetterHeaders.REASON);
                reasons.computeIfAbsent(record.key(), k -> new ArrayList<>())
                        .add(header == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
