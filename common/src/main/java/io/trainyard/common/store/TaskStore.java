package io.trainyard.common.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Tasks and their runs as the ingress sees them: submit (name lock and records in one atomic
 * step), undo a submit, read, list and cancel.
 */
public final class TaskStore {
    private static final LuaScript SUBMIT = LuaScript.load("submit");
    private static final LuaScript UNSUBMIT = LuaScript.load("unsubmit");
    private static final LuaScript CANCEL = LuaScript.load("cancel");

    /** How long the ended runs of a rolled-back submit stay: as long as Kafka keeps a record by default. */
    public static final long ROLLED_BACK_RUN_TTL_SECONDS = 7 * 24 * 3600;

    private final UnifiedJedis redis;

    public TaskStore(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** Outcome of a submit: created, or the name already belongs to {@code holderTaskId}. */
    public record Submitted(boolean created, String holderTaskId) {}

    /**
     * Reserves {@code name} for the tenant and writes the task and (when {@code run} is not null)
     * its first run, atomically. {@code task} and {@code run} must carry an {@code id} field.
     */
    public Submitted submit(String tenant, String name, long sortScore, Map<String, String> task,
                            Map<String, String> run) {
        TenantKeys keys = new TenantKeys(tenant);
        String taskId = task.get("id");
        List<String> args = new ArrayList<>();
        args.add(name);
        args.add(taskId);
        args.add(Long.toString(sortScore));
        args.add(Integer.toString(task.size()));
        task.forEach((k, v) -> { args.add(k); args.add(v); });
        if (run != null) {
            run.forEach((k, v) -> { args.add(k); args.add(v); });
        }
        List<?> reply = (List<?>) SUBMIT.eval(redis,
                List.of(keys.names(), keys.task(taskId), keys.tasks(), keys.taskRuns(taskId),
                        run == null ? "" : keys.run(run.get("id"))),
                args);
        return new Submitted(((Long) reply.get(0)) == 1L, (String) reply.get(1));
    }

    /**
     * Undoes a submit whose job Kafka did not acknowledge: frees the name and removes the task.
     * Its runs are not deleted but end CANCELLED (expiring after {@link #ROLLED_BACK_RUN_TTL_SECONDS}),
     * because an unacknowledged record may have reached the log after all: a worker that receives
     * it then skips the ended run instead of recreating and running it.
     */
    public void unsubmit(String tenant, String name, String taskId) {
        TenantKeys keys = new TenantKeys(tenant);
        UNSUBMIT.eval(redis,
                List.of(keys.names(), keys.task(taskId), keys.tasks(), keys.taskRuns(taskId)),
                List.of(name, taskId, keys.runPrefix(), Long.toString(ROLLED_BACK_RUN_TTL_SECONDS)));
    }

    /** Adds a run to an existing task (a scheduled fire, a re-run). */
    public void addRun(String tenant, String taskId, Map<String, String> run) {
        TenantKeys keys = new TenantKeys(tenant);
        try (var tx = redis.multi()) {
            tx.hset(keys.run(run.get("id")), run);
            tx.rpush(keys.taskRuns(taskId), run.get("id"));
            tx.exec();
        }
    }

    public Optional<Map<String, String>> task(String tenant, String taskId) {
        Map<String, String> task = redis.hgetAll(new TenantKeys(tenant).task(taskId));
        return task.isEmpty() ? Optional.empty() : Optional.of(task);
    }

    public List<String> runIds(String tenant, String taskId) {
        return redis.lrange(new TenantKeys(tenant).taskRuns(taskId), 0, -1);
    }

    public Optional<Map<String, String>> run(String tenant, String runId) {
        Map<String, String> run = redis.hgetAll(new TenantKeys(tenant).run(runId));
        return run.isEmpty() ? Optional.empty() : Optional.of(run);
    }

    /** The captured stdout/stderr of a run (empty map while nothing was captured). */
    public Map<String, String> output(String tenant, String runId) {
        return new LinkedHashMap<>(redis.hgetAll(new TenantKeys(tenant).runOutput(runId)));
    }

    /** Task ids of a tenant, newest first, one page. */
    public List<String> taskIds(String tenant, long offset, long count) {
        return redis.zrevrange(new TenantKeys(tenant).tasks(), offset, offset + count - 1);
    }

    public long taskCount(String tenant) {
        return redis.zcard(new TenantKeys(tenant).tasks());
    }

    /**
     * Requests cancellation of a run and tells every worker. Returns the run's status after the
     * request, or empty when the run does not exist.
     */
    public Optional<String> cancelRun(String tenant, String runId, long nowMillis) {
        Object status = CANCEL.eval(redis, List.of(new TenantKeys(tenant).run(runId)),
                List.of(Long.toString(nowMillis)));
        if (status == null) {
            return Optional.empty();
        }
        redis.publish(TenantKeys.CANCEL_CHANNEL, tenant + "/" + runId);
        return Optional.of((String) status);
    }
}
