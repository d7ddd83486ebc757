package io.trainyard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.kafka.Topics;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * The worker's intake under ordinary faults, on worker processes of the default shape (4 slots,
 * lanes of one record, both job topics): no job waits while a slot is free, a stalled worker
 * loses no job, and a stopped worker hands back every run it cannot finish.
 */
@Tag("chaos")
@ExtendWith({RealKafka.class, RealRedis.class})
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class IntakeChaosIT {
    /** The topics a worker of the default topics consumes: each job topic with its high and low twin. */
    private static final int TOPICS = Topics.withPriorities(List.of(Topics.SCRIPT_JOBS, Topics.TRAINING_JOBS)).size();
    /** Two workers of 4 slots: 4 lanes per topic, each lane a share consumer of its topic. */
    private static final int CONSUMERS = 2 * TOPICS * 4;

    @TempDir
    Path dir;

    @Test
    void eightLongJobsOnEightFreeSlotsAllStartBeforeAnyEnds() {
        Figures figures = new Figures("eight-long-jobs");
        try (WorkerCluster cluster = WorkerCluster.create("eight", dir, Map.of(WorkerSettings.SLOTS.env(), "4"));
             JedisPooled redis = RealRedis.client()) {
            cluster.start("w1");
            cluster.start("w2");
            cluster.awaitConsumers(CONSUMERS, Duration.ofSeconds(60));
            Runs runs = new Runs(redis, cluster.tenant);

            long firstPublished = System.currentTimeMillis();
            List<String> runIds = cluster.publish(8, WorkerCluster.sleeping(8), 60);
            long published = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> runIds.stream().allMatch(id -> runs.run(id).containsKey("executedAt")));
            long lastStart = 0;
            long idleSlotMillis = 0;
            Map<String, Integer> perWorker = new LinkedHashMap<>();
            List<Long> starts = new ArrayList<>();
            List<String> timeline = new ArrayList<>();
            for (String id : runIds) {
                Map<String, String> run = runs.run(id);
                long executedAt = Long.parseLong(run.get("executedAt"));
                starts.add(executedAt - Long.parseLong(run.get("queuedAt")));
                timeline.add(run.get("workerId") + "@" + (executedAt - published));
                lastStart = Math.max(lastStart, executedAt);
                idleSlotMillis += Math.max(0, executedAt - published);
                perWorker.merge(run.get("workerId"), 1, Integer::sum);
            }
            runs.awaitEnded(runIds, Duration.ofSeconds(60));
            figures.put("jobs", runIds.size()).put("lost", runs.notEnded(runIds).size())
                    .put("stuck", runs.notEnded(runIds).size()).put("duplicates", attemptsAbove(runs, runIds, 1))
                    .put("idleSlotSeconds", idleSlotMillis / 1000.0)
                    .put("publishMs", published - firstPublished).put("startAfterQueuedMs", starts).put("lastStartAfterPublishMs", lastStart - published).put("startsAfterPublishMs", timeline)
                    .put("perWorker", perWorker).put("statuses", runs.statusCounts(runIds)).print();

            // Work-conserving whatever the machine's speed: every job started before any of them
            // ended, so none waited for a slot while one was free (the time it took is a figure).
            long firstEnd = runIds.stream().mapToLong(id -> Long.parseLong(runs.run(id).get("completedAt")))
                    .min().orElseThrow();
            assertThat(lastStart).as("the last of 8 jobs on 8 free slots started before the first of them ended ("
                            + figures.put("firstEndAfterPublishMs", firstEnd - published).line() + ", hand-backs: "
                            + cluster.logLines("event=handed_back") + ")")
                    .isLessThan(firstEnd);
            assertThat(runs.statusCounts(runIds)).containsExactly(Map.entry("COMPLETED", 8));
        }
    }

    @Test
    void aWorkerStoppedPastItsLockWhileOthersAreQueuedLosesNoJob() {
        Figures figures = new Figures("worker-stall");
        long lockMs = 15_000;
        try (WorkerCluster cluster = WorkerCluster.create("stall", dir, Map.of(WorkerSettings.SLOTS.env(), "4",
                     WorkerSettings.LEASE_MS.env(), Long.toString(lockMs)));
             JedisPooled redis = RealRedis.client()) {
            cluster.start("w1");
            cluster.start("w2");
            cluster.awaitConsumers(CONSUMERS, Duration.ofSeconds(60));
            Runs runs = new Runs(redis, cluster.tenant);

            // Eight long jobs fill both workers; four more wait in the queue.
            List<String> runIds = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                runIds.add(cluster.publish(WorkerCluster.sleeping(12), 120));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> runIds.stream()
                    .filter(id -> "RUNNING".equals(runs.run(id).get("status"))).count() == 8);
            String stalledId = runs.run(runIds.get(0)).get("workerId");
            WorkerProcess stalled = cluster.byId(stalledId);
            List<String> heldByStalled = runIds.stream()
                    .filter(id -> stalledId.equals(runs.run(id).get("workerId"))
                            && "RUNNING".equals(runs.run(id).get("status")))
                    .toList();

            // Stalled past the lock and the lease, until the other worker has taken over every run it held.
            WorkerCluster.signal(stalled.pid(), "STOP");
            long stoppedAt = System.currentTimeMillis();
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> heldByStalled.stream().noneMatch(id -> stalledId.equals(runs.run(id).get("workerId"))));
            } finally {
                WorkerCluster.signal(stalled.pid(), "CONT");
            }
            long stoppedFor = System.currentTimeMillis() - stoppedAt;

            runs.awaitEnded(runIds, Duration.ofSeconds(90));
            List<String> notEnded = runs.notEnded(runIds);
            List<String> queuedRunsRetried = runIds.stream()
                    .filter(id -> !heldByStalled.contains(id)
                            && Integer.parseInt(runs.run(id).getOrDefault("attempt", "0")) > 1)
                    .toList();
            figures.put("jobs", runIds.size()).put("stalledMs", stoppedFor).put("heldByStalled", heldByStalled.size())
                    .put("lost", notEnded.size()).put("stuck", notEnded.size())
                    .put("duplicates", queuedRunsRetried.size())
                    .put("maxAttempt", maxAttempt(runs, runIds))
                    .put("statuses", runs.statusCounts(runIds)).print();

            assertThat(notEnded).as("runs that never ended (logs in " + cluster.logs + ")").isEmpty();
            assertThat(runs.statusCounts(runIds)).containsExactly(Map.entry("COMPLETED", 12));
            assertThat(queuedRunsRetried).as("runs the stalled worker did not hold, yet started more than once")
                    .isEmpty();
        }
    }

    @Test
    void aWorkerStoppedWithStalledRunsHandsThemToAnotherWithinTheDefaultGrace() {
        Figures figures = new Figures("shutdown-hand-back");
        try (WorkerCluster cluster = WorkerCluster.create("handback", dir, Map.of(WorkerSettings.SLOTS.env(), "2"));
             JedisPooled redis = RealRedis.client()) {
            WorkerProcess first = cluster.start("w1");
            cluster.awaitConsumers(TOPICS * 2, Duration.ofSeconds(60));
            Runs runs = new Runs(redis, cluster.tenant);

            List<String> running = List.of(cluster.publish(WorkerCluster.sleeping(4), 120),
                    cluster.publish(WorkerCluster.sleeping(4), 120));
            await().atMost(Duration.ofSeconds(30)).until(() -> running.stream()
                    .allMatch(id -> "RUNNING".equals(runs.run(id).get("status"))));
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                queued.add(cluster.publish(WorkerCluster.sleeping(0.1), 120));
            }
            // Its scripts stall: they cannot finish within the grace period, however long they get.
            await().atMost(Duration.ofSeconds(10)).until(() -> WorkerCluster.descendants(first.pid()).size() >= 2);
            WorkerCluster.descendants(first.pid()).forEach(pid -> WorkerCluster.signal(pid, "STOP"));

            WorkerCluster.signal(first.pid(), "TERM");
            long terminatedAt = System.currentTimeMillis();
            WorkerProcess second = cluster.start("w2");
            await().atMost(Duration.ofSeconds(90)).until(() -> !first.alive());
            long exitedAfter = System.currentTimeMillis() - terminatedAt;
            List<String> runningUnderStopped = running.stream()
                    .filter(id -> first.workerId().equals(runs.run(id).get("workerId"))
                            && "RUNNING".equals(runs.run(id).get("status")))
                    .toList();

            List<String> all = new ArrayList<>(running);
            all.addAll(queued);
            runs.awaitEnded(all, Duration.ofSeconds(60));
            long handOverMs = running.stream()
                    .mapToLong(id -> Long.parseLong(runs.run(id).getOrDefault("executedAt", "0")) - terminatedAt)
                    .max().orElse(-1);
            figures.put("jobs", all.size()).put("lost", runs.notEnded(all).size())
                    .put("stuck", runningUnderStopped.size()).put("exitMs", exitedAfter)
                    .put("handOverMs", handOverMs).put("maxQueuedAttempt", maxAttempt(runs, queued))
                    .put("statuses", runs.statusCounts(all)).print();

            assertThat(runningUnderStopped).as("runs still RUNNING under the stopped worker after its exit")
                    .isEmpty();
            assertThat(runs.notEnded(all)).as("runs that never ended (logs in " + cluster.logs + ")").isEmpty();
            for (String id : running) {
                assertThat(runs.run(id)).as("handed-back run " + id)
                        .containsEntry("status", "COMPLETED").containsEntry("workerId", second.workerId());
            }
            for (String id : queued) {
                assertThat(runs.run(id)).as("queued run " + id)
                        .containsEntry("status", "COMPLETED").containsEntry("attempt", "1");
            }
        }
    }

    private static int maxAttempt(Runs runs, List<String> runIds) {
        return runIds.stream().mapToInt(id -> Integer.parseInt(runs.run(id).getOrDefault("attempt", "0"))).max()
                .orElse(0);
    }

    private static long attemptsAbove(Runs runs, List<String> runIds, int attempt) {
        return runIds.stream().filter(id -> Integer.parseInt(runs.run(id).getOrDefault("attempt", "0")) > attempt)
                .count();
    }
}
