package io.trainyard.scheduler.internal.fire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.RunTemplate;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.scheduler.Schedules;
import io.trainyard.scheduler.SettableClock;
import io.trainyard.scheduler.TestTasks;
import io.trainyard.scheduler.internal.SchedulerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/** The launcher against the real redis-server, with a Kafka producer whose answers the test gives. */
@ExtendWith(RealRedis.class)
class QueuedRunLauncherIT {
    private static final Instant CREATED = Instant.parse("2026-01-01T09:00:00Z");
    private static final Instant FIRE = Instant.parse("2026-01-01T10:00:00Z");

    private final JedisPooled redis = RealRedis.client();
    private final TestTasks tasks = new TestTasks(redis);
    private final SettableClock clock = new SettableClock(FIRE.plusMillis(7));
    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final String tenant = "t-" + Ids.next();
    private final QueuedRunLauncher launcher = launcher();

    private QueuedRunLauncher launcher() {
        SchedulerMetrics metrics = new SchedulerMetrics(new SimpleMeterRegistry());
        FireLedger ledger = new FireLedger(redis);
        return new QueuedRunLauncher(ledger, new FirePlanner(ledger, Duration.ofMinutes(5), metrics), producer, clock,
                metrics, "it-launcher", Duration.ofSeconds(5)).start();
    }

    @AfterEach
    void stop() {
        launcher.close();
    }

    private FireLauncher.Due due(String taskId) {
        return new FireLauncher.Due(Schedules.cron(tenant, taskId, "@hourly", CREATED,
                OverlapPolicy.ALLOW, null), FIRE);
    }

    private String task() {
        String taskId = Ids.next();
        tasks.create(tenant, taskId, "task-" + taskId, "@hourly", CREATED);
        return taskId;
    }

    @Test
    void aBatchSettlesOnceKafkaAnsweredForEachJobAndAJobKafkaRefusedEndsItsRunFailed() throws Exception {
        String acked = task();
        String refused = task();
        String deleted = Ids.next();
        CompletableFuture<List<FireOutcome>> outcomes = launcher.launch(List.of(due(acked), due(refused),
                due(deleted), due(acked))).toCompletableFuture();

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        assertThat(outcomes).isNotDone();
        Map<String, String> ackedRun = tasks.runs(tenant, acked).getFirst();
        assertThat(ackedRun).containsEntry("status", "QUEUED").containsEntry("scheduledBy", "it-launcher")
                .containsEntry("fireTime", Long.toString(FIRE.toEpochMilli()))
                .containsEntry("queuedAt", Long.toString(FIRE.plusMillis(7).toEpochMilli()));
        var record = producer.history().getFirst();
        JobMessage job = Json.MAPPER.readValue(record.value(), JobMessage.class);
        assertThat(record.topic()).isEqualTo(Topics.jobsTopicFor(JobType.NOOP));
        assertThat(record.key()).isEqualTo(ackedRun.get("id"));
        assertThat(job.runId()).isEqualTo(ackedRun.get("id"));
        assertThat(job.taskId()).isEqualTo(acked);

        producer.completeNext();
        producer.errorNext(new IllegalStateException("broker down"));
        assertThat(outcomes).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(List.of(FireOutcome.LAUNCHED,
                FireOutcome.FAILED, FireOutcome.NO_TASK, FireOutcome.DUPLICATE));
        assertThat(tasks.runs(tenant, refused)).singleElement().satisfies(run -> assertThat(run)
                .containsEntry("status", "FAILED").containsEntry("message", "Not queued: broker down"));
        assertThat(tasks.runs(tenant, acked)).singleElement().satisfies(run -> assertThat(run)
                .containsEntry("status", "QUEUED"));
        assertThat(redis.exists(new TenantKeys(tenant).task(deleted))).isFalse();
    }

    @Test
    void aPipelineHeadsFireCreatesItsRunAndPublishesNoJob() {
        String head = task();
        String plain = task();
        var schedule = Schedules.cron(tenant, head, "@hourly", CREATED, OverlapPolicy.SKIP, null);
        var headSchedule = ScheduleDefinition.builder(tenant, head)
                .run(new RunTemplate(JobType.NOOP, null, null, "nightly", 0, true))
                .timing(schedule.timing()).overlap(OverlapPolicy.SKIP).createdAt(CREATED).build();
        CompletableFuture<List<FireOutcome>> outcomes = launcher.launch(List.of(
                new FireLauncher.Due(headSchedule, FIRE), due(plain))).toCompletableFuture();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        producer.completeNext();
        assertThat(outcomes).succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo(List.of(FireOutcome.LAUNCHED, FireOutcome.LAUNCHED));
        String headRun = tasks.runs(tenant, head).getFirst().get("id");
        assertThat(tasks.runs(tenant, head)).singleElement().satisfies(run -> assertThat(run)
                .containsEntry("status", "QUEUED").containsEntry("fireTime", Long.toString(FIRE.toEpochMilli())));
        assertThat(producer.history()).extracting(record -> record.key()).doesNotContain(headRun);
        // Out of the in-flight index: no reconciler publishes a job for it later.
        assertThat(redis.zscore(new TenantKeys(tenant).inflight(), headRun)).isNull();
    }

    @Test
    void batchesHandedInTogetherEachSettleOnItsOwn() {
        List<String> first = List.of(task(), task());
        String second = task();
        CompletableFuture<List<FireOutcome>> one = launcher.launch(first.stream().map(this::due).toList())
                .toCompletableFuture();
        CompletableFuture<List<FireOutcome>> two = launcher.launch(List.of(due(second))).toCompletableFuture();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 3);
        // The claim threads may send the two batches' jobs in either order: acknowledge them as sent.
        List<String> secondRuns = tasks.runs(tenant, second).stream().map(run -> run.get("id")).toList();
        int secondAt = producer.history().stream().map(record -> record.key()).toList().indexOf(secondRuns.getFirst());
        for (int acknowledged = 1; acknowledged <= 3; acknowledged++) {
            producer.completeNext();
            settledOnceAcknowledged(one, acknowledged - (secondAt < acknowledged ? 1 : 0) == 2);
            settledOnceAcknowledged(two, secondAt < acknowledged);
        }
        assertThat(one).succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo(List.of(FireOutcome.LAUNCHED, FireOutcome.LAUNCHED));
        assertThat(two).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(List.of(FireOutcome.LAUNCHED));
    }

    private static void settledOnceAcknowledged(CompletableFuture<List<FireOutcome>> batch, boolean allAcknowledged) {
        if (allAcknowledged) {
            await().atMost(Duration.ofSeconds(10)).until(batch::isDone);
        } else {
            assertThat(batch).isNotDone();
        }
    }

    @Test
    void aBigBatchIsClaimedInSeveralRoundTripsAndEachFireCreatesOneRun() throws Exception {
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < 3 * QueuedRunLauncher.CLAIMS_PER_ROUND_TRIP + 1; i++) {
            taskIds.add(task());
        }
        List<FireLauncher.Due> dues = new ArrayList<>(taskIds.stream().map(this::due).toList());
        dues.add(due(taskIds.getFirst()));
        CompletableFuture<List<FireOutcome>> outcomes = launcher.launch(dues).toCompletableFuture();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == taskIds.size());
        while (producer.completeNext()) {
            // acknowledge every job
        }
        // The first task's fire is handed in twice, in different round trips: whichever Redis ran first made the run.
        List<FireOutcome> settled = outcomes.get(10, TimeUnit.SECONDS);
        assertThat(List.of(settled.getFirst(), settled.getLast()))
                .containsExactlyInAnyOrder(FireOutcome.LAUNCHED, FireOutcome.DUPLICATE);
        assertThat(settled.subList(1, taskIds.size())).containsOnly(FireOutcome.LAUNCHED);
        for (String taskId : taskIds) {
            assertThat(tasks.runs(tenant, taskId)).singleElement().satisfies(run -> assertThat(run)
                    .containsEntry("status", "QUEUED").containsEntry("fireTime", Long.toString(FIRE.toEpochMilli())));
        }
    }

    @Test
    void closingClaimsWhatWasHandedInAndAnswersLaterBatchesError() {
        CompletableFuture<List<FireOutcome>> before = launcher.launch(List.of(due(task()))).toCompletableFuture();
        launcher.close(); // flushing the producer acknowledges the job sent meanwhile
        assertThat(before).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(List.of(FireOutcome.LAUNCHED));
        assertThat(launcher.launch(List.of(due(task())))).succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo(List.of(FireOutcome.ERROR));
    }
}
