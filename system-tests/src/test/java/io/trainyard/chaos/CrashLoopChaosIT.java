package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.common.testing.TopicRecords;
import io.trainyard.scheduler.SchedulerService;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.WorkerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Chaos: a crash loop. A long job's worker process is SIGKILLed every time it starts the job, on
 * two worker processes (each restarted at once), with a scheduler in the cluster, which runs the
 * reconciler. Kafka redelivers the job as each acquisition lock expires, until the share group's
 * delivery limit (TRAINYARD_MAX_ATTEMPTS + 2 = 5) archives it; the reconciler queues it again
 * while it has starts left. Without the reconciler the run would read RUNNING for ever.
 *
 * <p>The run must end in exactly one terminal status (FAILED "abandoned after N deliveries" with
 * one dead letter, or COMPLETED had an attempt run clean) within the lease plus the reconciler's
 * interval after the last kill, and stay so.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CrashLoopChaosIT {
    /** The workers' lease and acquisition lock: the broker's shortest. */
    private static final long LEASE_MS = 15_000;
    private static final long RECONCILER_INTERVAL_MS = 4_000;
    private static final int MAX_ATTEMPTS = 3;
    /** Polling the run, killing, and the reconciler's own work take this much beyond the promise. */
    private static final long SLACK_MS = 3_000;
    private static final Duration BOUND = Duration.ofMinutes(4);

    @Test
    void aRunWhoseWorkerIsKilledOnEveryStartEndsOnceWithinTheLeasePlusTheReconcilerInterval() throws Exception {
        Figures figures = new Figures("crash-loop");
        try (ChaosIngress ingress = ChaosIngress.start("crash", Map.of());
             SchedulerService scheduler = ChaosIngress.scheduler("crash-loop-scheduler", Map.of(
                     SchedulerSettings.RECONCILER_INTERVAL_MS.env(), Long.toString(RECONCILER_INTERVAL_MS),
                     SchedulerSettings.MAX_ATTEMPTS.env(), Integer.toString(MAX_ATTEMPTS)));
             JedisPooled redis = RealRedis.client()) {
            Path logs = Files.createDirectories(Path.of("target", "chaos", ingress.tenant).toAbsolutePath());
            Map<String, String> env = ChaosIngress.workerEnv(ingress.dataDir, Map.of(
                    WorkerSettings.TOPICS.env(), Topics.SCRIPT_JOBS,
                    WorkerSettings.SLOTS.env(), "1",
                    WorkerSettings.SANDBOX.env(), "bwrap",
                    WorkerSettings.LEASE_MS.env(), Long.toString(LEASE_MS),
                    WorkerSettings.MAX_ATTEMPTS.env(), Integer.toString(MAX_ATTEMPTS),
                    WorkerSettings.SHUTDOWN_GRACE_MS.env(), "1000"));
            List<WorkerProcess> workers = List.of(WorkerProcess.start("loop-w1", env, logs),
                    WorkerProcess.start("loop-w2", env, logs));
            try {
                String project = ingress.project("crash-loop");
                String resource = ingress.upload(project, "long.py", "import time\ntime.sleep(600)\n");
                JsonNode task = ChaosIngress.ok(ingress.json("POST", ChaosIngress.executePath(project, resource),
                        ChaosIngress.executeBody("crash-loop", 900)));
                String runId = task.get("individualTasks").get(0).get("id").asText();
                Runs runs = new Runs(redis, ingress.tenant);

                // Kill the worker that holds the run as soon as a start shows, every time.
                List<Long> kills = new CopyOnWriteArrayList<>();
                AtomicLong seenEpoch = new AtomicLong();
                ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
                killer.scheduleWithFixedDelay(() -> {
                    Map<String, String> now = runs.run(runId);
                    long epoch = Long.parseLong(now.getOrDefault("epoch", "0"));
                    if (!"RUNNING".equals(now.get("status")) || epoch <= seenEpoch.get()) {
                        return;
                    }
                    seenEpoch.set(epoch);
                    for (WorkerProcess worker : workers) {
                        if (worker.workerId().equals(now.get("workerId"))) {
                            worker.kill();
                            kills.add(System.currentTimeMillis());
                            System.out.printf("%s SIGKILL %s at start %s (epoch %d)%n", LocalTime.now(),
                                    now.get("workerId"), now.get("attempt"), epoch);
                            worker.restart();
                        }
                    }
                }, 0, 20, TimeUnit.MILLISECONDS);
                runs.awaitEnded(List.of(runId), BOUND);
                killer.shutdown();
                assertThat(killer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
                Map<String, String> run = runs.run(runId);
                String status = run.getOrDefault("status", "MISSING");
                long endedAfterLastKill = Runs.ended(run) && !kills.isEmpty()
                        ? Long.parseLong(run.get("completedAt")) - kills.getLast() : -1;
                // Ended once: nothing starts or rewrites it afterwards (late records find it ended).
                Map<String, String> ended = run;
                if (Runs.ended(run)) {
                    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                            .until(() -> runs.run(runId).equals(ended));
                }
                List<ConsumerRecord<String, byte[]>> deadLetters = TopicRecords.read(Topics.DLQ, runId);
                boolean promised = endedAfterLastKill >= 0
                        && endedAfterLastKill <= LEASE_MS + RECONCILER_INTERVAL_MS + SLACK_MS;
                int expectedLetters = "FAILED".equals(status) ? 1 : 0;
                figures.put("jobs", 1).put("workers", workers.size()).put("kills", kills.size())
                        .put("starts", run.get("attempt")).put("status", status).put("message", run.get("message"))
                        .put("lost", Runs.ended(run) ? 0 : 1).put("stuck", promised ? 0 : 1)
                        .put("duplicates", Math.abs(deadLetters.size() - expectedLetters))
                        .put("endedAfterLastKillMs", endedAfterLastKill).print();

                assertThat(status).as("worker logs in %s", logs).isIn("FAILED", "COMPLETED");
                assertThat(kills.size()).as("a start per kill until out of attempts").isGreaterThanOrEqualTo(MAX_ATTEMPTS);
                assertThat(endedAfterLastKill).as("ended after the last kill, in ms")
                        .isBetween(0L, LEASE_MS + RECONCILER_INTERVAL_MS + SLACK_MS);
                if ("FAILED".equals(status)) {
                    assertThat(run.get("message")).isEqualTo("abandoned after " + run.get("attempt") + " deliveries");
                    assertThat(Integer.parseInt(run.get("attempt"))).isGreaterThanOrEqualTo(MAX_ATTEMPTS);
                    assertThat(deadLetters).singleElement().satisfies(letter -> assertThat(
                            new String(letter.headers().lastHeader(DeadLetterHeaders.REASON).value(),
                                    StandardCharsets.UTF_8)).isEqualTo(run.get("message")));
                } else {
                    assertThat(deadLetters).isEmpty();
                }
            } finally {
                workers.forEach(WorkerProcess::close);
            }
        }
    }
}
