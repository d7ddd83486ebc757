package io.trainyard.scheduler.internal.canary;

import io.trainyard.common.Ids;
import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.JobType;
import io.trainyard.common.job.RunRecord;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.EventLine;
import io.trainyard.common.ops.Heartbeat;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.scheduler.internal.SchedulerMetrics;
import io.trainyard.scheduler.internal.fire.FireLedger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The canary: once per interval the cluster queues a NOOP job of its own (tenant
 * {@value #TENANT}, task {@value #TASK_ID}) exactly like a fire, so the workers' pickup latency
 * ({@code trainyard_worker_pickup_latency_seconds{type="NOOP"}}) and the queue's liveness are
 * measured even when no user submits anything. Time is cut into intervals since the epoch; every
 * scheduler instance wakes at each boundary and the first to claim the interval in Redis queues
 * that interval's job, so there is one canary per interval however many instances run.
 */
public final class Canary implements AutoCloseable {
    /** The reserved tenant of canary runs (a job's tenant starts with a letter or digit); no user should have it. */
    public static final String TENANT = "trainyard-canary";
    public static final String TASK_ID = "canary";
    /** Canary runs and their claims leave Redis after this. */
    static final Duration RUN_TTL = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(Canary.class);
    private static final LuaScript BEAT = LuaScript.load("canary_beat");

    private final UnifiedJedis redis;
    private final Producer<String, byte[]> producer;
    private final FireLedger ledger;
    private final InstantSource clock;
    private final long intervalMillis;
    private final Duration publishTimeout;
    private final SchedulerMetrics metrics;
    private final String instanceId;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("canary").daemon().factory());

    public Canary(UnifiedJedis redis, Producer<String, byte[]> producer, InstantSource clock, Duration interval,
                  Duration publishTimeout, SchedulerMetrics metrics, String instanceId) {
        if (interval.toMillis() <= 0) {
            throw new IllegalArgumentException("the canary interval must be positive: " + interval);
        }
        this.redis = redis;
        this.producer = producer;
        this.ledger = new FireLedger(redis);
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
        this.publishTimeout = publishTimeout;
        this.metrics = metrics;
        this.instanceId = instanceId;
    }

    /** Beats at every interval boundary from now on, until closed. */
    public Canary start() {
        scheduleAfter(clock.millis() / intervalMillis);
        return this;
    }

    private void scheduleAfter(long interval) {
        long next = Math.max(interval, clock.millis() / intervalMillis) + 1;
        long delay = Math.max(0, next * intervalMillis - clock.millis());
        try {
            timer.schedule(() -> {
                try {
                    beat(next);
                } catch (RuntimeException e) {
                    LOG.warn("canary interval {} failed: {}", next, e.toString());
                } finally {
                    scheduleAfter(next);
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /**
     * Claims interval number {@code interval} (since the epoch) and, if this instance got it,
     * creates the run and queues its job, waiting for Kafka's acknowledgement.
     */
    public CanaryOutcome beat(long interval) {
        Instant now = clock.instant();
        String runId = Ids.next();
        TenantKeys keys = new TenantKeys(TENANT);
        List<String> args = new ArrayList<>(List.of(Long.toString(2 * intervalMillis + 10_000),
                Long.toString(RUN_TTL.toMillis())));
        runFields(runId, now).forEach((k, v) -> { args.add(k); args.add(v); });
        boolean claimed;
        try {
            claimed = (Long) BEAT.eval(redis, List.of(keys.task(TASK_ID) + ":beat:" + intervalMillis + ":" + interval, keys.run(runId),
                    keys.runOutput(runId)), args) == 1L;
        } catch (RuntimeException e) {
            return failed(runId, "Redis: " + e.getMessage(), false);
        }
        if (!claimed) {
            metrics.canary(CanaryOutcome.TAKEN);
            return CanaryOutcome.TAKEN;
        }
        JobMessage job = new JobMessage(JobMessage.SCHEMA_VERSION, runId, TASK_ID, TENANT, JobType.NOOP, null, null,
                null, 0, 1, now.toEpochMilli());
        try {
            producer.send(new ProducerRecord<>(Topics.jobsTopicFor(JobType.NOOP), runId, Json.write(job)))
                    .get(publishTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(runId, "interrupted", true);
        } catch (Exception e) {
            return failed(runId, "Kafka: " + e.getMessage(), true);
        }
        metrics.canary(CanaryOutcome.PUBLISHED);
        recordLast(runId, now);
        LOG.info("{}", fired(runId).with("outcome", "launched"));
        return CanaryOutcome.PUBLISHED;
    }

    /** For the console's Overview: which run was the canary's last, so it can show how that run went. */
    private void recordLast(String runId, Instant queuedAt) {
        try {
            redis.hset(Heartbeat.CANARY_LAST, Map.of("runId", runId, "tenant", TENANT,
                    "queuedAt", Long.toString(queuedAt.toEpochMilli()), "scheduler", instanceId));
            redis.pexpire(Heartbeat.CANARY_LAST, RUN_TTL.toMillis());
        } catch (RuntimeException e) {
            // Only the console reads it; the run itself is queued.
        }
    }

    private CanaryOutcome failed(String runId, String reason, boolean runExists) {
        metrics.canary(CanaryOutcome.FAILED);
        LOG.warn("{}", fired(runId).with("outcome", "failed").with("reason", reason));
        if (runExists) {
            try {
                ledger.markUnqueued(TENANT, runId, reason, clock.instant());
            } catch (RuntimeException e) {
                // Redis is gone too; the run expires with RUN_TTL.
            }
        }
        return CanaryOutcome.FAILED;
    }

    private EventLine fired(String runId) {
        return EventLine.of("fired").with("task", TASK_ID).with("run", runId).with("tenant", TENANT)
                .with("attempt", 1).with("type", JobType.NOOP).with("scheduler", instanceId).with("canary", true);
    }

    private Map<String, String> runFields(String runId, Instant now) {
        return RunRecord.queued(runId, TASK_ID, TENANT, JobType.NOOP, now.toEpochMilli())
                .with(RunRecord.TASK_NAME, TASK_ID)
                .with(RunRecord.MESSAGE, "Queued by the canary")
                .with(RunRecord.SCHEDULED_BY, instanceId)
                .fields();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
