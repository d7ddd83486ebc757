package io.trainyard.scheduler.fire;

import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

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

    private final UnifiedJedis redis;

    public FireLedger(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** The result of claiming a fire. */
    public record Claim(Kind kind, String detail) {
        public enum Kind { CREATED, ALREADY_CLAIMED, SKIPPED, BUSY, NO_TASK }
    }

    /** The claim key of one fire: it lives next to the task, so it shares the tenant's slot. */
    public static String claimKey(String tenant, String taskId, Instant fireTime) {
        return new TenantKeys(tenant).task(taskId) + ":fire:" + fireTime.toEpochMilli();
    }

    /**
     * Claims a fire and, unless the overlap policy stops it, creates the run {@code run} (which
     * carries its {@code id}) under the task, atomically. The claim expires after {@code claimTtl}.
     */
    public Claim claim(ScheduleDefinition schedule, Instant fireTime, Map<String, String> run, Duration claimTtl) {
        TenantKeys keys = new TenantKeys(schedule.tenant());
        String runId = run.get("id");
        List<String> args = new ArrayList<>(List.of(Long.toString(fireTime.toEpochMilli()),
                Long.toString(claimTtl.toMillis()), schedule.overlap().name(), keys.runPrefix(),
                Integer.toString(RUNS_INSPECTED), runId));
        run.forEach((k, v) -> { args.add(k); args.add(v); });
        List<?> reply = (List<?>) FIRE.eval(redis, List.of(keys.task(schedule.taskId()),
                claimKey(schedule.tenant(), schedule.taskId(), fireTime), keys.taskRuns(schedule.taskId()),
                keys.run(runId)), args);
        String detail = (String) reply.get(1);
        Claim.Kind kind = switch (((Long) reply.get(0)).intValue()) {
            case 1 -> Claim.Kind.CREATED;
            case 0 -> Claim.Kind.ALREADY_CLAIMED;
            case 2 -> Claim.Kind.SKIPPED;
            case 3 -> Claim.Kind.BUSY;
            default -> Claim.Kind.NO_TASK;
        };
        return new Claim(kind, detail);
    }

    @Override
    public Optional<Instant> lastFireAt(String tenant, String taskId) {
        String value = redis.hget(new TenantKeys(tenant).task(taskId), "lastFireAt");
        return value == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(value)));
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

    /** Ends a run whose job could not be published as FAILED, if it is still QUEUED. */
    public void markUnqueued(String tenant, String runId, String reason, Instant now) {
        UNQUEUED.eval(redis, List.of(new TenantKeys(tenant).run(runId)),
                List.of("Not queued: " + reason, Long.toString(now.toEpochMilli())));
    }
}
