package io.trainyard.worker.run;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.store.RunLedger;
import io.trainyard.worker.metrics.WorkerMetrics;
import io.trainyard.worker.retry.RetryPolicy;
import io.trainyard.worker.retry.RetryableFailure;
import io.trainyard.worker.retry.RunFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs one attempt of a job: takes a new fencing epoch in Redis (creating the run record when the
 * job came straight from a Kafka producer), hands the job to its {@link JobKind}, writes the
 * terminal status exactly once, and decides with the {@link RetryPolicy} what happens after a
 * failure. Called on a virtual thread, one per running job.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final String workerId;
    private final RunLedger ledger;
    private final UnifiedJedis redis;
    private final JobKinds kinds;
    private final RunEnvironment environment;
    private final RetryPolicy retryPolicy;
    private final RunRegistry registry;
    private final WorkerMetrics metrics;
    private final long leaseMillis;
    private final long defaultTimeoutSeconds;
    private final long maxTimeoutSeconds;

    public JobRunner(String workerId, RunLedger ledger, UnifiedJedis redis, JobKinds kinds, RunEnvironment environment,
                     RetryPolicy retryPolicy, RunRegistry registry, WorkerMetrics metrics, long leaseMillis,
                     long defaultTimeoutSeconds, long maxTimeoutSeconds) {
        this.workerId = workerId;
        this.ledger = ledger;
        this.redis = redis;
        this.kinds = kinds;
        this.environment = environment;
        this.retryPolicy = retryPolicy;
        this.registry = registry;
        this.metrics = metrics;
        this.leaseMillis = leaseMillis;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
        this.maxTimeoutSeconds = maxTimeoutSeconds;
    }

    /** Runs attempt number {@code attempt} (1-based, counting every delivery of the job). */
    public Verdict run(JobMessage job, int attempt) {
        RunControl control = new RunControl(job.tenant(), job.runId(), ledger, redis, environment.clock(), leaseMillis);
        // Registered before the start, so a cancel published once the run shows RUNNING finds it.
        registry.add(control);
        try {
            long now = environment.clock().millis();
            RunLedger.Start start;
            try {
                start = ledger.start(job.tenant(), job.runId(), workerId, attempt, now, recordFor(job));
            } catch (JedisException e) {
                return afterFailure(job, attempt, -1, control,
                        new RetryableFailure(job.tenant(), job.runId(), "Redis unavailable: " + e.getMessage(), e));
            }
            return switch (start) {
                case RunLedger.Start.Started started -> {
                    control.started(started.epoch());
                    metrics.started(job.type(), job.createdAt() > 0 ? now - job.createdAt() : -1);
                    yield attempt(job, attempt, started.epoch(), control, now);
                }
                case RunLedger.Start.CancelledBeforeStart c -> {
                    metrics.finished(job.type(), RunStatus.CANCELLED, -1);
                    metrics.skipped(job.type(), "cancelled");
                    yield Verdict.DONE;
                }
                case RunLedger.Start.AlreadyEnded ended -> {
                    metrics.skipped(job.type(), "ended");
                    yield Verdict.DONE;
                }
                case RunLedger.Start.Missing missing -> {
                    LOG.warn("run {}/{} has no record and none could be created; dropping the job", job.tenant(), job.runId());
                    yield Verdict.DONE;
                }
            };
        } finally {
            registry.remove(control);
        }
    }

    private Verdict attempt(JobMessage job, int attempt, long epoch, RunControl control, long startedAt) {
        Outcome outcome;
        try (RunContext context = new RunContext(job, attempt, epoch, control, ledger, environment, timeoutOf(job))) {
            outcome = kinds.forType(job.type()).run(context);
        } catch (RunFailure failure) {
            return afterFailure(job, attempt, epoch, control, failure);
        } catch (InterruptedException e) {
            control.stop(StopReason.SHUTDOWN);
            outcome = null;
        } catch (RuntimeException e) {
            LOG.warn("run {}/{}: unexpected error", job.tenant(), job.runId(), e);
            return afterFailure(job, attempt, epoch, control,
                    new RetryableFailure(job.tenant(), job.runId(), "worker error: " + e, e));
        }
        StopReason stop = control.stopReason();
        if (stop == StopReason.LEASE_LOST) {
            LOG.info("run {}/{}: attempt {} lost its lease; another attempt owns the run", job.tenant(), job.runId(), attempt);
            return Verdict.DONE;
        }
        if (stop == StopReason.SHUTDOWN || outcome == null) {
            requeue(job, epoch, "Released: its worker shut down; waiting for another worker");
            return Verdict.RETRY;
        }
        finish(job, epoch, outcome, attempt);
        metrics.finished(job.type(), outcome.status(), environment.clock().millis() - startedAt);
        return Verdict.DONE;
    }

    private Verdict afterFailure(JobMessage job, int attempt, long epoch, RunControl control, RunFailure failure) {
        RetryPolicy.Decision decision = retryPolicy.decide(attempt, failure);
        if (decision instanceof RetryPolicy.Decision.Retry retry) {
            metrics.retried(job.type());
            LOG.info("run {}/{}: attempt {} failed ({}); retrying in {} ms", job.tenant(), job.runId(), attempt,
                    failure.getMessage(), retry.delay().toMillis());
            if (epoch > 0) {
                requeue(job, epoch, "Attempt " + attempt + " failed (" + failure.getMessage() + "); retrying in "
                        + retry.delay().toMillis() + " ms");
            }
            if (!control.pause(retryPolicy, retry.delay()) && control.stopReason() == StopReason.CANCELLED) {
                // Cancelled while waiting: the run was QUEUED, so the cancel itself ended it.
                return Verdict.DONE;
            }
            return Verdict.RETRY;
        }
        String reason = ((RetryPolicy.Decision.GiveUp) decision).reason();
        if (epoch > 0) {
            finish(job, epoch, new Outcome(RunStatus.FAILED, reason, Map.of(), "", ""), attempt);
        }
        metrics.finished(job.type(), RunStatus.FAILED, -1);
        return failure.retryable() ? new Verdict.DeadLetter(reason, attempt) : Verdict.DONE;
    }

    private void finish(JobMessage job, long epoch, Outcome outcome, int attempt) {
        Map<String, String> fields = new LinkedHashMap<>(outcome.fields());
        fields.put("message", outcome.message());
        fields.put("attempt", Integer.toString(attempt));
        Map<String, String> output = Map.of("stdout", outcome.stdout(), "stderr", outcome.stderr());
        // A Redis error propagates: the record is then released, not acknowledged, so the status is not lost.
        if (!ledger.finish(job.tenant(), job.runId(), epoch, outcome.status(), environment.clock().millis(), fields, output)) {
            LOG.info("run {}/{}: status {} not written, the attempt no longer holds the run",
                    job.tenant(), job.runId(), outcome.status());
        }
    }

    private void requeue(JobMessage job, long epoch, String message) {
        try {
            ledger.update(job.tenant(), job.runId(), epoch, Map.of("status", RunStatus.QUEUED.name(), "message", message));
        } catch (JedisException e) {
            LOG.warn("run {}/{}: cannot mark it queued again: {}", job.tenant(), job.runId(), e.getMessage());
        }
    }

    private long timeoutOf(JobMessage job) {
        long asked = job.timeoutSeconds() > 0 ? job.timeoutSeconds() : defaultTimeoutSeconds;
        return Math.min(asked, maxTimeoutSeconds);
    }

    /** The run record a job from a plain Kafka producer gets when its run does not exist yet. */
    static Map<String, String> recordFor(JobMessage job) {
        Map<String, String> run = new LinkedHashMap<>();
        run.put("id", job.runId());
        run.put("tasksID", job.taskId());
        run.put("taskName", "");
        run.put("type", job.type().name());
        run.put("tenant", job.tenant());
        run.put("status", RunStatus.QUEUED.name());
        run.put("queuedAt", Long.toString(job.createdAt()));
        if (job.projectId() != null) {
            run.put("projectID", job.projectId());
        }
        if (job.resourceId() != null) {
            run.put("resourceID", job.resourceId());
        }
        if (job.timeoutSeconds() > 0) {
            run.put("timeoutSeconds", Long.toString(job.timeoutSeconds()));
        }
        return run;
    }
}
