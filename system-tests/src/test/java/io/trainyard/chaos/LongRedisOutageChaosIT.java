package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.devtools.RedisServer;
import io.trainyard.worker.Worker;
import io.trainyard.worker.WorkerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos 3, the long version: Redis stays away (killed, started again 20 s after the worker noticed)
 * longer than the worker's retry budget while accepted jobs wait behind a running one. The promise (DESIGN: workers "keep their running jobs
 * and catch up when the server returns") is that every accepted run still ends once Redis is back.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LongRedisOutageChaosIT {
    private static final int WAITING = 5;
    private static final long OUTAGE_AFTER_NOTICED_SECONDS = 20;

    @Test
    void acceptedJobsWaitOutARedisOutageLongerThanTheRetryBudget() throws Exception {
        Figures figures = new Figures("long-redis-outage");
        RedisServer server = RealRedis.server();
        try (ChaosIngress ingress = ChaosIngress.start("outage", Map.of());
             Worker worker = InProcessWorker.start("outage-worker", ingress.dataDir,
                     Map.of(WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS, WorkerSettings.SLOTS.env(), "1"))) {
            String project = ingress.project("outage");
            String blocker = ingress.upload(project, "blocker.py", "import time\ntime.sleep(4)\n");
            String quick = ingress.upload(project, "quick.py", "print('ok')\n");
            List<String> runIds = new ArrayList<>();
            runIds.add(submit(ingress, project, blocker, "blocker"));
            try (JedisPooled redis = RealRedis.client()) {
                Runs runs = new Runs(redis, ingress.tenant);
                await().atMost(Duration.ofSeconds(60)).until(() -> "RUNNING".equals(runs.run(runIds.get(0)).get("status")));
            }
            for (int i = 0; i < WAITING; i++) {
                runIds.add(submit(ingress, project, quick, "waiting-" + i));
            }

            server.kill();
            // The worker notices (a start or an end it cannot record) and stops taking jobs; Redis
            // stays away for 20 s more, several times the retry policy's budget (1 s + 2 s of backoff).
            await().atMost(Duration.ofSeconds(60)).until(() -> !worker.redisReachable());
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            try {
                Runnable restart = server::start;
                timer.schedule(restart, OUTAGE_AFTER_NOTICED_SECONDS, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
            } finally {
                timer.shutdownNow();
            }

            try (JedisPooled redis = RealRedis.client()) {
                Runs runs = new Runs(redis, ingress.tenant);
                runs.awaitEnded(runIds, Duration.ofSeconds(60));
                List<String> lost = runs.notEnded(runIds);
                int maxAttempt = runIds.stream()
                        .mapToInt(id -> Integer.parseInt(runs.run(id).getOrDefault("attempt", "0"))).max().orElse(0);
                figures.put("jobs", runIds.size()).put("lost", lost.size()).put("stuck", lost.size())
                        .put("workerRetries", count(worker, "trainyard.worker.retries"))
                        .put("deadLettered", count(worker, "trainyard.worker.dlq.sends"))
                        .put("maxAttempt", maxAttempt).put("statuses", runs.statusCounts(runIds)).print();
                assertThat(lost).as("accepted runs that never ended").isEmpty();
                assertThat(runs.statusCounts(runIds)).containsOnlyKeys("COMPLETED");
                assertThat(count(worker, "trainyard.worker.dlq.sends")).as("dead letters").isZero();
                assertThat(maxAttempt).as("an outage spends no attempt").isEqualTo(1);
            }
        }
    }

    private static String submit(ChaosIngress ingress, String project, String resource, String name) {
        JsonNode task = ChaosIngress.ok(ingress.json("POST", ChaosIngress.executePath(project, resource),
                ChaosIngress.executeBody(name, 0)));
        return task.get("individualTasks").get(0).get("id").asText();
    }

    private static long count(Worker worker, String meter) {
        return Math.round(worker.meters().find(meter).counters().stream().mapToDouble(c -> c.count()).sum());
    }
}
