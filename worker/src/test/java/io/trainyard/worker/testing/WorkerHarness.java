package io.trainyard.worker.testing;

import static org.awaitility.Awaitility.await;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.WorkerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.JedisPooled;

/** Configuration and helpers for tests that run a worker in-process against the real broker and Redis. */
public final class WorkerHarness implements AutoCloseable {
    private final Path dataDir;
    private final KafkaProducer<String, String> producer;
    private final JedisPooled redis;

    public WorkerHarness() {
        try {
            dataDir = Files.createTempDirectory("trainyard-worker-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", RealKafka.broker().bootstrapServers(),
                "acks", "all"), new StringSerializer(), new StringSerializer());
        redis = RealRedis.client();
    }

    public Path dataDir() {
        return dataDir;
    }

    public JedisPooled redis() {
        return redis;
    }

    /**
     * The settings of a worker in a test JVM: bubblewrap-sandboxed, on the real broker and
     * redis-server, reading resources from {@code dataDir}, a 15 s lease and a 2 s grace period;
     * {@code overrides} win (a scenario may name another Kafka cluster or Redis).
     */
    public static ConfigTable settings(String workerId, Path dataDir, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put(CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers());
        env.put(CommonSettings.REDIS_URI.env(), "redis://127.0.0.1:" + RealRedis.server().port());
        env.put(CommonSettings.DATA_DIR.env(), dataDir.toString());
        env.put(WorkerSettings.WORKER_ID.env(), workerId);
        env.put(WorkerSettings.SANDBOX.env(), "bwrap");
        env.put(WorkerSettings.OPS_PORT.env(), "0");
        env.put(WorkerSettings.LEASE_MS.env(), "15000");
        env.put(WorkerSettings.SHUTDOWN_GRACE_MS.env(), "2000");
        env.putAll(overrides);
        return ConfigTable.load(WorkerSettings.ALL, env);
    }

    /** A worker configuration for this harness's tests: three slots, quick retries; {@code overrides} win. */
    public ConfigTable config(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                WorkerSettings.SLOTS.env(), "3",
                WorkerSettings.RETRY_BACKOFF_MS.env(), "100"));
        env.putAll(overrides);
        return settings("test-worker", dataDir, env);
    }

    public static JobMessage code(String tenant, String runId, String script, long timeoutSeconds) {
        return new JobMessage(JobMessage.SCHEMA_VERSION, runId, "task-" + runId, tenant, JobType.CODE, null, null,
                script, timeoutSeconds, 1, System.currentTimeMillis());
    }

    public static JobMessage of(String tenant, String runId, JobType type) {
        return new JobMessage(JobMessage.SCHEMA_VERSION, runId, "task-" + runId, tenant, type, null, null,
                null, 0, 1, System.currentTimeMillis());
    }

    public void publish(JobMessage job) {
        publish(Topics.jobsTopicFor(job.type()), job.runId(), Json.writeString(job));
    }

    /** Publishes without waiting for the broker (for load); call {@link #flush()} after. */
    public void publishAsync(JobMessage job) {
        producer.send(new ProducerRecord<>(Topics.jobsTopicFor(job.type()), job.runId(), Json.writeString(job)));
    }

    /** Publishes without waiting, under {@code key}: jobs with one key share a partition and its order. */
    public void publishAsync(String key, JobMessage job) {
        producer.send(new ProducerRecord<>(Topics.jobsTopicFor(job.type()), key, Json.writeString(job)));
    }

    /** Publishes any value without waiting (for poison among jobs). */
    public void publishAsync(String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    public void flush() {
        producer.flush();
    }

    public void publish(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot publish a test job", e);
        }
    }

    public Map<String, String> run(String tenant, String runId) {
        return redis.hgetAll(new TenantKeys(tenant).run(runId));
    }

    public Map<String, String> output(String tenant, String runId) {
        return redis.hgetAll(new TenantKeys(tenant).runOutput(runId));
    }

    /** Waits until the run reached {@code status} and returns its record. */
    public Map<String, String> awaitStatus(String tenant, String runId, String status, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(redis.hget(new TenantKeys(tenant).run(runId), "status")));
        return run(tenant, runId);
    }

    /** Waits until the run ended and returns its record. */
    public Map<String, String> awaitEnd(String tenant, String runId, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            String status = redis.hget(new TenantKeys(tenant).run(runId), "status");
            return status != null && !status.equals("QUEUED") && !status.equals("RUNNING");
        });
        return run(tenant, runId);
    }

    @Override
    public void close() {
        producer.close();
        redis.close();
    }
}
