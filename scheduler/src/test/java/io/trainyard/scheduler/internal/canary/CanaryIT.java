package io.trainyard.scheduler.internal.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.scheduler.SettableClock;
import io.trainyard.scheduler.internal.SchedulerMetrics;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The canary against the real broker and redis-server, with a real worker taking its jobs. */
@ExtendWith({RealKafka.class, RealRedis.class})
class CanaryIT {
    private final JedisPooled redis = RealRedis.client();
    private final String redisUri = "redis://127.0.0.1:" + RealRedis.server().port();

    @Test
    void canaryRunsAreQueuedEveryIntervalAndCompletedByAWorker() throws Exception {
        try (Worker worker = Worker.start(ConfigTable.load(WorkerSettings.ALL, Map.of(
                     CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                     CommonSettings.REDIS_URI.env(), redisUri,
                     CommonSettings.DATA_DIR.env(), Files.createTempDirectory("canary-data-").toString(),
                     WorkerSettings.WORKER_ID.env(), "canary-worker",
                     WorkerSettings.SANDBOX.env(), "none",
                     WorkerSettings.OPS_PORT.env(), "0")));
             SchedulerService scheduler = SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, Map.of(
                     CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                     CommonSettings.REDIS_URI.env(), redisUri,
                     SchedulerSettings.INSTANCE_ID.env(), "canary-scheduler",
                     SchedulerSettings.OPS_PORT.env(), "0",
                     SchedulerSettings.CANARY_INTERVAL_MS.env(), "300")), InstantSource.system(), () -> { })) {

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> completedCanaryRuns("canary-scheduler").size() >= 3);

            for (Map<String, String> run : completedCanaryRuns("canary-scheduler")) {
                assertThat(run).containsEntry("tenant", Canary.TENANT).containsEntry("tasksID", Canary.TASK_ID)
                        .containsEntry("type", "NOOP").containsEntry("workerId", "canary-worker");
                assertThat(redis.pttl(new TenantKeys(Canary.TENANT).run(run.get("id"))))
                        .as("canary runs expire").isPositive();
                assertThat(redis.pttl(new TenantKeys(Canary.TENANT).runOutput(run.get("id"))))
                        .as("so does their output").isPositive();
            }
            Timer pickup = worker.meters().find("trainyard.worker.pickup.latency").tag("type", "NOOP").timer();
            assertThat(pickup).isNotNull();
            assertThat(pickup.count()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void whateverTheInstancesEachIntervalHasOneCanary() {
        SettableClock clock = new SettableClock(Instant.now());
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", RealKafka.broker().bootstrapServers(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer());
             Canary first = new Canary(redis, producer, clock, Duration.ofSeconds(10), Duration.ofSeconds(10),
                     new SchedulerMetrics(meters), "first");
             Canary second = new Canary(redis, producer, clock, Duration.ofSeconds(10), Duration.ofSeconds(10),
                     new SchedulerMetrics(meters), "second")) {
            long interval = clock.millis() / 10_000;

            assertThat(List.of(first.beat(interval), second.beat(interval), second.beat(interval + 1),
                    first.beat(interval + 1)))
                    .containsExactly(CanaryOutcome.PUBLISHED, CanaryOutcome.TAKEN, CanaryOutcome.PUBLISHED,
                            CanaryOutcome.TAKEN);
            assertThat(meters.scrape()).contains("trainyard_scheduler_canaries_total{outcome=\"published\"} 2.0",
                    "trainyard_scheduler_canaries_total{outcome=\"taken\"} 2.0");
        }
    }

    /** Canary runs queued by {@code scheduler} (other tests in this JVM run canaries too) that completed. */
    private List<Map<String, String>> completedCanaryRuns(String scheduler) {
        String prefix = new TenantKeys(Canary.TENANT).runPrefix();
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, new ScanParams().match(prefix + "*").count(1_000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys.stream().filter(k -> k.substring(prefix.length()).indexOf(':') < 0)
                .map(redis::hgetAll).filter(run -> scheduler.equals(run.get("scheduledBy")))
                .filter(run -> "COMPLETED".equals(run.get("status"))).toList();
    }
}
