package io.trainyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.trainyard.common.Ids;
import io.trainyard.common.job.JobType;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.TaskStore;
import io.trainyard.worker.testing.ScriptedKind;
import io.trainyard.worker.testing.WorkerHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Lanes that take several records per poll: every run ends once, long ones keep their records, shutdown hands back. */
@ExtendWith({RealKafka.class, RealRedis.class})
class BatchedLanesIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String TENANT = "batch-it";

    private static WorkerHarness harness;

    @BeforeAll
    static void harness() {
        harness = new WorkerHarness();
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    @Test
    void aBatchOfMixedJobsEndsEveryRunInExactlyOneTerminalStatus() {
        ScriptedKind kind = new ScriptedKind();
        List<String> ok = ids("ok-", 40);
        List<String> flaky = ids("flaky-", 6);
        List<String> broken = ids("broken-", 6);
        List<String> cancelled = ids("ok-cancelled-", 4);
        TaskStore tasks = new TaskStore(harness.redis());
        for (String runId : cancelled) {
            harness.redis().hset(new TenantKeys(TENANT).run(runId), Map.of("id", runId, "tenant", TENANT, "status", "QUEUED"));
            tasks.cancelRun(TENANT, runId, System.currentTimeMillis());
        }
        try (Worker worker = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "batch-worker",
                WorkerSettings.SLOTS.env(), "16", WorkerSettings.BATCH.env(), "8")), List.of(kind))) {
            List<String> all = new ArrayList<>();
            for (List<String> group : List.of(ok, flaky, broken, cancelled)) {
                all.addAll(group);
            }
            for (int i = 0; i < all.size(); i++) {
                harness.publishAsync(all.get(i), WorkerHarness.of(TENANT, all.get(i), JobType.NOOP));
                if (i % 15 == 0) {
                    harness.publishAsync(Topics.SCRIPT_JOBS, "poison-" + i, "{not a job " + i);
                }
            }
            harness.flush();

            for (String runId : all) {
                harness.awaitEnd(TENANT, runId, START);
            }
            await().atMost(START).until(() -> count(worker, "trainyard.worker.dlq.sends") == 4);

            for (String runId : ok) {
                assertThat(harness.run(TENANT, runId)).containsEntry("status", "COMPLETED").containsEntry("epoch", "1");
                assertThat(kind.executions(runId)).isEqualTo(1);
            }
            for (String runId : flaky) {
                assertThat(harness.run(TENANT, runId)).containsEntry("status", "COMPLETED").containsEntry("epoch", "2")
                        .containsEntry("attempt", "2");
                assertThat(kind.executions(runId)).isEqualTo(2);
            }
            for (String runId : broken) {
                assertThat(harness.run(TENANT, runId)).containsEntry("status", "FAILED").containsEntry("epoch", "1");
                assertThat(kind.executions(runId)).isEqualTo(1);
            }
            for (String runId : cancelled) {
                assertThat(harness.run(TENANT, runId)).containsEntry("status", "CANCELLED").doesNotContainKey("executedAt");
                assertThat(kind.executions(runId)).isZero();
            }
            MeterRegistry meters = worker.meters();
            assertThat(meters.get("trainyard.worker.lanes").gauge().value()).isEqualTo(2);
            assertThat(count(worker, "trainyard.worker.runs.started")).isEqualTo(40 + 2 * 6 + 6);
            assertThat(meters.get("trainyard.worker.runs.finished").tag("status", "COMPLETED").counter().count()).isEqualTo(46);
            assertThat(meters.get("trainyard.worker.runs.finished").tag("status", "FAILED").counter().count()).isEqualTo(6);
            assertThat(meters.get("trainyard.worker.runs.skipped").tag("reason", "ended").counter().count()).isEqualTo(4);
            assertThat(meters.get("kafka.share.consumer.records.consumed").functionCounter().count())
                    .isGreaterThanOrEqualTo(all.size());
        }
    }

    @Test
    void aLongJobKeepsItsRecordRenewedWhileTheRestOfItsBatchEnds() {
        ScriptedKind kind = new ScriptedKind();
        String long1 = "hold-" + Ids.next();
        List<String> quick = ids("ok-", 3);
        // The broker's shortest lock is 15 s; the run outlives it, so only RENEW keeps the record this lane's.
        try (Worker worker = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "renewing-lanes",
                WorkerSettings.SLOTS.env(), "8", WorkerSettings.BATCH.env(), "4", WorkerSettings.LEASE_MS.env(), "15000")),
                List.of(kind))) {
            try {
                renewsWhileOthersWork(worker, long1, quick);
            } finally {
                kind.release();
            }
            assertThat(harness.awaitEnd(TENANT, long1, START)).containsEntry("status", "COMPLETED")
                    .containsEntry("epoch", "1").containsEntry("attempt", "1");
            assertThat(kind.executions(long1)).isEqualTo(1);
        }
    }

    /** The long job and three quick ones in one batch; the quick ones end, the long one is renewed twice. */
    private static void renewsWhileOthersWork(Worker worker, String long1, List<String> quick) {
        // One key: one partition, so the lane that takes the long job takes the quick ones with it.
        String key = "renew-" + Ids.next();
        harness.publishAsync(key, WorkerHarness.of(TENANT, long1, JobType.NOOP));
        quick.forEach(runId -> harness.publishAsync(key, WorkerHarness.of(TENANT, runId, JobType.NOOP)));
        harness.flush();
        for (String runId : quick) {
            assertThat(harness.awaitEnd(TENANT, runId, START)).containsEntry("status", "COMPLETED");
        }
        harness.awaitStatus(TENANT, long1, "RUNNING", START);

        // Renewed at half the lock, twice: the record is held past its first lock's expiry.
        await().atMost(Duration.ofSeconds(40)).until(() -> count(worker, "trainyard.worker.lock.renewals") >= 2);
        assertThat(harness.run(TENANT, long1)).containsEntry("status", "RUNNING").containsEntry("epoch", "1");
    }

    @Test
    void onShutdownABatchFinishesWithinTheGracePeriodAndTheRestGoesBackToTheQueue() {
        ScriptedKind kind = new ScriptedKind();
        List<String> held = ids("hold-", 2);
        List<String> endless = ids("endless-", 2);
        String key = "shutdown-" + Ids.next();
        for (String runId : List.of(held.get(0), endless.get(0), held.get(1), endless.get(1))) {
            harness.publishAsync(key, WorkerHarness.of(TENANT, runId, JobType.NOOP));
        }
        harness.flush();
        Worker first = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "leaving-lanes",
                WorkerSettings.SLOTS.env(), "4", WorkerSettings.BATCH.env(), "4", WorkerSettings.SHUTDOWN_GRACE_MS.env(), "3000")),
                List.of(kind));
        try {
            for (String runId : held) {
                harness.awaitStatus(TENANT, runId, "RUNNING", START);
            }
            for (String runId : endless) {
                harness.awaitStatus(TENANT, runId, "RUNNING", START);
            }
        } finally {
            CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
            await().atMost(Duration.ofSeconds(5)).until(() -> !first.ready());
            kind.release();
            closing.join();
        }

        for (String runId : held) {
            assertThat(harness.run(TENANT, runId)).containsEntry("status", "COMPLETED").containsEntry("epoch", "1");
            assertThat(kind.executions(runId)).isEqualTo(1);
        }
        for (String runId : endless) {
            assertThat(harness.run(TENANT, runId)).containsEntry("status", "QUEUED").containsEntry("workerId", "leaving-lanes");
            assertThat(harness.run(TENANT, runId).get("message")).contains("Released");
        }

        ScriptedKind next = new ScriptedKind();
        try (Worker second = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "next-lanes",
                WorkerSettings.SLOTS.env(), "4", WorkerSettings.BATCH.env(), "4")), List.of(next))) {
            TaskStore tasks = new TaskStore(harness.redis());
            for (String runId : endless) {
                assertThat(harness.awaitStatus(TENANT, runId, "RUNNING", START)).containsEntry("workerId", "next-lanes")
                        .containsEntry("epoch", "2");
                tasks.cancelRun(TENANT, runId, System.currentTimeMillis());
                assertThat(harness.awaitEnd(TENANT, runId, Duration.ofSeconds(5))).containsEntry("status", "CANCELLED");
            }
            for (String runId : held) {
                assertThat(next.executions(runId)).isZero();
            }
        }
    }

    private static List<String> ids(String prefix, int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(prefix + Ids.next());
        }
        return ids;
    }

    private static double count(Worker worker, String name) {
        var search = worker.meters().find(name);
        return search.counters().stream().mapToDouble(c -> c.count()).sum()
                + search.functionCounters().stream().mapToDouble(c -> c.count()).sum();
    }
}
