package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.RedisServer;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.JedisPooled;

/**
 * redis-server hangs (SIGSTOP: connections stay open, nothing answers) while clients submit 20
 * jobs a second and a worker process runs them. Every submit that got a 200 must end in exactly
 * one terminal status, the outage must spend no job's attempts, and every submit must be
 * answered within its bound, 200 or 503, never 500.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedisHangChaosIT {
    /**
     * The ingress's default TRAINYARD_SUBMIT_TIMEOUT_MS, plus slack for the HTTP round trip and for
     * a busy 2-core machine's scheduling. Well under the 15 s hang: a submit that waited for Redis
     * to come back fails it.
     */
    private static final long SUBMIT_BOUND_MS = 5_000 + 3_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "redis-server stalled for {0} s")
    @ValueSource(ints = {15, 60})
    void everyAcceptedSubmitEndsOnceThoughRedisHangs(int seconds) throws Exception {
        Figures figures = new Figures("redis-hang-" + seconds + "s");
        RedisServer server = RealRedis.server();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (ChaosIngress ingress = ChaosIngress.start("hang" + seconds, Map.of());
             WorkerCluster cluster = WorkerCluster.create("hang" + seconds, dir, Map.of(
                     CommonSettings.DATA_DIR.env(), ingress.dataDir.toString(), WorkerSettings.SLOTS.env(), "4"));
             JedisPooled redis = RealRedis.client()) {
            cluster.start("w1");
            String project = ingress.project("hang");
            String script = ingress.upload(project, "quick.py", "print('ok')\n");
            List<String> runIds;
            try (SubmitLoad load = SubmitLoad.atRate(ingress, project, script, 20)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> load.accepted().size() >= 60);
                server.suspend();
                timer.schedule(server::resume, seconds, TimeUnit.SECONDS);
                int acceptedBefore = load.accepted().size();
                // Redis answers again, and submits are accepted again after it.
                await().atMost(Duration.ofSeconds(seconds + 60L)).pollInterval(Duration.ofMillis(250))
                        .until(() -> load.count(503) > 0 && load.accepted().size() >= acceptedBefore + 60);
                load.close();
                runIds = load.accepted().stream().map(SubmitLoad.Answer::runId).toList();
                figures.put("submits", load.answers().size()).put("answers", load.byStatus())
                        .put("slowestSubmitMs", load.slowestMillis());
                assertThat(load.answers()).as("answers other than 200 and 503")
                        .allMatch(a -> a.status() == 200 || a.status() == 503);
                assertThat(load.slowestMillis()).as("slowest submit").isLessThanOrEqualTo(SUBMIT_BOUND_MS);
            }

            Runs runs = new Runs(redis, ingress.tenant);
            runs.awaitEnded(runIds, Duration.ofSeconds(120));
            List<String> notEnded = runs.notEnded(runIds);
            long retried = runIds.stream()
                    .filter(id -> Integer.parseInt(runs.run(id).getOrDefault("attempt", "0")) > 1).count();
            figures.put("jobs", runIds.size()).put("lost", notEnded.size()).put("stuck", notEnded.size())
                    .put("duplicates", retried).put("statuses", runs.statusCounts(runIds)).print();

            assertThat(notEnded).as("accepted runs that never ended (logs in " + cluster.logs + ")").isEmpty();
            assertThat(runs.statusCounts(runIds)).containsOnlyKeys("COMPLETED");
            assertThat(retried).as("accepted runs that took more than one attempt: an outage is no attempt").isZero();
        } finally {
            timer.shutdownNow();
            // Whatever happened above, the shared redis-server must not stay stopped.
            server.resume();
        }
    }
}
