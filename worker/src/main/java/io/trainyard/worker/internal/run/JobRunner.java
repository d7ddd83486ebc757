package io.trainyard.worker.internal.run;

import io.trainyard.common.job.JobMessage;
import io.trainyard.common.job.RunStatus;
import io.trainyard.worker.Outcome;
import io.trainyard.worker.RunContext;
import io.trainyard.worker.RunLedger;
import io.trainyard.worker.internal.metrics.WorkerMetrics;
import io.trainyard.worker.internal.retry.RetryPolicy;
import io.trainyard.worker.internal.retry.RetryableFailure;
import io.trainyard.worker.internal.retry.RunFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs attempts of jobs: takes a new fencing epoch in Redis for each (creating the run record
 * when the job came straight from a Kafka producer), hands the job to its {@link JobKind}, writes
 * the terminal status exactly once, and decides with the {@link RetryPolicy} what happens after a
 * failure.
 *
 * <p>In three steps, so that a batch of jobs costs two Redis round trips, not two per job:
 * {@link #startAll} (one pipeline of start scripts), {@link #run(Attempt)} (each attempt on its
 * own virtual thread, as long as its job runs) and {@link #endAll} (one pipeline of terminal
 * writes for whatever ended meanwhile). The scripts and their fencing are those of a single run.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /** How long a stopping worker keeps trying a write Redis does not take. */
    static final long SHUTDOWN_WRITE_MS = 5_000;

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
    private final RunEnds runEnds;

    /**
     * What a runner is told: its worker's id (in start tokens and run records), the lease an
     * attempt holds and renews, the timeout of a job that asks none and the most a job may ask,
     * and when a failed attempt is tried again.
     */
    public record Settings(String workerId, long leaseMillis, long defaultTimeoutSeconds, long maxTimeoutSeconds,
                           RetryPolicy retryPolicy) {}

    public JobRunner(Settings settings, RunLedger ledger, UnifiedJedis redis, JobKinds kinds, RunEnvironment environment,
                     RunRegistry registry, WorkerMetrics metrics) {
        this(settings, ledger, redis, kinds, environment, registry, metrics, RunEnds.NONE);
    }

    /** A runner that tells {@code runEnds} of every run it ended or found ended (a pipeline's steps start from there). */
    public JobRunner(Settings settings, RunLedger ledger, UnifiedJedis redis, JobKinds kinds, RunEnvironment environment,
                     RunRegistry registry, WorkerMetrics metrics, RunEnds runEnds) {
        this.runEnds = runEnds;
        this.workerId = settings.workerId();
        this.ledger = ledger;
        this.redis = redis;
        this.kinds = kinds;
        this.environment = environment;
        this.retryPolicy = settings.retryPolicy();
        this.registry = registry;
        this.metrics = metrics;
        this.leaseMillis = settings.leaseMillis();
        this.defaultTimeoutSeconds = settings.defaultTimeoutSeconds();
        this.maxTimeoutSeconds = settings.maxTimeoutSeconds();
    }

    /** Runs attempt number {@code attempt} (1-based, counting every delivery of the job) start to end. */
    public Verdict run(JobMessage job, int attempt) {
        Attempt a = attempt(job, attempt);
        List<Attempt> one = List.of(a);
        startAll(one);
        if (a.runs()) {
            run(a);
        }
        endAll(one);
        return a.verdict();
    }

    /** A new attempt of {@code job}, numbered {@code number} until its start counts it. */
    public Attempt attempt(JobMessage job, int number) {
        return attempt(job, number, workerId + "/" + job.runId() + "/" + number, null);
    }

    /**
     * A new attempt of {@code job}; {@code startToken} names this acquisition of its record, so that
     * a start tried again after a Redis timeout is recognised as the same start, and
     * {@code message} (the record's value) is kept with the run while it is in flight, so the
     * reconciler can queue it again should its worker die.
     */
    public Attempt attempt(JobMessage job, int number, String startToken, byte[] message) {
        return new Attempt(job, number, startToken, message,
                new RunControl(job.tenant(), job.runId(), ledger, redis, environment.clock(), leaseMillis,
                        metrics));
    }

    /**
     * Starts attempts in one pipeline. Each is then started (it {@link Attempt#runs()}), or over
     * already (cancelled before it started, ended, missing), or refused by Redis (it runs, and the
     * retry policy decides), or waiting: Redis could not be reached, so nothing is decided and the
     * caller keeps the job and calls again later (it {@link Attempt#waits()}).
     */
    public void startAll(List<Attempt> attempts) {
        // Registered before the start, so a cancel published once the run shows RUNNING finds it.
        List<RunLedger.StartRequest> requests = new ArrayList<>(attempts.size());
        for (Attempt a : attempts) {
            registry.add(a.control);
            requests.add(new RunLedger.StartRequest(a.job.tenant(), a.job.runId(), a.startToken, a.message,
                    NewRuns.recordOf(a.job)));
        }
        long now = environment.clock().millis();
        List<RunLedger.StartReply> starts;
        try {
            starts = ledger.startUnlessHeld(requests, workerId, now);
        } catch (JedisException e) {
            // An outage is not an attempt: the job waits for Redis with its record held.
            for (Attempt a : attempts) {
                registry.remove(a.control);
                a.stage = Attempt.Stage.START_WAITING;
                a.heldUntil = 0;
            }
            return;
        }
        for (int i = 0; i < attempts.size(); i++) {
            begin(attempts.get(i), starts.get(i), now);
        }
    }

    private void begin(Attempt a, RunLedger.StartReply start, long now) {
        JobMessage job = a.job;
        switch (start) {
            case RunLedger.HeldElsewhere held -> {
                registry.remove(a.control);
                if (a.heldUntil == 0 || held.leaseUntil() <= a.heldUntil) {
                    // Kafka gave the record again (its worker died or stalled) before the run's lease
                    // lapsed: keep the record and start the run once the lease has lapsed.
                    a.heldUntil = held.leaseUntil();
                    a.stage = Attempt.Stage.START_WAITING;
                } else {
                    // The holder renewed its lease: it is alive and ends the run (or, should it die,
                    // the reconciler queues the run again). This record of it is a spare.
                    LOG.info("run {}/{}: held by {} (lease renewed to {}); dropping this record of it", job.tenant(),
                            job.runId(), held.workerId(), held.leaseUntil());
                    metrics.skipped(job.type(), "held");
                    settle(a, Verdict.DONE);
                }
            }
            case RunLedger.Start.Started started -> {
                a.control.started(started.epoch());
                a.epoch = started.epoch();
                a.number = started.attempt();
                a.startedAt = now;
                a.stage = Attempt.Stage.STARTED;
                metrics.started(job.type(), job.createdAt() > 0 ? now - job.createdAt() : -1);
            }
            case RunLedger.Start.CancelledBeforeStart c -> {
                metrics.finished(job.type(), RunStatus.CANCELLED, -1);
                metrics.skipped(job.type(), "cancelled");
                settle(a, Verdict.DONE);
                tellEnded(List.of(job));
            }
            case RunLedger.Start.AlreadyEnded ended -> {
                metrics.skipped(job.type(), "ended");
                settle(a, Verdict.DONE);
            }
            case RunLedger.Start.Abandoned abandoned -> {
                // Its workers died running it as often as it may start: ended FAILED by the start itself.
                String reason = "abandoned after " + abandoned.starts() + " deliveries";
                LOG.warn("run {}/{}: {}; ended FAILED", job.tenant(), job.runId(), reason);
                metrics.finished(job.type(), RunStatus.FAILED, -1);
                settle(a, new Verdict.DeadLetter(reason, abandoned.starts()));
                tellEnded(List.of(job));
            }
            case RunLedger.Start.Missing missing -> {
                LOG.warn("run {}/{} has no record and none could be created; dropping the job", job.tenant(), job.runId());
                settle(a, Verdict.DONE);
            }
            case RunLedger.Start.Failed failed -> {
                a.failure = new RetryableFailure(job.tenant(), job.runId(),
                        "Redis refused the start: " + failed.cause().getMessage(), failed.cause());
                a.stage = Attempt.Stage.START_FAILED;
            }
        }
    }

    /**
     * Runs, on the caller's thread, the started attempts whose kind is {@link JobKind#quick()};
     * the others still {@link Attempt#runs()}.
     */
    public void runQuick(List<Attempt> attempts) {
        for (Attempt a : attempts) {
            if (a.stage == Attempt.Stage.STARTED && kinds.forType(a.job.type()).quick()) {
                run(a);
            }
        }
    }

    /**
     * Runs a started attempt's job to its outcome (its terminal status is then written by
     * {@link #endAll}), or a failed one through the retry policy. On the attempt's own thread.
     */
    public void run(Attempt a) {
        try {
            if (a.stage == Attempt.Stage.START_FAILED) {
                settle(a, afterFailure(a, a.failure));
            } else if (a.stage == Attempt.Stage.STARTED) {
                execute(a);
            }
        } catch (RuntimeException e) {
            LOG.warn("run {}/{}: attempt {} could not be recorded; releasing it", a.job.tenant(), a.job.runId(),
                    a.number, e);
            settle(a, Verdict.RETRY);
        }
    }

    private void execute(Attempt a) {
        JobMessage job = a.job;
        Outcome outcome;
        try (RunContext context = new RunContext(job, a.number, a.epoch, a.control, ledger, environment, timeoutOf(job))) {
            outcome = kinds.forType(job.type()).run(context);
        } catch (RunFailure failure) {
            settle(a, afterFailure(a, failure));
            return;
        } catch (InterruptedException e) {
            a.control.stop(StopReason.SHUTDOWN);
            outcome = null;
        } catch (RuntimeException e) {
            LOG.warn("run {}/{}: unexpected error", job.tenant(), job.runId(), e);
            settle(a, afterFailure(a, new RetryableFailure(job.tenant(), job.runId(), "worker error: " + e, e)));
            return;
        }
        StopReason stop = a.control.stopReason();
        if (stop == StopReason.LEASE_LOST) {
            LOG.info("run {}/{}: attempt {} lost its lease; another attempt owns the run", job.tenant(), job.runId(), a.number);
            settle(a, Verdict.DONE);
        } else if (stop == StopReason.SHUTDOWN || outcome == null) {
            requeue(a, "Released: its worker shut down; waiting for another worker");
            settle(a, Verdict.RETRY);
        } else {
            a.outcome = outcome;
            a.stage = Attempt.Stage.FINISHING;
        }
    }

    /** Writes the terminal status of every attempt that reached an outcome, in one pipeline; settles them all. */
    public void endAll(List<Attempt> attempts) {
        List<Attempt> finishing = new ArrayList<>(attempts.size());
        for (Attempt a : attempts) {
            if (a.stage == Attempt.Stage.FINISHING) {
                finishing.add(a);
            } else if (a.stage != Attempt.Stage.SETTLED) {
                LOG.warn("run {}/{}: attempt {} ended without a verdict; releasing it", a.job.tenant(), a.job.runId(), a.number);
                settle(a, Verdict.RETRY);
            }
        }
        if (finishing.isEmpty()) {
            return;
        }
        List<RunLedger.Finish> finishes = new ArrayList<>(finishing.size());
        for (Attempt a : finishing) {
            finishes.add(finishOf(a, a.outcome));
        }
        long now = environment.clock().millis();
        List<RunLedger.Written> written;
        try {
            written = ledger.finishAll(finishes, now);
        } catch (JedisException e) {
            // Still FINISHING: the caller keeps their records and calls again once Redis answers.
            LOG.warn("{} terminal status(es) could not be recorded yet ({}); keeping them", finishing.size(), e.getMessage());
            return;
        }
        List<JobMessage> ended = new ArrayList<>(finishing.size());
        for (int i = 0; i < finishing.size(); i++) {
            Attempt a = finishing.get(i);
            RunLedger.Written w = written.get(i);
            if (w.failure() != null) {
                LOG.warn("run {}/{}: attempt {} could not be recorded; releasing it", a.job.tenant(), a.job.runId(),
                        a.number, w.failure());
                settle(a, Verdict.RETRY);
                continue;
            }
            if (w.startLost()) {
                // Redis forgot this attempt's start (a failover to a replica that had not received
                // it): the run is QUEUED again as far as anyone can see, so the job must run again.
                LOG.warn("run {}/{}: Redis lost the start of attempt {}; releasing the job to run again",
                        a.job.tenant(), a.job.runId(), a.number);
                settle(a, Verdict.RETRY);
                continue;
            }
            if (!w.written()) {
                LOG.info("run {}/{}: status {} not written, the attempt no longer holds the run",
                        a.job.tenant(), a.job.runId(), a.outcome.status());
            }
            metrics.finished(a.job.type(), a.outcome.status(), now - a.startedAt);
            settle(a, Verdict.DONE);
            ended.add(a.job);
        }
        tellEnded(ended);
    }

    private void tellEnded(List<JobMessage> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        try {
            runEnds.ended(jobs);
        } catch (RuntimeException e) {
            LOG.warn("{} ended run(s) not passed on: {}", jobs.size(), e.toString());
        }
    }

    private void settle(Attempt a, Verdict verdict) {
        a.settle(verdict);
        registry.remove(a.control);
    }

    private Verdict afterFailure(Attempt a, RunFailure failure) {
        JobMessage job = a.job;
        RetryPolicy.Decision decision = retryPolicy.decide(a.number, failure);
        if (decision instanceof RetryPolicy.Decision.Retry retry) {
            metrics.retried(job.type());
            LOG.info("run {}/{}: attempt {} failed ({}); retrying in {} ms", job.tenant(), job.runId(), a.number,
                    failure.getMessage(), retry.delay().toMillis());
            if (a.epoch > 0) {
                requeue(a, "Attempt " + a.number + " failed (" + failure.getMessage() + "); retrying in "
                        + retry.delay().toMillis() + " ms");
            }
            if (!a.control.pause(retryPolicy, retry.delay()) && a.control.stopReason() == StopReason.CANCELLED) {
                // Cancelled while waiting: the run was QUEUED, so the cancel itself ended it.
                return Verdict.DONE;
            }
            return Verdict.RETRY;
        }
        String reason = ((RetryPolicy.Decision.GiveUp) decision).reason();
        if (a.epoch > 0) {
            RunLedger.Finish finish = finishOf(a, new Outcome(RunStatus.FAILED, reason, Map.of(), "", ""));
            boolean written = whileRedisAway(a, () -> ledger.finish(finish.tenant(), finish.runId(), finish.epoch(),
                    finish.status(), environment.clock().millis(), finish.fields(), finish.output()));
            if (!written) {
                LOG.info("run {}/{}: status FAILED not written, the attempt no longer holds the run",
                        job.tenant(), job.runId());
            }
        }
        metrics.finished(job.type(), RunStatus.FAILED, -1);
        tellEnded(List.of(job));
        return failure.retryable() ? new Verdict.DeadLetter(reason, a.number) : Verdict.DONE;
    }

    private static RunLedger.Finish finishOf(Attempt a, Outcome outcome) {
        Map<String, String> fields = new LinkedHashMap<>(outcome.fields());
        fields.put("message", outcome.message());
        // A run that printed nothing gets no output hash: readers take a missing one as empty.
        Map<String, String> output = outcome.stdout().isEmpty() && outcome.stderr().isEmpty() ? Map.of()
                : Map.of("stdout", outcome.stdout(), "stderr", outcome.stderr());
        return new RunLedger.Finish(a.job.tenant(), a.job.runId(), a.epoch, outcome.status(), fields, output);
    }

    private void requeue(Attempt a, String message) {
        try {
            whileRedisAway(a, () -> ledger.update(a.job.tenant(), a.job.runId(), a.epoch,
                    Map.of("status", RunStatus.QUEUED.name(), "message", message)));
        } catch (JedisException e) {
            LOG.warn("run {}/{}: cannot mark it queued again: {}", a.job.tenant(), a.job.runId(), e.getMessage());
        }
    }

    /**
     * Runs {@code write}, trying again every second while Redis cannot be reached: an outage
     * neither loses the write nor turns into another attempt. A stopping worker tries for
     * {@link #SHUTDOWN_WRITE_MS} at most, then the error propagates.
     */
    private <T> T whileRedisAway(Attempt a, Supplier<T> write) {
        long giveUpAt = Long.MAX_VALUE;
        while (true) {
            try {
                return write.get();
            } catch (JedisDataException e) {
                throw e;
            } catch (JedisException e) {
                long now = environment.clock().millis();
                if (a.control.stopReason() == StopReason.SHUTDOWN) {
                    giveUpAt = Math.min(giveUpAt, now + SHUTDOWN_WRITE_MS);
                }
                if (now >= giveUpAt) {
                    throw e;
                }
                LOG.debug("run {}/{}: Redis out of reach, writing again in a second", a.job.tenant(), a.job.runId());
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private long timeoutOf(JobMessage job) {
        long asked = job.timeoutSeconds() > 0 ? job.timeoutSeconds() : defaultTimeoutSeconds;
        return Math.min(asked, maxTimeoutSeconds);
    }

    /** The run record a job from a plain Kafka producer gets when its run does not exist yet. */
}
