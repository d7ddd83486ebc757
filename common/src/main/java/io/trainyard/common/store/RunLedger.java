package io.trainyard.common.store;

import io.trainyard.common.job.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * The worker's side of a run's record: start an attempt under a new fencing epoch, then write
 * progress and the terminal status with that epoch. A write carrying a stale epoch is refused,
 * so a worker that lost its run can never overwrite the attempt that took over.
 */
public final class RunLedger {
    private static final LuaScript START = LuaScript.load("start");
    private static final LuaScript FENCED_WRITE = LuaScript.load("fenced_write");

    private final UnifiedJedis redis;
    private final long leaseMillis;

    public RunLedger(UnifiedJedis redis, long leaseMillis) {
        this.redis = redis;
        this.leaseMillis = leaseMillis;
    }

    /** What happened when a worker tried to start an attempt. */
    public sealed interface Start {
        record Started(long epoch) implements Start {}
        record AlreadyEnded(RunStatus status) implements Start {}
        record CancelledBeforeStart() implements Start {}
        record Missing() implements Start {}
    }

    /**
     * Starts an attempt. {@code createWith} holds the fields to create the run from when it has
     * no record yet (a job published straight to Kafka); may be empty.
     */
    public Start start(String tenant, String runId, String workerId, int attempt, long nowMillis,
                       Map<String, String> createWith) {
        TenantKeys keys = new TenantKeys(tenant);
        List<String> args = new ArrayList<>(List.of(workerId, Long.toString(nowMillis),
                Long.toString(leaseMillis), Integer.toString(attempt)));
        createWith.forEach((k, v) -> { args.add(k); args.add(v); });
        List<?> reply = (List<?>) START.eval(redis, List.of(keys.run(runId), keys.lease(runId)), args);
        long code = (Long) reply.get(0);
        if (code > 0) {
            return new Start.Started(code);
        }
        if (code == 0) {
            return new Start.AlreadyEnded(RunStatus.valueOf((String) reply.get(1)));
        }
        return code == -1 ? new Start.CancelledBeforeStart() : new Start.Missing();
    }

    /** Writes progress fields and renews the lease; false when {@code epoch} is no longer current. */
    public boolean update(String tenant, String runId, long epoch, Map<String, String> fields) {
        return write(tenant, runId, epoch, false, fields, Map.of());
    }

    /** Renews the lease; false when {@code epoch} is no longer current. */
    public boolean renew(String tenant, String runId, long epoch) {
        return write(tenant, runId, epoch, false, Map.of(), Map.of());
    }

    /**
     * Writes the terminal status with the final fields and the captured output; false when
     * {@code epoch} is stale or the run already ended (the status is written exactly once).
     */
    public boolean finish(String tenant, String runId, long epoch, RunStatus status, long nowMillis,
                          Map<String, String> fields, Map<String, String> output) {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException(status + " is not a terminal status");
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(fields);
        all.put("status", status.name());
        all.put("completedAt", Long.toString(nowMillis));
        return write(tenant, runId, epoch, true, all, output);
    }

    private boolean write(String tenant, String runId, long epoch, boolean last,
                          Map<String, String> fields, Map<String, String> output) {
        TenantKeys keys = new TenantKeys(tenant);
        List<String> args = new ArrayList<>(4 + 2 * (fields.size() + output.size()));
        args.add(Long.toString(epoch));
        args.add(Long.toString(leaseMillis));
        args.add(last ? "1" : "0");
        args.add(Integer.toString(fields.size()));
        fields.forEach((k, v) -> { args.add(k); args.add(v); });
        output.forEach((k, v) -> { args.add(k); args.add(v); });
        Object reply = FENCED_WRITE.eval(redis,
                List.of(keys.run(runId), keys.lease(runId), keys.runOutput(runId)), args);
        return ((Long) reply) == 1L;
    }
}
