package io.trainyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.common.Ids;
import io.trainyard.common.flow.FlowLimits;
import io.trainyard.common.flow.FlowStore;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.Priority;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.worker.testing.WorkerHarness;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Priorities and concurrency limits per key on a real worker, broker and Redis. */
@ExtendWith({RealKafka.class, RealRedis.class})
class FlowControlIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static WorkerHarness harness;

    @BeforeAll
    static void harness() {
        harness = new WorkerHarness();
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    /**
     * NOOP jobs that complete at once, except {@code gate-} runs, which wait until the test opens
     * them, and {@code low-} runs, which take {@value #LOW_JOB_MILLIS} ms: a job that ended the
     * instant it started would measure a record's way from Kafka in low jobs run meanwhile.
     */
    static final class GatedKind implements JobKind {
        static final long LOW_JOB_MILLIS = 50;
        final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
        final AtomicInteger lowDone = new AtomicInteger();
        final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public JobType type() {
            return JobType.NOOP;
        }

        @Override
        public Outcome run(RunContext context) throws InterruptedException {
            String runId = context.job().runId();
            started.add(runId);
            if (runId.startsWith("gate-")) {
                gates.computeIfAbsent(runId, id -> new CountDownLatch(1)).await();
            }
            if (runId.startsWith("low-")) {
                Thread.sleep(LOW_JOB_MILLIS);
                lowDone.incrementAndGet();
            }
            return Outcome.completed("done");
        }

        void open(String runId) {
            gates.computeIfAbsent(runId, id -> new CountDownLatch(1)).countDown();
        }
    }

    private static JobMessage job(String tenant, String runId, Priority priority, String key) {
        return new JobMessage(JobMessage.SCHEMA_VERSION, runId, "task-" + runId, tenant, JobType.NOOP, null, null, null,
                0, 1, System.currentTimeMillis(), priority == Priority.NORMAL ? null : priority.wire(), key, null, null);
    }

    /** The run record the ingress writes at submit, so a parked run can say why it waits. */
    private static void queued(JobMessage job) {
        harness.redis().hset(new TenantKeys(job.tenant()).run(job.runId()),
                RunRecord.queued(job.runId(), job.taskId(), job.tenant(), job.type(), job.createdAt())
                        .with(RunRecord.ATTEMPT, "0").fields());
    }

    private static void publish(JobMessage job) {
        harness.publish(Topics.jobsTopicFor(job.type(), job.priorityLevel()), job.runId(), Json.writeString(job));
    }

    @Test
    void aHighJobOvertakesABacklogOfLowJobs() {
        String tenant = "prio-" + Ids.next();
        GatedKind kind = new GatedKind();
        int backlog = 3_000;
        try (Worker worker = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "prio-worker",
                WorkerSettings.SLOTS.env(), "1")), List.of(kind))) {
            for (int i = 0; i < backlog; i++) {
                harness.publishAsync(Topics.jobsTopicFor(JobType.NOOP, Priority.LOW), "low-" + i,
                        Json.writeString(job(tenant, "low-" + i, Priority.LOW, null)));
            }
            harness.flush();
            await().atMost(BOUND).until(() -> kind.lowDone.get() >= 20);

            String high = "high-" + Ids.next();
            int startedBefore = kind.started.size();
            publish(job(tenant, high, Priority.HIGH, null));
            await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() -> kind.started.contains(high));
            int lowsBetween = kind.started.indexOf(high) - startedBefore;

            // A slot frees after each low job: the next one goes to the high job, give or take the
            // low jobs whose records were on their way already.
            assertThat(lowsBetween).as("low jobs started between the high job's publish and its start")
                    .isLessThanOrEqualTo(3);
            assertThat(kind.lowDone.get()).as("the backlog has not drained").isLessThan(backlog);
        }
    }

    @Test
    void jobsOverTheirKeysLimitWaitWithoutASlotOrAnAttemptAndStartInOrder() {
        String tenant = "conc-" + Ids.next();
        FlowStore flows = new FlowStore(harness.redis(), new FlowLimits(0, 0, 0, 15_000, 15_000), InstantSource.system());
        flows.limit(tenant, "gpu", 1);
        GatedKind kind = new GatedKind();
        try (Worker worker = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "conc-worker")), List.of(kind))) {
            List<String> gated = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JobMessage job = job(tenant, "gate-" + i + "-" + Ids.next(), Priority.NORMAL, "gpu");
                gated.add(job.runId());
                queued(job);
                publish(job);
                if (i == 0) {
                    harness.awaitStatus(tenant, job.runId(), "RUNNING", BOUND);
                } else {
                    await().atMost(BOUND).until(() -> harness.run(tenant, job.runId()).getOrDefault("message", "")
                            .startsWith("Waiting"));
                }
            }
            for (String waiting : gated.subList(1, 4)) {
                assertThat(harness.run(tenant, waiting)).containsEntry("status", "QUEUED").containsEntry("attempt", "0");
            }
            assertThat(flows.keyState(tenant, "gpu")).isEqualTo(new FlowStore.KeyState(1, 3));

            // The waiting jobs hold no slot: a job without a key runs beside the one of gpu.
            String free = "free-" + Ids.next();
            publish(job(tenant, free, Priority.NORMAL, null));
            harness.awaitStatus(tenant, free, RunStatus.COMPLETED.name(), BOUND);

            for (int i = 0; i < 4; i++) {
                String runId = gated.get(i);
                harness.awaitStatus(tenant, runId, "RUNNING", BOUND);
                for (String later : gated.subList(i + 1, 4)) {
                    assertThat(harness.run(tenant, later)).containsEntry("status", "QUEUED");
                }
                kind.open(runId);
                harness.awaitStatus(tenant, runId, RunStatus.COMPLETED.name(), BOUND);
            }
            List<String> order = kind.started.stream().filter(gated::contains).toList();
            assertThat(order).containsExactlyElementsOf(gated);
            for (String runId : gated) {
                assertThat(harness.run(tenant, runId)).containsEntry("attempt", "1");
            }
        }
    }

    @Test
    void aVersionOneRecordStillRunsAndItsStrayFlowFieldsMeanNothing() {
        String tenant = "v1-" + Ids.next();
        String runId = "v1-" + Ids.next();
        FlowStore flows = new FlowStore(harness.redis(), new FlowLimits(0, 0, 0, 15_000, 15_000), InstantSource.system());
        flows.limit(tenant, "k", 1);
        flows.pause(tenant, JobType.CODE); // another type's pause does not hold it
        GatedKind kind = new GatedKind();
        try (Worker worker = Worker.start(harness.config(Map.of(WorkerSettings.WORKER_ID.env(), "v1-worker")), List.of(kind))) {
            harness.publish(Topics.SCRIPT_JOBS, runId, "{\"schemaVersion\":1,\"runId\":\"" + runId
                    + "\",\"taskId\":\"t1\",\"tenant\":\"" + tenant + "\",\"type\":\"NOOP\",\"concurrencyKey\":\"k\"}");
            harness.awaitStatus(tenant, runId, RunStatus.COMPLETED.name(), BOUND);
            assertThat(flows.keyState(tenant, "k")).isEqualTo(new FlowStore.KeyState(0, 0));
        }
    }
}
