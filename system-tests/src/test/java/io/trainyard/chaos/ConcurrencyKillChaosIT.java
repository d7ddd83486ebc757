package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.Ids;
import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.flow.FlowLimits;
import io.trainyard.common.flow.FlowStore;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos: a worker holding every slot of a concurrency key is SIGKILLed. Its runs stay RUNNING
 * until their lease runs out; then the scheduler's flow sweep frees their slots and promotes the
 * jobs waiting for the key, which a second worker runs. The waiting jobs must start within one
 * lease (plus the sweep's period and a little slack) of the kill. Workers have three slots, one
 * more than the key's limit: the free one takes the key's further jobs and parks them.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ConcurrencyKillChaosIT {
    /** The workers' lease and acquisition lock: the broker's shortest. */
    private static final long LEASE_MS = 15_000;
    private static final long SWEEP_MS = 250;
    /** Polling the runs and publishing the promoted jobs take this much beyond the promise. */
    private static final long SLACK_MS = 3_000;
    private static final Duration BOUND = Duration.ofMinutes(2);
    private static final String KEY = "licence";

    @Test
    void waitingJobsStartWithinOneLeaseOfTheKillOfTheWorkerHoldingTheirKeysSlots(@TempDir Path dir) throws Exception {
        Figures figures = new Figures("concurrency-kill");
        try (WorkerCluster cluster = WorkerCluster.create("conc-kill", dir, Map.of(
                     WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS,
                     WorkerSettings.SLOTS.env(), "3",
                     WorkerSettings.LEASE_MS.env(), Long.toString(LEASE_MS),
                     WorkerSettings.SHUTDOWN_GRACE_MS.env(), "1000"));
             SchedulerService scheduler = SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, Map.of(
                     CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                     CommonSettings.REDIS_URI.env(), ChaosIngress.redisUri(),
                     WorkerSettings.OPS_PORT.env(), "0",
                     SchedulerSettings.INSTANCE_ID.env(), "conc-kill-scheduler",
                     SchedulerSettings.FLOW_SWEEP_MS.env(), Long.toString(SWEEP_MS))), InstantSource.system(), () -> {});
             JedisPooled redis = RealRedis.client();
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     RealKafka.broker().bootstrapServers(), "acks", "all"), new StringSerializer(),
                     new StringSerializer())) {
            String tenant = cluster.tenant;
            FlowStore flows = new FlowStore(redis, new FlowLimits(0, 0, 0, LEASE_MS, LEASE_MS), InstantSource.system());
            flows.limit(tenant, KEY, 2);
            Runs runs = new Runs(redis, tenant);

            WorkerProcess holder = cluster.start("holder");
            List<String> held = List.of(publish(producer, tenant, WorkerCluster.sleeping(600)),
                    publish(producer, tenant, WorkerCluster.sleeping(600)));
            await().atMost(BOUND).until(() -> held.stream().allMatch(id -> "RUNNING".equals(runs.run(id).get("status"))));
            List<String> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiting.add(publish(producer, tenant, WorkerCluster.sleeping(0.2)));
            }
            await().atMost(BOUND).until(() -> flows.keyState(tenant, KEY).waiting() == 3);
            WorkerProcess other = cluster.start("other");
            cluster.awaitConsumers(2, BOUND);

            long killedAt = System.currentTimeMillis();
            holder.kill();
            for (String id : waiting) {
                await().atMost(BOUND).pollInterval(Duration.ofMillis(50))
                        .until(() -> "COMPLETED".equals(runs.run(id).get("status")));
            }
            long latest = 0;
            for (String id : waiting) {
                Map<String, String> run = runs.run(id);
                assertThat(run.get("workerId")).isEqualTo(other.workerId());
                assertThat(run).containsEntry("attempt", "1");
                latest = Math.max(latest, Long.parseLong(run.get("executedAt")) - killedAt);
            }
            figures.put("lease_ms", LEASE_MS).put("last_waiting_start_after_kill_ms", latest);
            System.out.println(figures.line());
            // The third waits for one of the first two to end (0.2 s).
            assertThat(latest).as("ms from the kill to the last waiting job's start")
                    .isLessThanOrEqualTo(LEASE_MS + SWEEP_MS + SLACK_MS);
        }
    }

    private static String publish(KafkaProducer<String, String> producer, String tenant, String script)
            throws Exception {
        String runId = Ids.next();
        JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, "task-" + runId, tenant, JobType.CODE, null,
                null, script, 900, 1, System.currentTimeMillis(), null, KEY, null, null);
        producer.send(new ProducerRecord<>(Topics.SCRIPT_JOBS, runId, Json.writeString(job))).get();
        return runId;
    }
}
