package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * answered, 200 or 503, never 500.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedisHangChaosIT {
    private static final long SUBMIT_EVERY_MS = 50;

    @TempDir
    Path dir;

    /** One answered submit: its status, the run it created (for a 200) and how long it took. */
    record Answer(int status, String runId, long millis, String body) {}

    @ParameterizedTest(name = "redis-server stalled for {0} s")
    @ValueSource(ints = {15, 60})
    void everyAcceptedSubmitEndsOnceThoughRedisHangs(int seconds) throws Exception {
        Figures figures = new Figures("redis-hang-" + seconds + "s");
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        AtomicInteger sequence = new AtomicInteger();
        try (ChaosIngress ingress = ChaosIngress.start("hang" + seconds, Map.of());
             WorkerCluster cluster = WorkerCluster.create("hang" + seconds, dir, Map.of(
                     "TRAINYARD_DATA_DIR", ingress.dataDir.toString(), "TRAINYARD_WORKER_SLOTS", "4"));
             JedisPooled redis = RealRedis.client()) {
            cluster.start("w1");
            String project = ingress.project("hang");
            String script = ingress.upload(project, "quick.py", "print('ok')\n");
            String execute = ChaosIngress.executePath(project, script);
            clock.scheduleAtFixedRate(() -> Thread.ofVirtual().start(() -> {
                String name = "hang-" + sequence.incrementAndGet();
                long start = System.nanoTime();
                try {
                    HttpResponse<String> response = ingress.json("POST", execute, ChaosIngress.executeBody(name, 0));
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    String runId = null;
                    if (response.statusCode() == 200) {
                        JsonNode task = ChaosIngress.tree(response);
                        runId = task.get("individualTasks").get(0).get("id").asText();
                    }
                    answers.add(new Answer(response.statusCode(), runId, millis, response.body()));
                } catch (RuntimeException e) {
                    answers.add(new Answer(0, null, (System.nanoTime() - start) / 1_000_000, e.toString()));
                }
            }), 0, SUBMIT_EVERY_MS, TimeUnit.MILLISECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> accepted(answers).size() >= 60);
            long pid = RealRedis.server().pid();
            WorkerCluster.signal(pid, "STOP");
            clock.schedule(() -> WorkerCluster.signal(pid, "CONT"), seconds, TimeUnit.SECONDS);
            int acceptedBefore = accepted(answers).size();
            // Redis answers again, and the ingress accepts submits again after it.
            await().atMost(Duration.ofSeconds(seconds + 60L)).pollInterval(Duration.ofMillis(250))
                    .until(() -> accepted(answers).size() >= acceptedBefore + 60
                            && answers.stream().anyMatch(a -> a.status() != 200));
            clock.shutdown();
            clock.awaitTermination(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> answers.size() >= sequence.get());

            Runs runs = new Runs(redis, ingress.tenant);
            List<String> runIds = accepted(answers);
            runs.awaitEnded(runIds, Duration.ofSeconds(120));
            List<String> notEnded = runs.notEnded(runIds);
            long retried = runIds.stream()
                    .filter(id -> Integer.parseInt(runs.run(id).getOrDefault("attempt", "0")) > 1).count();
            Map<Integer, Long> byStatus = new TreeMap<>();
            answers.forEach(a -> byStatus.merge(a.status(), 1L, Long::sum));
            long slowest = answers.stream().mapToLong(Answer::millis).max().orElse(0);
            List<Answer> unexpected = answers.stream().filter(a -> a.status() != 200 && a.status() != 503).toList();
            figures.put("submits", answers.size()).put("accepted", runIds.size()).put("answers", byStatus)
                    .put("lost", notEnded.size()).put("stuck", notEnded.size()).put("duplicates", retried)
                    .put("slowestSubmitMs", slowest).put("statuses", runs.statusCounts(runIds)).print();

            assertThat(unexpected).as("answers other than 200 and 503").isEmpty();
            assertThat(notEnded).as("accepted runs that never ended (logs in " + cluster.logs + ")").isEmpty();
            assertThat(runs.statusCounts(runIds)).containsOnlyKeys("COMPLETED");
            assertThat(retried).as("accepted runs that took more than one attempt: an outage is no attempt").isZero();
        } finally {
            clock.shutdownNow();
            // Whatever happened above, the shared redis-server must not stay stopped.
            WorkerCluster.signal(RealRedis.server().pid(), "CONT");
        }
    }

    private static List<String> accepted(ConcurrentLinkedQueue<Answer> answers) {
        List<String> ids = new ArrayList<>();
        for (Answer a : answers) {
            if (a.status() == 200) {
                ids.add(a.runId());
            }
        }
        return ids;
    }
}
