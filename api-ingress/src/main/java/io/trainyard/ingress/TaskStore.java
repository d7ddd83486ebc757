package io.trainyard.ingress;

import io.trainyard.common.job.RunRecord;
import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.ReplicaWait;
import io.trainyard.common.store.SlotTransaction;
import io.trainyard.common.store.TenantKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Tasks and their runs as the ingress sees them: submit (name lock and records in one atomic
 * step), undo a submit, read, list, cancel and delete.
 */
public final class TaskStore {
    private static final LuaScript SUBMIT = LuaScript.load("submit");
    private static final LuaScript UNSUBMIT = LuaScript.load("unsubmit");
    private static final LuaScript CANCEL = LuaScript.load("cancel");
    private static final LuaScript DELETE = LuaScript.load("mlw_task_delete");
    /** How long a removed task's runs keep their records, so late workers find them cancelled. */
    public static final long REMOVED_RUN_TTL_SECONDS = 7 * 24 * 3600;

    /** How long the ended runs of a rolled-back submit stay: as long as Kafka keeps a record by default. */
    public static final long ROLLED_BACK_RUN_TTL_SECONDS = 7 * 24 * 3600;

    private final UnifiedJedis redis;
    private final ReplicaWait wait;

    public TaskStore(UnifiedJedis redis) {
        this(redis, ReplicaWait.NONE);
    }

    /** A store whose submits wait for {@code wait}'s replicas before they count as done. */
    public TaskStore(UnifiedJedis redis, ReplicaWait wait) {
        this.redis = redis;
        this.wait = wait;
    }

    /** Outcome of a submit: created, or the name already belongs to {@code holderTaskId}. */
    public record Submitted(boolean created, String holderTaskId) {}

    /**
     * Reserves {@code name} for the tenant and writes the task and (when {@code run} is not null)
     * its first run, atomically. {@code task} and {@code run} must carry an {@code id} field. A
     * task of a resource ({@code resourceID}) becomes that resource's {@link #latestTask}. With a
     * {@link ReplicaWait}, a submit its replicas did not confirm is undone and fails with
     * {@link ReplicaWait.ShortOfReplicas}.
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
        List<String> scriptKeys = List.of(keys.names(), keys.task(taskId), keys.tasks(), keys.taskRuns(taskId),
                run == null ? keys.names() : keys.run(run.get(RunRecord.ID)), resourceKey(keys, task));
        if (!wait.enabled()) {
            List<?> reply = (List<?>) SUBMIT.eval(redis, scriptKeys, args);
            return new Submitted(((Long) reply.get(0)) == 1L, (String) reply.get(1));
        }
        LuaScript.Waited waited = SUBMIT.evalAndWait(redis, scriptKeys, args, wait);
        List<?> reply = (List<?>) waited.reply();
        Submitted submitted = new Submitted(((Long) reply.get(0)) == 1L, (String) reply.get(1));
        if (submitted.created() && waited.confirmed() < wait.replicas()) {
            unsubmit(tenant, name, taskId);
            throw new ReplicaWait.ShortOfReplicas(waited.confirmed(), wait);
        }
        return submitted;
    }

    /** The latest task submitted for a resource, in any dialect; it may have been deleted since. */
    public Optional<String> latestTask(String tenant, String resourceId) {
        return Optional.ofNullable(redis.get(new TenantKeys(tenant).resourceLatestTask(resourceId)));
    }

    private static String resourceKey(TenantKeys keys, Map<String, String> task) {
        String resourceId = task.get("resourceID");
        return resourceId == null || resourceId.isEmpty() ? keys.names() : keys.resourceLatestTask(resourceId);
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
        try (var tx = SlotTransaction.on(redis, keys.taskRuns(taskId))) {
            tx.hset(keys.run(run.get(RunRecord.ID)), run);
            tx.rpush(keys.taskRuns(taskId), run.get(RunRecord.ID));
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

    /** Stops every run of a task, removes it and frees its name. False when there is no such task. */
    public boolean delete(String tenant, String taskId, long nowMillis) {
        for (String runId : runIds(tenant, taskId)) {
            cancelRun(tenant, runId, nowMillis);
        }
        TenantKeys keys = new TenantKeys(tenant);
        Object reply = DELETE.eval(redis, List.of(keys.names(), keys.task(taskId), keys.tasks(), keys.taskRuns(taskId)),
                List.of(taskId, keys.runPrefix(), Long.toString(REMOVED_RUN_TTL_SECONDS)));
        return ((Long) reply) == 1L;
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
