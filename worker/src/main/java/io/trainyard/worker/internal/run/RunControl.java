package io.trainyard.worker.internal.run;

import io.trainyard.common.job.RunRecord;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.worker.RunLedger;
import io.trainyard.worker.internal.metrics.WorkerMetrics;
import io.trainyard.worker.internal.retry.RetryPolicy;
import io.trainyard.worker.internal.sandbox.ProcessSupervisor;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One running attempt's link to the outside world: the stop signal (cancellation, lost lease,
 * shutdown) and the heartbeat that renews its lease in Redis and notices a cancel flag even if
 * the pub/sub message was missed.
 */
public final class RunControl implements ProcessSupervisor.Watch {
    private static final Logger LOG = LoggerFactory.getLogger(RunControl.class);
    private static final Duration TICK = Duration.ofMillis(500);

    private final String tenant;
    private final String runId;
    private final RunLedger ledger;
    private final UnifiedJedis redis;
    private final InstantSource clock;
    private final long renewEveryMillis;
    private final WorkerMetrics metrics;
    private final CompletableFuture<StopReason> stop = new CompletableFuture<>();
    private volatile long epoch;
    private long lastRenewal;
    private volatile Thread pausing;
    /** Heartbeats in a row that could not reach Redis. */
    private int failedHeartbeats;
    private boolean outputWritten;

    RunControl(String tenant, String runId, RunLedger ledger, UnifiedJedis redis, InstantSource clock, long leaseMillis,
               WorkerMetrics metrics) {
        this.tenant = tenant;
        this.runId = runId;
        this.ledger = ledger;
        this.redis = redis;
        this.clock = clock;
        this.renewEveryMillis = Math.max(1_000, leaseMillis / 3);
        this.metrics = metrics;
    }

    public String tenant() {
        return tenant;
    }

    public String runId() {
        return runId;
    }

    void started(long newEpoch) {
        this.epoch = newEpoch;
        this.lastRenewal = clock.millis();
    }

    /** Asks the run to stop; the first reason wins. */
    public void stop(StopReason reason) {
        stop.complete(reason);
        Thread sleeper = pausing;
        if (sleeper != null) {
            sleeper.interrupt();
        }
    }

    public boolean stopped() {
        return stop.isDone();
    }

    /** The reason the run was stopped, or null while it was not. */
    public StopReason stopReason() {
        return stop.getNow(null);
    }

    @Override
    public CompletableFuture<StopReason> stopRequested() {
        return stop;
    }

    @Override
    public Duration heartbeatInterval() {
        return TICK;
    }

    @Override
    public void heartbeat() {
        try {
            if ("1".equals(redis.hget(new TenantKeys(tenant).run(runId), RunRecord.CANCEL_REQUESTED))) {
                stop(StopReason.CANCELLED);
                return;
            }
            long now = clock.millis();
            if (now - lastRenewal >= renewEveryMillis) {
                if (!ledger.renew(tenant, runId, epoch)) {
                    stop(StopReason.LEASE_LOST);
                }
                lastRenewal = now;
            }
            if (failedHeartbeats > 0) {
                LOG.info("run {}/{}: heartbeat reaches Redis again after {} failed", tenant, runId, failedHeartbeats);
                failedHeartbeats = 0;
            }
        } catch (JedisException e) {
            // Redis is away: keep running; the next heartbeat tries again. Logged once per streak
            // (a heartbeat beats twice a second), counted every time.
            metrics.heartbeatFailed();
            if (failedHeartbeats++ == 0) {
                LOG.warn("run {}/{}: heartbeat cannot reach Redis ({}); the run goes on and its lease is renewed once "
                        + "Redis answers", tenant, runId, e.toString());
            }
        }
    }

    /**
     * Writes the output so far (a stream that did not grow is null) into the run's output hash,
     * fenced by this attempt's epoch like every progress write; at most once per heartbeat tick.
     */
    @Override
    public void output(String stdout, String stderr) {
        if ((stdout == null && stderr == null) || stopped()) {
            return;
        }
        Map<String, String> output = new HashMap<>(2);
        if (stdout != null) {
            output.put("stdout", stdout);
        }
        if (stderr != null) {
            output.put("stderr", stderr);
        }
        try {
            ledger.output(tenant, runId, epoch, output, !outputWritten);
            outputWritten = true;
        } catch (JedisException e) {
            // Redis is away: the next tick sends the output again, and the run's end writes all of it.
        }
    }

    /** Waits out a retry delay; false when the run was stopped meanwhile. */
    boolean pause(RetryPolicy policy, Duration delay) {
        pausing = Thread.currentThread();
        try {
            if (stopped()) {
                return false;
            }
            policy.pause(delay);
            return !stopped();
        } catch (InterruptedException e) {
            return false;
        } finally {
            pausing = null;
            Thread.interrupted();
        }
    }
}
