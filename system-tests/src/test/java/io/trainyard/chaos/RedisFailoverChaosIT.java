package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.RedisPools;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedisCluster;
import io.trainyard.common.testing.RealRedisSentinels;
import io.trainyard.devtools.RedisCluster;
import io.trainyard.devtools.RedisNode;
import io.trainyard.devtools.RedisSentinels;
import io.trainyard.ingress.IngressSettings;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;

/**
 * Chaos: the Redis primary that holds the tenant's slot is SIGKILLed while clients submit and two
 * worker processes run the jobs, once on a Redis Cluster and once under Sentinel. Submits wait
 * for one replica (TRAINYARD_REDIS_WAIT_REPLICAS=1, as deployed), so every 200 must survive the
 * failover: nothing acknowledged is lost and every run ends exactly once, COMPLETED. The figures
 * give the time until submits are acknowledged again and the 503s answered meanwhile.
 *
 * <p>On the cluster the promoted replica has no replica of its own until the killed node comes
 * back (as a pod would be restarted): the scenario restarts it once the failover happened, and
 * submits of that slot are acknowledged again once it is in sync.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedisCluster.class, RealRedisSentinels.class})
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RedisFailoverChaosIT {
    private static final int CLIENTS = 4;
    private static final int ACCEPTED_EACH_SIDE = 30;

    @TempDir
    Path dir;

    @Test
    void nothingAcknowledgedIsLostWhenAClusterPrimaryDies(RedisCluster cluster) {
        scenario("redis-cluster-failover", cluster.uri(), tenant -> {
            RedisNode primary = cluster.primaryOf(new TenantKeys(tenant).names());
            primary.kill();
            long killedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> cluster.primaryOf(new TenantKeys(tenant).names()) != primary);
            double failover = (System.nanoTime() - killedAt) / 1e9;
            primary.start(); // back as a replica of the promoted node
            return failover;
        }, () -> cluster.awaitHealthy(Duration.ofSeconds(60)));
    }

    @Test
    void nothingAcknowledgedIsLostWhenTheSentinelPrimaryDies(RedisSentinels sentinels) {
        scenario("redis-sentinel-failover", sentinels.uri(), tenant -> {
            RedisNode primary = sentinels.primary();
            primary.kill();
            long killedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> sentinels.primary() != primary);
            double failover = (System.nanoTime() - killedAt) / 1e9;
            primary.start(); // the Sentinels make it a replica of the new primary
            return failover;
        }, () -> { });
    }

    private static long completed(Runs runs, List<SubmitLoad.Answer> accepted) {
        return accepted.stream().filter(a -> "COMPLETED".equals(runs.run(a.runId()).get("status"))).count();
    }

    /** What a scenario does to Redis: kills the tenant's primary, returns the seconds until failover. */
    interface Failure {
        double inflict(String tenant);
    }

    private void scenario(String name, String redisUri, Failure failure, Runnable healed) {
        Figures figures = new Figures(name);
        Map<String, String> redis = Map.of(CommonSettings.REDIS_URI.env(), redisUri);
        try (ChaosIngress ingress = ChaosIngress.start("failover", Map.of(CommonSettings.REDIS_URI.env(), redisUri,
                     IngressSettings.REDIS_WAIT_REPLICAS.env(), "1", IngressSettings.REDIS_WAIT_TIMEOUT_MS.env(), "500"));
             SchedulerService scheduler = SchedulerService.start(ConfigTable.load(SchedulerSettings.ALL, Map.of(
                     CommonSettings.KAFKA_BOOTSTRAP.env(), RealKafka.broker().bootstrapServers(),
                     CommonSettings.REDIS_URI.env(), redisUri, SchedulerSettings.OPS_PORT.env(), "0",
                     SchedulerSettings.INSTANCE_ID.env(), name + "-scheduler",
                     SchedulerSettings.RECONCILER_INTERVAL_MS.env(), "4000")), InstantSource.system(), () -> { });
             WorkerCluster workers = WorkerCluster.create(name, dir, Map.of(CommonSettings.REDIS_URI.env(), redisUri,
                     CommonSettings.DATA_DIR.env(), ingress.dataDir.toString(), WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS,
                     WorkerSettings.SLOTS.env(), "4", WorkerSettings.LEASE_MS.env(), "15000"))) {
            workers.start("w1");
            workers.start("w2");
            String project = ingress.project("failover");
            String script = ingress.upload(project, "ok.py", "print('ok')\n");
            List<SubmitLoad.Answer> accepted;
            try (SubmitLoad load = SubmitLoad.start(ingress, project, script, CLIENTS);
                 UnifiedJedis reader = RedisPools.open(ConfigTable.load(CommonSettings.REDIS, redis), 4)) {
                Runs progress = new Runs(reader, ingress.tenant);
                // Under worker load: the workers are running jobs when the primary dies.
                await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> load.accepted().size()
                        >= ACCEPTED_EACH_SIDE && completed(progress, load.accepted()) >= ACCEPTED_EACH_SIDE / 3);
                long refusedBefore = load.count(503);
                int atKill = load.accepted().size();
                long killedAt = System.nanoTime();
                double failover = failure.inflict(ingress.tenant);
                // At most CLIENTS submits were in flight at the kill: one more 200 is one made after it.
                await().atMost(Duration.ofSeconds(90)).until(() -> load.accepted().size() > atKill + CLIENTS);
                double recovered = (System.nanoTime() - killedAt) / 1e9;
                long refused = load.count(503) - refusedBefore;
                int atRecovery = load.accepted().size();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> load.accepted().size() >= atRecovery + ACCEPTED_EACH_SIDE);
                load.close();
                accepted = load.accepted();
                figures.put("failoverSeconds", String.format("%.1f", failover))
                        .put("acknowledgedAgainSeconds", String.format("%.1f", recovered))
                        .put("refused503", refused).put("submits", load.answers().size())
                        .put("accepted", accepted.size()).put("answers", load.byStatus());
            }
            healed.run();
            try (UnifiedJedis client = RedisPools.open(ConfigTable.load(CommonSettings.REDIS, redis), 4)) {
                List<String> runIds = accepted.stream().map(SubmitLoad.Answer::runId).toList();
                Runs runs = new Runs(client, ingress.tenant);
                runs.awaitEnded(runIds, Duration.ofSeconds(60));
                Ledger ledger = Ledger.of(client, ingress.tenant, accepted);
                figures.put("lost", ledger.lost().size()).put("duplicates", ledger.duplicates().size())
                        .put("reexecuted", ledger.reexecuted()).put("ghosts", ledger.ghosts().size())
                        .put("rolledBack", ledger.rolledBack()).put("statuses", runs.statusCounts(runIds)).print();
                ledger.lost().stream().limit(10).forEach(System.out::println);

                assertThat(ledger.lost()).as("accepted submits lost or whose run did not complete").isEmpty();
                assertThat(ledger.duplicates()).as("tasks with other than one run").isEmpty();
                assertThat(runs.notEnded(runIds)).as("runs without a terminal status").isEmpty();
                assertThat(figures.line()).doesNotContain("=500");
            }
        }
    }
}
