package io.trainyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.Ids;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.ingress.TaskStore;
import io.trainyard.worker.testing.WorkerHarness;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A job's record across its worker's life: renewed while a long run lasts, handed back on shutdown. */
@ExtendWith({RealKafka.class, RealRedis.class})
class LifecycleIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String TENANT = "lifecycle-it";

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
    void aRunLongerThanTheAcquisitionLockKeepsItsRecordAndRunsOnce() {
        // The broker's shortest lock is 15 s; the run outlives it, so only RENEW keeps the record ours.
        try (Worker worker = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "renewing-worker",
                WorkerSettings.LEASE_MS.env(), "15000")))) {
            String runId = Ids.next();
            harness.publish(WorkerHarness.code(TENANT, runId, "import time\ntime.sleep(17)\nprint('done')\n", 60));

            Map<String, String> run = harness.awaitEnd(TENANT, runId, Duration.ofSeconds(90));

            assertThat(run).containsEntry("status", "COMPLETED").containsEntry("epoch", "1").containsEntry("attempt", "1");
            assertThat(harness.output(TENANT, runId)).containsEntry("stdout", "done\n");
        }
    }

    @Test
    void anAttemptThatLostItsRunToANewerEpochKillsItsProcessAndWritesNothing() {
        try (Worker worker = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "fenced-worker")))) {
            String runId = Ids.next();
            harness.publish(WorkerHarness.code(TENANT, runId, "while True:\n    pass\n", 120));
            long pid = Long.parseLong(await().atMost(START).until(() -> harness.run(TENANT, runId).get("pID"),
                    java.util.Objects::nonNull).toString());
            harness.awaitStatus(TENANT, runId, "RUNNING", START);

            // Another worker takes the run over: a new fencing epoch.
            RunLedger ledger = new RunLedger(harness.redis(), 15_000);
            long epoch = ((RunLedger.Start.Started) ledger.start(TENANT, runId, "usurper", 2,
                    System.currentTimeMillis(), Map.of())).epoch();

            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            assertThat(harness.run(TENANT, runId)).containsEntry("status", "RUNNING").containsEntry("workerId", "usurper")
                    .containsEntry("epoch", Long.toString(epoch));
            assertThat(ledger.finish(TENANT, runId, epoch, RunStatus.COMPLETED, System.currentTimeMillis(),
                    Map.of("message", "finished by the new owner"), Map.of())).isTrue();
        }
    }

    @Test
    void onShutdownRunsFinishWithinTheGracePeriodAndTheRestGoBackToTheQueue() {
        String quick = Ids.next();
        String endless = Ids.next();
        Worker first = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "leaving-worker",
                WorkerSettings.SHUTDOWN_GRACE_MS.env(), "3000")));
        try {
            harness.publish(WorkerHarness.code(TENANT, quick, "import time\ntime.sleep(1.5)\nprint('made it')\n", 60));
            harness.publish(WorkerHarness.code(TENANT, endless, "while True:\n    pass\n", 120));
            harness.awaitStatus(TENANT, quick, "RUNNING", START);
            harness.awaitStatus(TENANT, endless, "RUNNING", START);
        } finally {
            first.close();
        }

        assertThat(harness.run(TENANT, quick)).containsEntry("status", "COMPLETED");
        assertThat(harness.run(TENANT, endless)).containsEntry("status", "QUEUED").containsEntry("workerId", "leaving-worker");
        assertThat(harness.run(TENANT, endless).get("message")).contains("Released");

        try (Worker second = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "next-worker")))) {
            Map<String, String> taken = harness.awaitStatus(TENANT, endless, "RUNNING", START);
            assertThat(taken).containsEntry("workerId", "next-worker").containsEntry("epoch", "2");

            new TaskStore(harness.redis()).cancelRun(TENANT, endless, System.currentTimeMillis());
            assertThat(harness.awaitEnd(TENANT, endless, Duration.ofSeconds(5))).containsEntry("status", "CANCELLED");
        }
    }
}
