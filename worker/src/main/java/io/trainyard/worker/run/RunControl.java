package io.trainyard.worker.run;

import io.trainyard.common.store.RunLedger;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.worker.retry.RetryPolicy;
import io.trainyard.worker.sandbox.ProcessSupervisor;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One running attempt's link to the outside world: the stop signal (cancellation, lost lease,
 * shutdown) and the heartbeat that renews its lease in Redis and notices a cancel flag even if
 * the pub/sub message was missed.
 */
public final class RunControl implements ProcessSupervisor.Watch {
    private static final Duration TICK = Duration.ofMillis(500);

    private final String tenant;
    private final String runId;
    private final RunLedger ledger;
    private final UnifiedJedis redis;
    private final InstantSource clock;
    private final long renewEveryMillis;
    private final CompletableFuture<StopReason> stop = new CompletableFuture<>();
    private volatile long epoch;
    private long lastRenewal;
    private volatile Thread pausing;

    RunControl(String tenant, String runId, RunLedger ledger, UnifiedJedis redis, InstantSource clock, long leaseMillis) {
        this.tenant = tenant;
        this.runId = runId;
        this.ledger = ledger;
        this.redis = redis;
        this.clock = clock;
        this.renewEveryMillis = Math.max(1_000, leaseMillis / 3);
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
            if ("1".equals(redis.hget(new TenantKeys(tenant).run(runId), "cancelRequested"))) {
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
        } catch (JedisException e) {
            // Redis is away: keep running; the next heartbeat tries again.
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
