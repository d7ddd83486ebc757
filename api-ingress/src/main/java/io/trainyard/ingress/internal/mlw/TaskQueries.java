package io.trainyard.ingress.internal.mlw;

import io.trainyard.common.job.RunRecord;
import io.trainyard.common.resource.ResourceFiles;
import io.trainyard.common.store.SlotTransaction;
import io.trainyard.common.store.TenantKeys;
import io.trainyard.ingress.TaskStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import redis.clients.jedis.UnifiedJedis;

/** Reads, lists and removes a tenant's tasks and runs, as the MLW task endpoints need them. */
final class TaskQueries {
    /** How long a removed task's runs keep their records, so late workers find them cancelled. */
    static final long REMOVED_RUN_TTL_SECONDS = TaskStore.REMOVED_RUN_TTL_SECONDS;

    /**
     * A task with its runs, oldest run first, and how many of the runs it lists have expired
     * (ended longer ago than the retention window, {@code TRAINYARD_RUN_RETENTION_SECONDS}).
     */
    record Loaded(Map<String, String> task, List<Map<String, String>> runs, int expiredRuns) {}

    /** One page of tasks and how many matched in all. */
    record Page(List<Loaded> tasks, long total) {}

    /** Filters of {@code GET /tasks}; null means "any". */
    record Filter(String status, String type, String projectId) {
        boolean test(Loaded t) {
            if (type != null && !type.equalsIgnoreCase(t.task().get("type"))) {
                return false;
            }
            if (projectId != null && !projectId.equals(t.task().get("projectID"))) {
                return false;
            }
            if (status == null) {
                return true;
            }
            String wanted = status.toUpperCase(Locale.ROOT).replace('_', ' ');
            if (wanted.equals(TaskStatus.of(t.task(), t.runs(), t.expiredRuns()))) {
                return true;
            }
            // Also match the latest run's status (COMPLETED, FAILED, ...).
            return !t.runs().isEmpty()
                    && status.equalsIgnoreCase(t.runs().get(t.runs().size() - 1).get("status"));
        }
    }

    private final TaskStore store;
    private final UnifiedJedis redis;

    TaskQueries(TaskStore store, UnifiedJedis redis) {
        this.store = store;
        this.redis = redis;
    }

    Optional<Loaded> find(String tenant, String taskId) {
        if (!ResourceFiles.isSafeId(taskId)) {
            return Optional.empty();
        }
        return store.task(tenant, taskId).map(task -> load(tenant, task));
    }

    /** The same task with its runs read again (after they were cancelled, say). */
    Loaded reread(String tenant, Loaded loaded) {
        List<Map<String, String>> runs = new ArrayList<>(loaded.runs().size());
        for (Map<String, String> run : loaded.runs()) {
            runs.add(store.run(tenant, run.get(RunRecord.ID)).orElse(run));
        }
        return new Loaded(loaded.task(), runs, loaded.expiredRuns());
    }

    private Loaded load(String tenant, Map<String, String> task) {
        List<String> ids = store.runIds(tenant, task.get("id"));
        List<Map<String, String>> runs = new ArrayList<>(ids.size());
        for (String runId : ids) {
            store.run(tenant, runId).ifPresent(runs::add);
        }
        return new Loaded(task, runs, ids.size() - runs.size());
    }

    Map<String, String> output(String tenant, String runId) {
        return store.output(tenant, runId);
    }

    /** The run, if it exists and belongs to {@code taskId}. */
    Optional<Map<String, String>> run(String tenant, String taskId, String runId) {
        if (!ResourceFiles.isSafeId(runId)) {
            return Optional.empty();
        }
        return store.run(tenant, runId).filter(run -> taskId.equals(run.get(RunRecord.TASK_ID)));
    }

    Page list(String tenant, Filter filter, int pageSize, int currentPage) {
        long total = store.taskCount(tenant);
        List<Loaded> matched = new ArrayList<>();
        long skip = (long) (currentPage - 1) * pageSize;
        long count = 0;
        Predicate<Loaded> wanted = filter::test;
        for (String id : store.taskIds(tenant, 0, Math.max(total, 1))) {
            Optional<Loaded> loaded = find(tenant, id);
            if (loaded.isEmpty() || !wanted.test(loaded.get())) {
                continue;
            }
            if (count >= skip && matched.size() < pageSize) {
                matched.add(loaded.get());
            }
            count++;
        }
        return new Page(matched, count);
    }

    /** Stops every run of a task, removes it and frees its name. False when there is no such task. */
    boolean delete(String tenant, String taskId, long nowMillis) {
        return store.delete(tenant, taskId, nowMillis);
    }

    /** Stops a run and removes it from its task; its record expires later, for late workers. */
    Map<String, String> deleteRun(String tenant, String taskId, String runId, long nowMillis) {
        store.cancelRun(tenant, runId, nowMillis);
        TenantKeys keys = new TenantKeys(tenant);
        try (var tx = SlotTransaction.on(redis, keys.taskRuns(taskId))) {
            tx.lrem(keys.taskRuns(taskId), 0, runId);
            tx.expire(keys.run(runId), REMOVED_RUN_TTL_SECONDS);
            tx.expire(keys.runOutput(runId), REMOVED_RUN_TTL_SECONDS);
            tx.exec();
        }
        return store.run(tenant, runId).orElse(Map.of("id", runId, "tasksID", taskId, "status", "CANCELLED"));
    }

    /** True when a task of the project has a queued or running run. */
    boolean projectBusy(String tenant, String projectId) {
        long total = store.taskCount(tenant);
        for (String id : store.taskIds(tenant, 0, Math.max(total, 1))) {
            Optional<Loaded> loaded = find(tenant, id);
            if (loaded.isPresent() && projectId.equals(loaded.get().task().get("projectID"))
                    && TaskStatus.isActive(loaded.get().runs())) {
                return true;
            }
        }
        return false;
    }
}
