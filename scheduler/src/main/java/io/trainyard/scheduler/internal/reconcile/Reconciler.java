package io.trainyard.scheduler.internal.reconcile;

import io.trainyard.common.job.RunRecord;
import io.trainyard.common.kafka.DeadLetterHeaders;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.ops.EventLine;
import io.trainyard.scheduler.internal.SchedulerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Ends the wait of runs nobody holds any more. A worker that dies while it runs a job leaves its
 * run RUNNING; once the job's record has been delivered as often as the share group allows, the
 * broker archives it and nothing would ever touch the run again. And a scheduler that dies between
 * the claim of a fire and the publish of its job leaves a QUEUED run with no job on Kafka.
 *
 * <p>Every half interval this reads the tenants' indexes of in-flight runs for entries due at
 * least half an interval ago, and claims each such run in Redis ({@link InFlightRuns#claim}:
 * atomic, so reconcilers on every scheduler instance may run side by side and exactly one acts).
 * A run whose lease expired is queued again and its job published while it has starts left,
 * else ended FAILED ("abandoned after N deliveries") with a dead letter; a queued run past its
 * publish deadline gets its job published. So no run stays RUNNING or QUEUED without a job for
 * longer than its lease (or publish deadline) plus the interval. The half interval of margin lets
 * Kafka's own redelivery, which usually comes as the lease expires, start the run again first.
 */
public final class Reconciler implements AutoCloseable {
    /** Due runs taken per tenant and pass; a pass that took a full page goes on at once. */
    static final int DUE_PER_TENANT = 500;
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final InFlightRuns runs;
    private final Producer<String, byte[]> producer;
    private final InstantSource clock;
    private final Duration period;
    private final InFlightRuns.Rules rules;
    private final Duration publishTimeout;
    private final SchedulerMetrics metrics;
    private final String instanceId;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("reconciler").daemon().factory());

    public Reconciler(UnifiedJedis redis, Producer<String, byte[]> producer, InstantSource clock, Duration interval,
                      int maxAttempts, Duration publishTimeout, long retentionSeconds, SchedulerMetrics metrics,
                      String instanceId) {
        if (interval.toMillis() < 2 || maxAttempts < 1) {
            throw new IllegalArgumentException("reconciler interval " + interval + ", max attempts " + maxAttempts);
        }
        this.runs = new InFlightRuns(redis);
        this.producer = producer;
        this.clock = clock;
        this.period = interval.dividedBy(2);
        this.rules = new InFlightRuns.Rules(period, maxAttempts, publishTimeout, retentionSeconds);
        this.publishTimeout = publishTimeout;
        this.metrics = metrics;
        this.instanceId = instanceId;
    }

    /** Reconciles every half interval from now on, until closed. */
    public Reconciler start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                while (reconcile().full()) {
                    // a full page: more are due
                }
            } catch (RuntimeException e) {
                LOG.warn("reconciling in-flight runs failed; trying again in {} ms: {}", period.toMillis(), e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One run a pass acted on. */
    public record Reconciled(String tenant, String runId, ReconcileOutcome outcome) {}

    /** What one pass did, and whether a tenant had more due than one page. */
    public record Pass(List<Reconciled> reconciled, boolean full) {
        /** The runs of {@code tenant} the pass acted on, by outcome. */
        public Map<ReconcileOutcome, List<String>> of(String tenant) {
            Map<ReconcileOutcome, List<String>> runs = new EnumMap<>(ReconcileOutcome.class);
            reconciled.stream().filter(r -> r.tenant().equals(tenant))
                    .forEach(r -> runs.computeIfAbsent(r.outcome(), o -> new ArrayList<>()).add(r.runId()));
            return runs;
        }
    }

    /** One pass over the due runs of every tenant; Redis or Kafka errors throw (the next pass tries again). */
    public Pass reconcile() {
        Instant now = clock.instant();
        Map<String, List<String>> due = runs.due(now.minus(period), DUE_PER_TENANT);
        List<Reconciled> reconciled = new ArrayList<>();
        if (due.isEmpty()) {
            return new Pass(reconciled, false);
        }
        boolean full = due.values().stream().anyMatch(ids -> ids.size() == DUE_PER_TENANT);
        List<InFlightRuns.Claim> claims = runs.claim(due, now, rules);
        List<Future<RecordMetadata>> sends = new ArrayList<>(claims.size());
        for (InFlightRuns.Claim claim : claims) {
            sends.add(send(claim, now));
        }
        Map<String, List<String>> published = new LinkedHashMap<>();
        for (int i = 0; i < claims.size(); i++) {
            InFlightRuns.Claim claim = claims.get(i);
            ReconcileOutcome outcome = outcomeOf(claim.action());
            String failure = awaited(sends.get(i));
            if (failure == null && (outcome == ReconcileOutcome.REQUEUED || outcome == ReconcileOutcome.PUBLISHED)) {
                published.computeIfAbsent(claim.tenant(), t -> new ArrayList<>()).add(claim.runId());
            }
            reconciled.add(new Reconciled(claim.tenant(), claim.runId(), outcome));
            metrics.reconciled(outcome);
            EventLine line = event(claim, outcome, now);
            if (failure == null) {
                LOG.info("{}", line);
            } else {
                // A job not published stays due: the next pass publishes it. A dead letter is not sent again.
                LOG.warn("{}", line.with("kafka_error", failure));
            }
        }
        runs.published(published);
        return new Pass(reconciled, full);
    }

    private Future<RecordMetadata> send(InFlightRuns.Claim claim, Instant now) {
        if (claim.action() == InFlightRuns.Action.CANCELLED || claim.action() == InFlightRuns.Action.NONE) {
            return null;
        }
        try {
            RunJob job = RunJob.of(claim.tenant(), claim.runId(), claim.attempt(), claim.run());
            return producer.send(claim.action() == InFlightRuns.Action.FAILED ? deadLetter(claim, job, now)
                    : new ProducerRecord<>(job.topic(), claim.runId(), job.message()));
        } catch (RuntimeException e) {
            // send() fails at once when no metadata arrives within max.block.ms
            return CompletableFuture.failedFuture(e);
        }
    }

    private ProducerRecord<String, byte[]> deadLetter(InFlightRuns.Claim claim, RunJob job, Instant now) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REASON, utf8(reason(claim)));
        headers.add(DeadLetterHeaders.ATTEMPTS, utf8(Integer.toString(claim.attempt())));
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, utf8(job.topic()));
        headers.add(DeadLetterHeaders.WORKER, utf8(claim.run().getOrDefault("workerId", "")));
        headers.add(DeadLetterHeaders.RECONCILER, utf8(instanceId));
        headers.add(DeadLetterHeaders.AT, utf8(Long.toString(now.toEpochMilli())));
        return new ProducerRecord<>(Topics.DLQ, null, claim.runId(), job.message(), headers);
    }

    /** The message reconcile.lua wrote on a failed run. */
    static String reason(InFlightRuns.Claim claim) {
        String reason = "abandoned after " + claim.attempt() + " deliveries";
        return claim.run().containsKey("job") || claim.run().containsKey("resourceID")
                || "NOOP".equals(claim.run().get("type")) ? reason
                : reason + " (its job was not kept, so it cannot be queued again)";
    }

    /** Null once Kafka acknowledged (or nothing was sent), else why not. */
    private String awaited(Future<RecordMetadata> send) {
        if (send == null) {
            return null;
        }
        try {
            send.get(publishTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (TimeoutException e) {
            return "no acknowledgement within " + publishTimeout.toMillis() + " ms";
        }
    }

    private static ReconcileOutcome outcomeOf(InFlightRuns.Action action) {
        return switch (action) {
            case REQUEUED -> ReconcileOutcome.REQUEUED;
            case PUBLISH -> ReconcileOutcome.PUBLISHED;
            case FAILED -> ReconcileOutcome.FAILED;
            case CANCELLED, NONE -> ReconcileOutcome.CANCELLED;
        };
    }

    private EventLine event(InFlightRuns.Claim claim, ReconcileOutcome outcome, Instant now) {
        Map<String, String> run = claim.run();
        String leaseUntil = run.get(RunRecord.LEASE_UNTIL);
        EventLine line = EventLine.of("reconciled").with("task", run.get(RunRecord.TASK_ID)).with("run", claim.runId())
                .with("tenant", claim.tenant()).with("attempt", claim.attempt()).with("type", run.get(RunRecord.TYPE))
                .with("scheduler", instanceId).with("worker", run.get(RunRecord.WORKER_ID)).with("outcome", outcome.tag());
        if (outcome != ReconcileOutcome.PUBLISHED && leaseUntil != null) {
            line.with("lease_expired_ms", now.toEpochMilli() - Long.parseLong(leaseUntil));
        }
        return outcome == ReconcileOutcome.FAILED ? line.with("reason", reason(claim)) : line;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
