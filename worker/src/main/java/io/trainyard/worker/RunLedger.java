package io.trainyard.worker;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.job.RunStatus;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantCalls;
import io.trainyard.common.store.TenantKeys;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The worker's side of a run's record: start an attempt under a new fencing epoch, then write
 * progress and the terminal status with that epoch. A write carrying a stale epoch is refused,
 * so a worker that lost its run can never overwrite the attempt that took over.
 *
 * <p>{@link #startAll} and {@link #finishAll} do the same as {@link #start} and {@link #finish}
 * for many runs in one round trip: one script call per tenant, which handles each run exactly as
 * a single call would (the single calls are batches of one), so the fencing is the same. Batching
 * matters: a worker's lane starts and ends hundreds of short jobs at a time, and one call per
 * batch costs Redis and the client a fraction of one call per job.
 *
 * <p>The attempt's lease is the run's {@code leaseUntil} field (epoch ms): set by the start,
 * moved on by every accepted write of that attempt (progress, renewals), so a run whose worker
 * died shows as RUNNING with a {@code leaseUntil} in the past.
 *
 * <p>Retention: a run that ends (here, or elsewhere and then seen by {@link #start}) keeps its
 * record and output for {@code retentionSeconds}, then Redis expires them.
 *
 * <p>In flight: a start puts the run in its tenant's index of in-flight runs
 * ({@link TenantKeys#inflight()}, scored by the lease) and its tenant in
 * {@link TenantKeys#INFLIGHT_TENANTS}; the write that ends it takes it out. The reconciler reads
 * the index to find runs whose worker stopped renewing. A start with a token
 * ({@link #startUnlessHeld}) also keeps the job message in the run until it ends, so that the
 * reconciler can queue the job again.
 */
public final class RunLedger {
    private static final LuaScript START = LuaScript.load("start");
    private static final LuaScript FENCED_WRITE = LuaScript.load("fenced_write");

    private final UnifiedJedis redis;
    private final InstantSource clock;
    private final long leaseMillis;
    private final String leaseText;
    private final String retentionText;
    private final int maxStarts;

    /** A ledger that keeps ended runs for the default retention window. */
    public RunLedger(UnifiedJedis redis, long leaseMillis) {
        this(redis, leaseMillis, CommonSettings.DEFAULT_RUN_RETENTION_SECONDS);
    }

    public RunLedger(UnifiedJedis redis, long leaseMillis, long retentionSeconds) {
        this(redis, leaseMillis, retentionSeconds, 0);
    }

    /**
     * @param maxStarts the starts a run may take: a start past them ends the run FAILED instead
     *     ({@link Start.Abandoned}); 0 for no limit
     */
    public RunLedger(UnifiedJedis redis, long leaseMillis, long retentionSeconds, int maxStarts) {
        this(redis, leaseMillis, retentionSeconds, maxStarts, InstantSource.system());
    }

    /** As above, on {@code clock}: the time of the writes that carry none of their own (progress, renewals). */
    public RunLedger(UnifiedJedis redis, long leaseMillis, long retentionSeconds, int maxStarts, InstantSource clock) {
        if (retentionSeconds <= 0) {
            throw new IllegalArgumentException("retention must be positive: " + retentionSeconds);
        }
        if (maxStarts < 0) {
            throw new IllegalArgumentException("max starts must not be negative: " + maxStarts);
        }
        this.redis = redis;
        this.clock = clock;
        this.leaseMillis = leaseMillis;
        this.leaseText = Long.toString(leaseMillis);
        this.retentionText = Long.toString(retentionSeconds);
        this.maxStarts = maxStarts;
    }

    /** What a start with a token ({@link #startUnlessHeld}) answers: a {@link Start}, or {@link HeldElsewhere}. */
    public sealed interface StartReply permits Start, HeldElsewhere {}

    /**
     * Not started: another acquisition of the job (another record, or another delivery of this
     * one) holds the run under a lease that has not expired. Drop this record: the holder ends
     * the run, or its lease expires and the reconciler queues the job again.
     */
    public record HeldElsewhere(String workerId, long leaseUntil) implements StartReply {}

    /** What happened when a worker tried to start an attempt. */
    public sealed interface Start extends StartReply {
        /**
         * Started under {@code epoch}, the run's fencing epoch (every later write carries it), as
         * its {@code attempt}-th start (the count of starts: waiting in the queue, a release
         * without a start or a start held elsewhere spend none).
         */
        record Started(long epoch, int attempt) implements Start {}
        record AlreadyEnded(RunStatus status) implements Start {}
        record CancelledBeforeStart() implements Start {}
        record Missing() implements Start {}
        /**
         * Not started: it had all the starts it may take (see {@link #maxStarts}), its workers died
         * running it, and the same step ended it FAILED "abandoned after {@code starts} deliveries".
         */
        record Abandoned(int starts) implements Start {}
        /** Only from {@link #startAll}: Redis refused this one script (the others may have run). */
        record Failed(RuntimeException cause) implements Start {}
    }

    /**
     * One attempt to start, for {@link #startUnlessHeld} (or {@link #startAll} without a token);
     * {@code createWith} as in {@link #start}.
     *
     * @param startToken unique per acquisition of a job record (e.g. worker, topic, partition,
     *                   offset and delivery count), or null: a start with the token of the
     *                   acquisition that holds the run answers its epoch again
     * @param job the job message (the record's value), kept in the run for the reconciler while
     *            it is in flight; null keeps none
     */
    public record StartRequest(String tenant, String runId, String startToken, byte[] job,
                               Map<String, String> createWith) {
        /**
         * A start without a token or job message: it takes the run over whoever holds it.
         * {@code attempt} is not used (the attempt is the run's count of starts).
         */
        public StartRequest(String tenant, String runId, int attempt, Map<String, String> createWith) {
            this(tenant, runId, null, null, createWith);
        }
    }

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
    public record Written(boolean written, RuntimeException failure, boolean startLost) {
        public static final Written YES = new Written(true, null, false);
        public static final Written REFUSED = new Written(false, null, false);
        /** Redis has the run QUEUED below this attempt's epoch: it lost the start (a failover). */
        public static final Written START_LOST = new Written(false, null, true);

        public Written(boolean written, RuntimeException failure) {
            this(written, failure, false);
        }
    }

    /**
     * Starts an attempt, without a token (it takes the run over, whoever holds it). {@code
     * createWith} holds the fields to create the run from when it has no record yet (a job
     * published straight to Kafka); may be empty. {@code attempt} is not used: the run's attempt
     * is its count of starts ({@link Start.Started#attempt()}).
     */
    public Start start(String tenant, String runId, String workerId, int attempt, long nowMillis,
                       Map<String, String> createWith) {
        Start start = startAll(List.of(new StartRequest(tenant, runId, attempt, createWith)), workerId, nowMillis)
                .getFirst();
        if (start instanceof Start.Failed failed) {
            throw failed.cause();
        }
        return start;
    }

    /**
     * Starts many attempts in one round trip: one script call per tenant (a tenant's keys share a
     * slot), each run handled on its own. Each answer is what {@link #start} would have returned,
     * or {@link Start.Failed} for a run whose writes Redis refused. A lost connection throws.
     * The requests carry no token: each start takes its run over, whoever holds it.
     */
    public List<Start> startAll(List<StartRequest> requests, String workerId, long nowMillis) {
        List<Start> starts = new ArrayList<>(requests.size());
        for (StartRequest request : requests) {
            if (request.startToken() != null) {
                throw new IllegalArgumentException("run " + request.runId()
                        + ": a start with a token may be held elsewhere; use startUnlessHeld");
            }
        }
        for (StartReply reply : startUnlessHeld(requests, workerId, nowMillis)) {
            starts.add((Start) reply);
        }
        return starts;
    }

    /**
     * Starts many attempts in one round trip, as {@link #startAll} does, with each request's
     * start token: a run held by another acquisition whose lease has not expired is not taken
     * over ({@link HeldElsewhere}), and a start repeated with the token of the acquisition that
     * holds the run (a retry after a lost reply) answers the epoch it got, without a new one.
     */
    public List<StartReply> startUnlessHeld(List<StartRequest> requests, String workerId, long nowMillis) {
        List<String> shared = List.of(workerId, Long.toString(nowMillis), leaseText, retentionText,
                Integer.toString(maxStarts));
        return perTenant(START, requests, StartRequest::tenant, shared, (request, keys, args) -> {
            keys.add(new TenantKeys(request.tenant()).run(request.runId()));
            args.add(request.startToken() == null ? "" : request.startToken());
            args.add(request.job() == null ? "" : new String(request.job(), StandardCharsets.UTF_8));
            args.add(Integer.toString(request.createWith().size()));
            request.createWith().forEach((field, value) -> { args.add(field); args.add(value); });
        }, RunLedger::startReply, Start.Failed::new, true);
    }

    /** Writes progress fields and renews the lease; false when {@code epoch} is no longer current. */
    public boolean update(String tenant, String runId, long epoch, Map<String, String> fields) {
        return writeOne(new Write(tenant, runId, epoch, null, fields, Map.of()), clock.millis());
    }

    /**
     * Writes output captured so far (stdout, stderr) of a running run, and renews the lease;
     * false when {@code epoch} is no longer current. The first write of a run also gives the
     * output hash the retention window, so a run whose worker dies does not leave it forever.
     */
    public boolean output(String tenant, String runId, long epoch, Map<String, String> output, boolean first) {
        boolean written = writeOne(new Write(tenant, runId, epoch, null, Map.of(), output), System.currentTimeMillis());
        if (written && first) {
            redis.expire(new TenantKeys(tenant).runOutput(runId), Long.parseLong(retentionText));
        }
        return written;
    }

    /** Renews the lease; false when {@code epoch} is no longer current. */
    public boolean renew(String tenant, String runId, long epoch) {
        return writeOne(new Write(tenant, runId, epoch, null, Map.of(), Map.of()), clock.millis());
    }

    /**
     * Writes the terminal status with the final fields and the captured output; false when
     * {@code epoch} is stale or the run already ended (the status is written exactly once).
     */
    public boolean finish(String tenant, String runId, long epoch, RunStatus status, long nowMillis,
                          Map<String, String> fields, Map<String, String> output) {
        Finish finish = new Finish(tenant, runId, epoch, status, fields, output); // refuses a status that does not end
        return writeOne(new Write(finish.tenant(), finish.runId(), finish.epoch(), finish.status(), finish.fields(),
                finish.output()), nowMillis);
    }

    /**
     * Writes many terminal statuses in one round trip (one script call per tenant); each answer
     * is what {@link #finish} would have returned, or a failure for a write Redis refused. A lost
     * connection throws.
     */
    public List<Written> finishAll(List<Finish> finishes, long nowMillis) {
        List<Write> writes = new ArrayList<>(finishes.size());
        for (Finish f : finishes) {
            writes.add(new Write(f.tenant(), f.runId(), f.epoch(), f.status(), f.fields(), f.output()));
        }
        return writeAll(writes, nowMillis);
    }

    /** One fenced write: progress when {@code status} is null, else the run's end. */
    private record Write(String tenant, String runId, long epoch, RunStatus status, Map<String, String> fields,
                         Map<String, String> output) {}

    private boolean writeOne(Write write, long nowMillis) {
        Written written = writeAll(List.of(write), nowMillis).getFirst();
        if (written.failure() != null) {
            throw written.failure();
        }
        return written.written();
    }

    private List<Written> writeAll(List<Write> writes, long nowMillis) {
        String now = Long.toString(nowMillis);
        String leaseUntil = Long.toString(nowMillis + leaseMillis);
        return perTenant(FENCED_WRITE, writes, Write::tenant, List.of(), (w, keys, args) -> {
            TenantKeys tenant = new TenantKeys(w.tenant());
            keys.add(tenant.run(w.runId()));
            keys.add(tenant.runOutput(w.runId()));
            writeArgs(args, w, now, leaseUntil);
        }, (reply, k) -> writtenReply(reply.get(k)), e -> new Written(false, e), false);
    }

    /** Appends one item's keys and arguments to its tenant's script call. */
    private interface Encoder<T> {
        void add(T item, List<String> keys, List<String> args);
    }

    /** The answer to the {@code k}-th item of a tenant's call, from that call's reply. */
    private interface Decoder<R> {
        R answer(List<?> reply, int k);
    }

    /**
     * Runs {@code script} once per tenant of {@code items} through {@link TenantCalls} (keys: the
     * tenant's in-flight index, then each item's; arguments {@code shared}, then each item's, as
     * {@code encoder} adds them).
     */
    private <T, R> List<R> perTenant(LuaScript script, List<T> items, Function<T, String> tenantOf,
                                     List<String> shared, Encoder<T> encoder, Decoder<R> decoder,
                                     Function<RuntimeException, R> failed, boolean inFlight) {
        return TenantCalls.run(redis, script, LuaScript.Encoding.TEXT, items, tenantOf, new TenantCalls.Call<>() {
            @Override
            public void begin(String tenant, List<String> keys, List<String> args) {
                keys.add(new TenantKeys(tenant).inflight());
                args.addAll(shared);
            }

            @Override
            public void add(T item, List<String> keys, List<String> args) {
                encoder.add(item, keys, args);
            }
        }, (item, reply, k) -> decoder.answer(reply, k), failed, inFlight);
    }

    /** start.lua's reply codes (a positive code is the epoch of a start). */
    private static final long ALREADY_ENDED = 0;
    private static final long CANCELLED_BEFORE_START = -1;
    private static final long MISSING = -2;
    private static final long REFUSED = -3;
    private static final long HELD_ELSEWHERE = -4;
    private static final long OUT_OF_STARTS = -5;

    private static StartReply startReply(List<?> reply, int k) {
        long code = (Long) reply.get(2 * k);
        Object detail = reply.get(2 * k + 1);
        if (code > 0) {
            return new Start.Started(code, Integer.parseInt((String) detail));
        }
        if (code == OUT_OF_STARTS) {
            return new Start.Abandoned(Integer.parseInt((String) detail));
        }
        if (code == HELD_ELSEWHERE) {
            String held = (String) detail;
            int space = held.indexOf(' ');
            return new HeldElsewhere(held.substring(space + 1), Long.parseLong(held.substring(0, space)));
        }
        if (code == ALREADY_ENDED) {
            return new Start.AlreadyEnded(RunStatus.valueOf((String) detail));
        }
        if (code == REFUSED) {
            return new Start.Failed(new JedisDataException((String) detail));
        }
        if (code == CANCELLED_BEFORE_START) {
            return new Start.CancelledBeforeStart();
        }
        if (code == MISSING) {
            return new Start.Missing();
        }
        throw new IllegalStateException("start.lua answered an unknown code " + code);
    }

    private static Written writtenReply(Object reply) {
        if (reply instanceof Long written) {
            return written == 1L ? Written.YES : written == 2L ? Written.START_LOST : Written.REFUSED;
        }
        return new Written(false, new JedisDataException(String.valueOf(reply)));
    }

    private void writeArgs(List<String> args, Write w, String now, String leaseUntil) {
        boolean ends = w.status() != null;
        args.add(Long.toString(w.epoch()));
        args.add(ends ? "0" : leaseUntil);
        args.add(ends ? retentionText : "0");
        args.add(Integer.toString(w.fields().size() + (ends ? 2 : 0)));
        args.add(Integer.toString(w.output().size()));
        w.fields().forEach((k, v) -> { args.add(k); args.add(v); });
        if (ends) {
            // Last, so that they win over any field of the same name.
            args.add("status");
            args.add(w.status().name());
            args.add("completedAt");
            args.add(now);
        }
        w.output().forEach((k, v) -> { args.add(k); args.add(v); });
    }
}
