package io.trainyard.scheduler.internal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.common.testing.RealKafka;
import io.trainyard.common.testing.RealRedis;
import io.trainyard.common.testing.TopicRecords;
import io.trainyard.scheduler.Schedules;
import io.trainyard.scheduler.SettableClock;
import io.trainyard.scheduler.TestTasks;
import io.trainyard.scheduler.internal.SchedulerMetrics;
import io.trainyard.scheduler.internal.fire.FireLedger;
import io.trainyard.worker.RunLedger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/** The reconciler against the real redis-server and the real broker: runs abandoned by dead workers and schedulers. */
@ExtendWith({RealKafka.class, RealRedis.class})
class ReconcilerIT {
    private static final long LEASE_MS = 5_000;
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private static JedisPooled redis;
    private static KafkaProducer<String, byte[]> producer;
    private static RunLedger ledger;

    private final String tenant = "rc-" + Ids.next().substring(24);
    private final TenantKeys keys = new TenantKeys(tenant);
    private final long now = System.currentTimeMillis();
    private final SettableClock clock = new SettableClock(Instant.ofEpochMilli(now));

    @BeforeAll
    static void connect() {
        redis = RealRedis.client();
        ledger = new RunLedger(redis, LEASE_MS, 3_600);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                RealKafka.broker().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    private Reconciler reconciler(String instance) {
        return new Reconciler(redis, producer, clock, INTERVAL, 3, PUBLISH_TIMEOUT, 3_600,
                new SchedulerMetrics(new SimpleMeterRegistry()), instance);
    }

    /** A queued run of a job that came straight from a producer, and the job's bytes. */
    private String queuedRun() {
        String runId = Ids.next();
        redis.hset(keys.run(runId), Map.of("id", runId, "tasksID", "task-" + runId, "tenant", tenant,
                "type", "CODE", "status", "QUEUED", "queuedAt", Long.toString(now - 120_000)));
        return runId;
    }

    private byte[] job(String runId) {
        return Json.write(new JobMessage(JobMessage.SCHEMA_VERSION, runId, "task-" + runId, tenant, JobType.CODE, null,
                null, "print('hi')", 60, 1, now - 120_000));
    }

    /** Starts the run as a worker whose process then died: its lease ran out {@code agoMillis} ago. */
    private RunLedger.Start.Started startAndAbandon(String runId, int delivery, long agoMillis) {
        return (RunLedger.Start.Started) ledger.startUnlessHeld(List.of(new RunLedger.StartRequest(tenant, runId,
                "w" + delivery + ":" + runId + "#" + delivery, job(runId), Map.of())), "w" + delivery,
                now - agoMillis - LEASE_MS).getFirst();
    }

    @Test
    void aRunWhoseWorkerDiedIsQueuedAgainWithItsJobWhileItHasStartsLeft() {
        String runId = queuedRun();
        RunLedger.Start.Started started = startAndAbandon(runId, 1, 60_000);

        Reconciler.Pass pass = reconciler("r1").reconcile();

        assertThat(pass.of(tenant)).isEqualTo(Map.of(ReconcileOutcome.REQUEUED, List.of(runId)));
        assertThat(redis.hgetAll(keys.run(runId))).containsEntry("status", "QUEUED")
                .containsEntry("message", "requeued after its worker stopped renewing its lease")
                .containsEntry("epoch", "2").containsEntry("attempt", "1");
        assertThat(TopicRecords.read(Topics.SCRIPT_JOBS, runId)).singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo(job(runId)));
        assertThat(redis.zscore(keys.inflight(), runId)).as("its job is on Kafka: out of the index").isNull();
        assertThat(ledger.finish(tenant, runId, started.epoch(), io.trainyard.common.job.RunStatus.COMPLETED,
                now, Map.of(), Map.of())).as("the late worker is fenced out").isFalse();

        RunLedger.StartReply again = ledger.startUnlessHeld(List.of(new RunLedger.StartRequest(tenant, runId,
                "w2:" + runId + "#1", job(runId), Map.of())), "w2", now).getFirst();
        assertThat(again).isEqualTo(new RunLedger.Start.Started(3, 2));
    }

    @Test
    void aRunWhoseWorkersDiedOnEveryStartEndsFailedWithADeadLetter() {
        String runId = queuedRun();
        startAndAbandon(runId, 1, 90_000);
        startAndAbandon(runId, 2, 75_000);
        startAndAbandon(runId, 3, 60_000);

        Reconciler.Pass pass = reconciler("r1").reconcile();

        assertThat(pass.of(tenant)).isEqualTo(Map.of(ReconcileOutcome.FAILED, List.of(runId)));
        assertThat(redis.hgetAll(keys.run(runId))).containsEntry("status", "FAILED")
                .containsEntry("message", "abandoned after 3 deliveries")
                .containsEntry("completedAt", Long.toString(now)).doesNotContainKey("job");
        assertThat(redis.ttl(keys.run(runId))).isBetween(3_590L, 3_600L);
        assertThat(redis.zscore(keys.inflight(), runId)).isNull();
        ConsumerRecord<String, byte[]> dead = TopicRecords.read(Topics.DLQ, runId).getFirst();
        assertThat(dead.value()).isEqualTo(job(runId));
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("abandoned after 3 deliveries");
        assertThat(header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.SCRIPT_JOBS);
        assertThat(header(dead, DeadLetterHeaders.WORKER)).isEqualTo("w3");
        assertThat(header(dead, DeadLetterHeaders.RECONCILER)).isEqualTo("r1");
        assertThat(TopicRecords.read(Topics.SCRIPT_JOBS, runId)).as("not queued again").isEmpty();
    }

    @Test
    void aRunWhoseLeaseIsRenewedOrJustExpiredIsLeftToItsWorkerAndKafka() {
        String renewed = queuedRun();
        RunLedger.Start.Started started = startAndAbandon(renewed, 1, 60_000);
        clock.set(Instant.ofEpochMilli(System.currentTimeMillis()));
        assertThat(ledger.renew(tenant, renewed, started.epoch())).isTrue();
        String justExpired = queuedRun();
        startAndAbandon(justExpired, 1, 500);

        Reconciler.Pass pass = reconciler("r1").reconcile();

        assertThat(pass.of(tenant)).isEmpty();
        assertThat(redis.hget(keys.run(renewed), "status")).isEqualTo("RUNNING");
        assertThat(redis.zscore(keys.inflight(), renewed)).as("re-scored by its renewed lease")
                .isEqualTo(Double.valueOf(redis.hget(keys.run(renewed), "leaseUntil")));
        assertThat(redis.hget(keys.run(justExpired), "status")).isEqualTo("RUNNING");
    }

    @Test
    void twoReconcilersSideBySideActOnceOnEachRun() throws Exception {
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String runId = queuedRun();
            startAndAbandon(runId, 1, 60_000);
            runIds.add(runId);
        }
        Reconciler a = reconciler("ra");
        Reconciler b = reconciler("rb");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Reconciler.Pass>> passes = threads.invokeAll(List.<Callable<Reconciler.Pass>>of(
                    a::reconcile, b::reconcile, a::reconcile, b::reconcile));
            List<String> requeued = new ArrayList<>();
            for (Future<Reconciler.Pass> pass : passes) {
                pass.get().of(tenant).forEach((outcome, ids) -> {
                    assertThat(outcome).isEqualTo(ReconcileOutcome.REQUEUED);
                    requeued.addAll(ids);
                });
            }
            assertThat(requeued).containsExactlyInAnyOrderElementsOf(runIds);
        } finally {
            threads.shutdownNow();
        }
        Map<String, Integer> published = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : TopicRecords.read(Topics.SCRIPT_JOBS, null)) {
            if (runIds.contains(record.key())) {
                published.merge(record.key(), 1, Integer::sum);
            }
        }
        assertThat(published).hasSize(runIds.size()).allSatisfy((id, copies) -> assertThat(copies).isEqualTo(1));
        runIds.forEach(id -> assertThat(redis.hget(keys.run(id), "epoch")).isEqualTo("2"));
    }

    @Test
    void aFireClaimedByASchedulerThatDiedBeforeThePublishGetsItsJobPublished() {
        TestTasks tasks = new TestTasks(redis);
        Instant created = Instant.ofEpochMilli(now).minusSeconds(3_600);
        String lost = Ids.next();
        String sent = Ids.next();
        tasks.create(tenant, lost, "lost", "@hourly", created);
        tasks.create(tenant, sent, "sent", "@hourly", created);
        FireLedger fires = new FireLedger(redis, 1_000, PUBLISH_TIMEOUT);
        Instant fireTime = Instant.ofEpochMilli(now).minusSeconds(60);
        String lostRun = Ids.next();
        String sentRun = Ids.next();
        assertThat(fires.claim(new FireLedger.FireClaim(Schedules.cron(tenant, lost, "@hourly", created,
                OverlapPolicy.ALLOW, null), fireTime, lostRun, Duration.ofHours(1)), fireTime, "dead-scheduler").kind())
                .isEqualTo(FireLedger.Claim.Kind.CREATED);
        assertThat(fires.claim(new FireLedger.FireClaim(Schedules.cron(tenant, sent, "@hourly", created,
                OverlapPolicy.ALLOW, null), fireTime, sentRun, Duration.ofHours(1)), fireTime, "live-scheduler").kind())
                .isEqualTo(FireLedger.Claim.Kind.CREATED);
        fires.published(Map.of(tenant, List.of(sentRun)));

        Instant claimed = Instant.ofEpochMilli(System.currentTimeMillis());
        clock.set(claimed.plus(PUBLISH_TIMEOUT).minusMillis(500));
        assertThat(reconciler("r1").reconcile().of(tenant)).as("within the deadline and margin").isEmpty();
        clock.set(claimed.plus(PUBLISH_TIMEOUT).plus(INTERVAL).plusSeconds(1));
        Reconciler.Pass pass = reconciler("r1").reconcile();

        assertThat(pass.of(tenant)).isEqualTo(Map.of(ReconcileOutcome.PUBLISHED, List.of(lostRun)));
        JobMessage job = read(TopicRecords.read(Topics.SCRIPT_JOBS, lostRun).getFirst().value());
        assertThat(job.taskId()).isEqualTo(lost);
        assertThat(job.tenant()).isEqualTo(tenant);
        assertThat(job.type()).isEqualTo(JobType.NOOP);
        assertThat(job.createdAt()).isEqualTo(fireTime.toEpochMilli());
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(redis.hget(keys.run(lostRun), "status")).isEqualTo("QUEUED");
        assertThat(redis.zscore(keys.inflight(), lostRun)).isNull();
        assertThat(TopicRecords.read(Topics.SCRIPT_JOBS, sentRun)).as("its scheduler published it").isEmpty();
    }

    @Test
    void anIndexOfEndedRunsIsEmptiedAndItsTenantLeavesTheSet() {
        String runId = queuedRun();
        startAndAbandon(runId, 1, 60_000);
        redis.hset(keys.run(runId), "status", "CANCELLED");  // ended by a path that does not touch the index
        String broken = Ids.next();
        redis.zadd(keys.inflight(), now - 60_000, broken);
        redis.set(keys.run(broken), "not a hash");

        assertThat(reconciler("r1").reconcile().of(tenant)).isEmpty();
        assertThat(redis.zscore(keys.inflight(), runId)).isNull();
        assertThat(redis.zscore(keys.inflight(), broken)).as("not a run: dropped, not retried for ever").isNull();

        reconciler("r1").reconcile();
        assertThat(redis.sismember(TenantKeys.INFLIGHT_TENANTS, tenant)).isFalse();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static JobMessage read(byte[] value) {
        try {
            return Json.MAPPER.readValue(value, JobMessage.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The records of {@code topic} keyed {@code key} (every record when null), from the beginning to the end now. */
}
