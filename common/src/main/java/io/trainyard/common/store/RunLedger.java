package io.trainyard.common.store;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.job.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * The worker's side of a run's record: start an attempt under a new fencing epoch, then write
 * progress and the terminal status with that epoch. A write carrying a stale epoch is refused,
 * so a worker that lost its run can never overwrite the attempt that took over.
 *
 * <p>{@link #startAll} and {@link #finishAll} do the same as {@link #start} and {@link #finish}
 * for many runs in one pipeline (one round trip): the same scripts, each atomic on its own run,
 * so the fencing is exactly that of the single calls.
 *
 * <p>Retention: a run that ends (here, or elsewhere and then seen by {@link #start}) keeps its
 * record and output for {@code retentionSeconds}, then Redis expires them.
 */
public final class RunLedger {
    private static final LuaScript START = LuaScript.load("start");
    private static final LuaScript FENCED_WRITE = LuaScript.load("fenced_write");

    private final UnifiedJedis redis;
    private final long leaseMillis;
    private final String leaseText;
    private final String retentionText;

    /** A ledger that keeps ended runs for the default retention window. */
    public RunLedger(UnifiedJedis redis, long leaseMillis) {
        this(redis, leaseMillis, CommonSettings.DEFAULT_RUN_RETENTION_SECONDS);
    }

    public RunLedger(UnifiedJedis redis, long leaseMillis, long retentionSeconds) {
        if (retentionSeconds <= 0) {
            throw new IllegalArgumentException("retention must be positive: " + retentionSeconds);
        }
        this.redis = redis;
        this.leaseMillis = leaseMillis;
        this.leaseText = Long.toString(leaseMillis);
        this.retentionText = Long.toString(retentionSeconds);
    }

    /** What happened when a worker tried to start an attempt. */
    public sealed interface Start {
        record Started(long epoch) implements Start {}
        record AlreadyEnded(RunStatus status) implements Start {}
        record CancelledBeforeStart() implements Start {}
        record Missing() implements Start {}
        /** Only from {@link #startAll}: Redis refused this one script (the others may have run). */
        record Failed(RuntimeException cause) implements Start {}
    }

    /** One attempt to start, for {@link #startAll}; {@code createWith} as in {@link #start}. */
    public record StartRequest(String tenant, String runId, int attempt, Map<String, String> createWith) {}

    /** One terminal write, for {@link #finishAll}; the arguments of {@link #finish}. */
    public record Finish(String tenant, String runId, long epoch, RunStatus status, Map<String, String> fields,
                         Map<String, String> output) {
        public Finish {
            if (!status.isTerminal()) {
                throw new IllegalArgumentException(status + " is not a terminal status");
            }
        }
    }

    /** The answer to one write of {@link #finishAll}. */
    public record Written(boolean written, RuntimeException failure) {
        public static final Written YES = new Written(true, null);
        public static final Written REFUSED = new Written(false, null);
    }

    /**
     * Starts an attempt. {@code createWith} holds the fields to create the run from when it has
     * no record yet (a job published straight to Kafka); may be empty.
     */
    public Start start(String tenant, String runId, String workerId, int attempt, long nowMillis,
                       Map<String, String> createWith) {
        StartRequest request = new StartRequest(tenant, runId, attempt, createWith);
        return startReply(START.eval(redis, startKeys(request), startArgs(request, workerId, Long.toString(nowMillis))));
    }

    /**
     * Starts many attempts in one pipeline; each answer is what {@link #start} would have
     * returned, or {@link Start.Failed} for a script Redis refused. A lost connection throws.
     */
    public List<Start> startAll(List<StartRequest> requests, String workerId, long nowMillis) {
        String now = Long.toString(nowMillis);
        List<List<String>> keys = new ArrayList<>(requests.size());
        List<List<String>> args = new ArrayList<>(requests.size());
        for (StartRequest request : requests) {
            keys.add(startKeys(request));
            args.add(startArgs(request, workerId, now));
        }
        List<Object> replies = START.evalAll(redis, keys, args);
        List<Start> starts = new ArrayList<>(replies.size());
        for (Object reply : replies) {
            starts.add(reply instanceof RuntimeException e ? new Start.Failed(e) : startReply(reply));
        }
        return starts;
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
        Finish finish = new Finish(tenant, runId, epoch, status, fields, output);
        return (Long) FENCED_WRITE.eval(redis, writeKeys(tenant, runId), finishArgs(finish, Long.toString(nowMillis))) == 1L;
    }

    /**
     * Writes many terminal statuses in one pipeline; each answer is what {@link #finish} would
     * have returned, or a failure for a script Redis refused. A lost connection throws.
     */
    public List<Written> finishAll(List<Finish> finishes, long nowMillis) {
        String now = Long.toString(nowMillis);
        List<List<String>> keys = new ArrayList<>(finishes.size());
        List<List<String>> args = new ArrayList<>(finishes.size());
        for (Finish finish : finishes) {
            keys.add(writeKeys(finish.tenant(), finish.runId()));
            args.add(finishArgs(finish, now));
        }
        List<Object> replies = FENCED_WRITE.evalAll(redis, keys, args);
        List<Written> written = new ArrayList<>(replies.size());
        for (Object reply : replies) {
            written.add(reply instanceof RuntimeException e ? new Written(false, e)
                    : (Long) reply == 1L ? Written.YES : Written.REFUSED);
        }
        return written;
    }

    private static List<String> startKeys(StartRequest request) {
        TenantKeys keys = new TenantKeys(request.tenant());
        return List.of(keys.run(request.runId()), keys.lease(request.runId()));
    }

    private List<String> startArgs(StartRequest request, String workerId, String now) {
        List<String> args = new ArrayList<>(5 + 2 * request.createWith().size());
        args.add(workerId);
        args.add(now);
        args.add(leaseText);
        args.add(Integer.toString(request.attempt()));
        args.add(retentionText);
        request.createWith().forEach((k, v) -> { args.add(k); args.add(v); });
        return args;
    }

    private static Start startReply(Object reply) {
        List<?> list = (List<?>) reply;
        long code = (Long) list.get(0);
        if (code > 0) {
            return new Start.Started(code);
        }
        if (code == 0) {
            return new Start.AlreadyEnded(RunStatus.valueOf((String) list.get(1)));
        }
        return code == -1 ? new Start.CancelledBeforeStart() : new Start.Missing();
    }

    private List<String> finishArgs(Finish finish, String now) {
        Map<String, String> all = new LinkedHashMap<>(finish.fields());
        all.put("status", finish.status().name());
        all.put("completedAt", now);
        return writeArgs(finish.epoch(), true, all, finish.output());
    }

    private boolean write(String tenant, String runId, long epoch, boolean last,
                          Map<String, String> fields, Map<String, String> output) {
        return (Long) FENCED_WRITE.eval(redis, writeKeys(tenant, runId), writeArgs(epoch, last, fields, output)) == 1L;
    }

    private static List<String> writeKeys(String tenant, String runId) {
        TenantKeys keys = new TenantKeys(tenant);
        return List.of(keys.run(runId), keys.lease(runId), keys.runOutput(runId));
    }

    private List<String> writeArgs(long epoch, boolean last, Map<String, String> fields, Map<String, String> output) {
        List<String> args = new ArrayList<>(4 + 2 * (fields.size() + output.size()));
        args.add(Long.toString(epoch));
        args.add(leaseText);
        args.add(last ? retentionText : "0");
        args.add(Integer.toString(fields.size()));
        fields.forEach((k, v) -> { args.add(k); args.add(v); });
        output.forEach((k, v) -> { args.add(k); args.add(v); });
        return args;
    }
}
