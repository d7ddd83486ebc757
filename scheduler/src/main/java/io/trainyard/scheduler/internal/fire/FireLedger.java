package io.trainyard.scheduler.internal.fire;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.job.JobType;
import io.trainyard.common.schedule.OverlapPolicy;
import io.trainyard.common.schedule.RunTemplate;
import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantCalls;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.scheduler.internal.reconcile.InFlightRuns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.SafeEncoder;

/**
 * The scheduler's Redis records: the per-fire claim that makes each (tenant, task, fire time)
 * run at most once across all instances, the run it creates, and what the task remembers about
 * its fires ({@code lastFireAt}, {@code skippedFires}, {@code missedFires} and their latest times).
 */
public final class FireLedger implements FireHistory {
    private static final LuaScript FIRE = LuaScript.load("schedule_fire");
    private static final LuaScript PASSED = LuaScript.load("schedule_passed");
    private static final LuaScript UNQUEUED = LuaScript.load("schedule_unqueued");
    /** Overlap looks at this many of the task's latest runs; older ones have long ended. */
    static final int RUNS_INSPECTED = 20;
    private static final byte[] RUNS_INSPECTED_BYTES = Protocol.toByteArray(RUNS_INSPECTED);
    private static final byte[] NONE = new byte[0];
    /** The encoded names of the enum constants a fire passes (overlap policy, job type). */
    private static final Map<Enum<?>, byte[]> NAMES = names(OverlapPolicy.values(), JobType.values());

    /** The default publish deadline of a fire's job: the scheduler's default publish timeout. */
    static final Duration DEFAULT_PUBLISH_DEADLINE = Duration.ofSeconds(15);

    private final UnifiedJedis redis;
    private final InFlightRuns inFlight;
    private final byte[] historyBytes;
    private final byte[] publishDeadlineBytes;

    /** A ledger whose tasks list the default number of latest runs. */
    public FireLedger(UnifiedJedis redis) {
        this(redis, Integer.parseInt(CommonSettings.RUN_HISTORY.defaultValue()));
    }

    /** A ledger whose tasks list at most {@code history} latest runs (older ended ones are removed). */
    public FireLedger(UnifiedJedis redis, int history) {
        this(redis, history, DEFAULT_PUBLISH_DEADLINE);
    }

    /**
     * As {@link #FireLedger(UnifiedJedis, int)}; a created run stays in its tenant's index of
     * in-flight runs, due {@code publishDeadline} after its claim, until its job is on Kafka
     * (then the launcher takes it out), so that the reconciler publishes the job of a run whose
     * scheduler died in between.
     */
    public FireLedger(UnifiedJedis redis, int history, Duration publishDeadline) {
        if (history < 1) {
            throw new IllegalArgumentException("history must be positive: " + history);
        }
        this.redis = redis;
        this.inFlight = new InFlightRuns(redis);
        this.historyBytes = Protocol.toByteArray(history);
        this.publishDeadlineBytes = Protocol.toByteArray(publishDeadline.toMillis());
    }

    /** The result of claiming a fire. */
    public record Claim(Kind kind, String detail) {
        /** ERROR: Redis refused this one claim (the others stand); detail says why. */
        public enum Kind { CREATED, ALREADY_CLAIMED, SKIPPED, BUSY, NO_TASK, ERROR }
    }

    /** One fire to claim; the run it creates is {@code runId}. The claim expires after {@code claimTtl}. */
    public record FireClaim(ScheduleDefinition schedule, Instant fireTime, String runId, Duration claimTtl) {}

    /** The claim key of one fire: it lives next to the task, so it shares the tenant's slot. */
    public static String claimKey(String tenant, String taskId, Instant fireTime) {
        return new TenantKeys(tenant).task(taskId) + ":fire:" + fireTime.toEpochMilli();
    }

    /**
     * Claims a fire and, unless the overlap policy stops it, creates its run (status QUEUED, from
     * the schedule's run template) under the task, atomically. See {@link #claimAll}.
     */
    public Claim claim(FireClaim fire, Instant queuedAt, String scheduledBy) {
        return claimAll(List.of(fire), queuedAt, scheduledBy).getFirst();
    }

    /**
     * Claims many fires, each as {@link #claim} does, in one round trip to Redis: one script call
     * per tenant (a tenant's keys share a slot), so a busy instant costs Redis little per fire.
     * The claims come back in order; one that Redis refused is {@link Claim.Kind#ERROR}. Throws
     * when Redis cannot be reached (then any of the claims may or may not have been made).
     */
    public List<Claim> claimAll(List<FireClaim> fires, Instant queuedAt, String scheduledBy) {
        // Arguments go out as bytes, and the ones fires share (their fire time, mostly) are encoded
        // once: a busy second claims thousands of fires, and less garbage means fewer GC pauses.
        byte[] queued = Protocol.toByteArray(queuedAt.toEpochMilli());
        byte[] by = SafeEncoder.encode(scheduledBy);
        Numbers fireTimes = new Numbers();
        Numbers ttls = new Numbers();
        Numbers timeouts = new Numbers();
        return TenantCalls.run(redis, FIRE, LuaScript.Encoding.BINARY, fires, fire -> fire.schedule().tenant(),
                new TenantCalls.Call<>() {
                    @Override
                    public void begin(String tenant, List<byte[]> keys, List<byte[]> args) {
                        TenantKeys tenantKeys = new TenantKeys(tenant);
                        keys.add(SafeEncoder.encode(tenantKeys.inflight()));
                        args.add(SafeEncoder.encode(tenantKeys.tenant()));
                        args.add(SafeEncoder.encode(tenantKeys.runPrefix()));
                        args.add(RUNS_INSPECTED_BYTES);
                        args.add(queued);
                        args.add(by);
                        args.add(historyBytes);
                        args.add(publishDeadlineBytes);
                    }

                    /** The task's key, and 10 values per fire. */
                    @Override
                    public void add(FireClaim fire, List<byte[]> keys, List<byte[]> args) {
                        RunTemplate run = fire.schedule().run();
                        keys.add(SafeEncoder.encode(new TenantKeys(fire.schedule().tenant()).task(fire.schedule().taskId())));
                        args.add(fireTimes.encode(fire.fireTime().toEpochMilli()));
                        args.add(ttls.encode(fire.claimTtl().toMillis()));
                        args.add(NAMES.get(fire.schedule().overlap()));
                        args.add(SafeEncoder.encode(fire.runId()));
                        args.add(NAMES.get(run.type()));
                        args.add(timeouts.encode(run.timeoutSeconds()));
                        args.add(optional(run.taskName()));
                        args.add(optional(run.projectId()));
                        args.add(optional(run.resourceId()));
                        args.add(SafeEncoder.encode(fire.schedule().taskId()));
                    }
                }, (fire, reply, k) -> {
                    long kind = (Long) reply.get(2 * k);
                    // A created run is the one the fire asked for: its id need not be decoded again.
                    return kind == 1 ? new Claim(Claim.Kind.CREATED, fire.runId())
                            : claimOf(kind, text(reply.get(2 * k + 1)));
                }, e -> new Claim(Claim.Kind.ERROR, e.getMessage()), true);
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? SafeEncoder.encode(bytes) : String.valueOf(reply);
    }

    /** The last number encoded, kept: fires of one instant share their fire time and most their TTL. */
    private static final class Numbers {
        private long last;
        private byte[] lastBytes;

        byte[] encode(long value) {
            if (lastBytes == null || value != last) {
                last = value;
                lastBytes = Protocol.toByteArray(value);
            }
            return lastBytes;
        }
    }

    private static byte[] optional(String value) {
        return value == null ? NONE : SafeEncoder.encode(value);
    }

    private static Map<Enum<?>, byte[]> names(Enum<?>[]... constants) {
        Map<Enum<?>, byte[]> names = new HashMap<>();
        for (Enum<?>[] values : constants) {
            for (Enum<?> value : values) {
                names.put(value, SafeEncoder.encode(value.name()));
            }
        }
        return Map.copyOf(names);
    }

    private static Claim claimOf(long kind, String detail) {
        return switch ((int) kind) {
            case 1 -> new Claim(Claim.Kind.CREATED, detail);
            case 0 -> new Claim(Claim.Kind.ALREADY_CLAIMED, detail);
            case 2 -> new Claim(Claim.Kind.SKIPPED, detail);
            case 3 -> new Claim(Claim.Kind.BUSY, detail);
            case -1 -> new Claim(Claim.Kind.NO_TASK, detail);
            default -> new Claim(Claim.Kind.ERROR, detail);
        };
    }

    @Override
    public Optional<Instant> lastFireAt(String tenant, String taskId) {
        String value = redis.hget(new TenantKeys(tenant).task(taskId), "lastFireAt");
        return value == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(value)));
    }

    @Override
    public List<Optional<Instant>> lastFiresAt(List<ScheduleDefinition> schedules) {
        List<Response<String>> replies = new ArrayList<>(schedules.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (ScheduleDefinition schedule : schedules) {
                replies.add(pipeline.hget(new TenantKeys(schedule.tenant()).task(schedule.taskId()), "lastFireAt"));
            }
            pipeline.sync();
        }
        List<Optional<Instant>> last = new ArrayList<>(schedules.size());
        for (Response<String> reply : replies) {
            String value = reply.get();
            last.add(value == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(value))));
        }
        return last;
    }

    @Override
    public void recordMissed(String tenant, String taskId, long count, Instant latest) {
        recordPassed(tenant, taskId, "missedFires", "lastMissedFire", count, latest);
    }

    @Override
    public void recordSkipped(String tenant, String taskId, long count, Instant latest) {
        recordPassed(tenant, taskId, "skippedFires", "lastSkippedFire", count, latest);
    }

    private void recordPassed(String tenant, String taskId, String countField, String latestField, long count,
                              Instant latest) {
        PASSED.eval(redis, List.of(new TenantKeys(tenant).task(taskId)), List.of(countField, latestField,
                Long.toString(count), Long.toString(latest.toEpochMilli())));
    }

    /**
     * Takes runs whose jobs Kafka acknowledged (ids by tenant) out of their tenants' in-flight
     * indexes, in one round trip.
     */
    public void published(Map<String, List<String>> runIdsByTenant) {
        inFlight.published(runIdsByTenant);
    }

    /** Ends a run whose job could not be published as FAILED, if it is still QUEUED. */
    public void markUnqueued(String tenant, String runId, String reason, Instant now) {
        UNQUEUED.eval(redis, List.of(new TenantKeys(tenant).run(runId)),
                List.of("Not queued: " + reason, Long.toString(now.toEpochMilli())));
    }
}
