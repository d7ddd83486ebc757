package io.trainyard.ingress.internal.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.KafkaConnection;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.ingress.internal.submit.EventLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import redis.clients.jedis.UnifiedJedis;

/**
 * The dead-letter topic, per tenant: reads its newest records (a record belongs to the tenant its
 * job message names; one whose value names none cannot be shown to anyone), and redrives or
 * discards them. Kafka's log is append-only, so what was done to a record is kept in Redis, in
 * the tenant's {@code dlq} hash, and written to the event log. A redrive publishes the original
 * key, value and headers to the record's source topic; where the job's run still exists it is
 * queued again with its starts counted afresh, so a worker takes it as a new attempt of the same
 * run (the run records {@code redrives} and {@code redrivenAt}).
 */
public final class DeadLetterQueue {
    /** How many of the newest records a read looks at, over all partitions. */
    static final int MAX_READ = 5_000;
    private static final int PAYLOAD_SHOWN = 4_096;
    private static final Duration READ_BOUND = Duration.ofSeconds(10);
    private static final String[] ENDED = {"COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"};

    private final KafkaConnection kafka;
    private final Producer<String, byte[]> producer;
    private final UnifiedJedis redis;
    private final EventLog events;
    private final InstantSource clock;

    public DeadLetterQueue(KafkaConnection kafka, Producer<String, byte[]> producer, UnifiedJedis redis, EventLog events,
                           InstantSource clock) {
        this.kafka = kafka;
        this.producer = producer;
        this.redis = redis;
        this.events = events;
        this.clock = clock;
    }

    static String stateKey(String tenant) {
        new TenantKeys(tenant); // the same tenant rules as every key
        return "ty:{" + tenant + "}:dlq";
    }

    /** The tenant's dead letters, newest first. */
    public List<DeadLetter> list(String tenant) {
        List<DeadLetter> letters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read()) {
            JsonNode job = job(record.value());
            if (job == null || !tenant.equals(job.path("tenant").asText(null))) {
                continue;
            }
            letters.add(letter(record, job, ""));
        }
        Map<String, String> states = letters.isEmpty() ? Map.of() : redis.hgetAll(stateKey(tenant));
        List<DeadLetter> result = new ArrayList<>(letters.size());
        for (int i = letters.size() - 1; i >= 0; i--) {
            DeadLetter l = letters.get(i);
            String state = states.getOrDefault(l.id(), "");
            result.add(state.isEmpty() ? l : new DeadLetter(l.id(), l.tenant(), l.runId(), l.taskId(), l.reason(),
                    l.attempts(), l.sourceTopic(), l.worker(), l.at(), l.payload(), state.split(" ")[0]));
        }
        return result;
    }

    /** How many of the tenant's dead letters wait: neither redriven nor discarded. */
    public int waiting(String tenant) {
        return (int) list(tenant).stream().filter(DeadLetter::waiting).count();
    }

    /** Redrives the tenant's waiting records among {@code ids}; returns the ids redriven. */
    public List<String> redrive(String tenant, Collection<String> ids, String by) {
        List<String> done = new ArrayList<>();
        Map<String, String> states = redis.hgetAll(stateKey(tenant));
        for (ConsumerRecord<byte[], byte[]> record : read()) {
            String id = record.partition() + "-" + record.offset();
            JsonNode job = job(record.value());
            if (!ids.contains(id) || job == null || !tenant.equals(job.path("tenant").asText(null))
                    || states.containsKey(id)) {
                continue;
            }
            String source = header(record, DeadLetterHeaders.SOURCE_TOPIC);
            if (source.isEmpty() || source.equals(Topics.DLQ)) {
                continue;
            }
            String runId = job.path("runId").asText("");
            boolean requeued = requeue(tenant, runId);
            RecordHeaders headers = new RecordHeaders();
            for (Header h : record.headers()) {
                if (!h.key().startsWith("trainyard.dlq.")) {
                    headers.add(h);
                }
            }
            try {
                // The job producers' keys are text (the ingress's producer writes strings).
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(source, null, key, record.value(), headers))
                        .get(READ_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Kafka did not acknowledge the redrive of " + id, e);
            }
            redis.hset(stateKey(tenant), id, "REDRIVEN " + clock.millis() + " " + by);
            events.log(EventLine.of("dead_letter_redriven").with("tenant", tenant).with("record", id)
                    .with("topic", source).with("run", runId).with("run_requeued", requeued).with("by", by));
            done.add(id);
        }
        return done;
    }

    /** Marks the tenant's waiting records among {@code ids} discarded; returns the ids discarded. */
    public List<String> discard(String tenant, Collection<String> ids, String by) {
        List<String> done = new ArrayList<>();
        for (DeadLetter letter : list(tenant)) {
            if (ids.contains(letter.id()) && letter.waiting()) {
                redis.hset(stateKey(tenant), letter.id(), "DISCARDED " + clock.millis() + " " + by);
                events.log(EventLine.of("dead_letter_discarded").with("tenant", tenant).with("record", letter.id())
                        .with("by", by));
                done.add(letter.id());
            }
        }
        return done;
    }

    /** An ended run of the job queued again, its starts counted afresh; false when there is none. */
    private boolean requeue(String tenant, String runId) {
        if (runId.isEmpty()) {
            return false;
        }
        String runKey = new TenantKeys(tenant).run(runId);
        String status = redis.hget(runKey, RunRecord.STATUS);
        if (status == null || !List.of(ENDED).contains(status)) {
            return false;
        }
        redis.hdel(runKey, "completedAt", "exitCode", "cancelRequested", "leaseUntil", "startToken");
        redis.hset(runKey, Map.of("status", "QUEUED", "message", "Redriven from the dead-letter queue",
                "attempt", "0", "redrivenAt", Long.toString(clock.millis())));
        redis.hincrBy(runKey, "redrives", 1);
        redis.persist(runKey);
        return true;
    }

    private List<ConsumerRecord<byte[], byte[]>> read() {
        Map<String, Object> config = kafka.config(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "trainyard-ingress-dlq-reader"));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DLQ, READ_BOUND).stream()
                    .map(p -> new TopicPartition(Topics.DLQ, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, READ_BOUND);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_BOUND);
            long perPartition = Math.max(1, MAX_READ / Math.max(1, partitions.size()));
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - perPartition));
            }
            long deadline = System.nanoTime() + READ_BOUND.toNanos();
            while (!reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.sort((a, b) -> Long.compare(timeOf(a), timeOf(b)));
        return records;
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static long timeOf(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Long.parseLong(header(record, DeadLetterHeaders.AT));
        } catch (NumberFormatException e) {
            return record.timestamp();
        }
    }

    private static DeadLetter letter(ConsumerRecord<byte[], byte[]> record, JsonNode job, String state) {
        String payload = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        return new DeadLetter(record.partition() + "-" + record.offset(), job.path("tenant").asText(),
                job.path("runId").asText(""), job.path("taskId").asText(""),
                header(record, DeadLetterHeaders.REASON), header(record, DeadLetterHeaders.ATTEMPTS),
                header(record, DeadLetterHeaders.SOURCE_TOPIC), header(record, DeadLetterHeaders.WORKER),
                timeOf(record), payload.length() > PAYLOAD_SHOWN ? payload.substring(0, PAYLOAD_SHOWN) + "…" : payload,
                state);
    }

    /** The record's value as a JSON object, read leniently (a poison record may still name its tenant). */
    private static JsonNode job(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
