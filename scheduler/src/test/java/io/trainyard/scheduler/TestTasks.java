package io.trainyard.scheduler;

import io.trainyard.ingress.TaskStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.UnifiedJedis;

/** Scheduled tasks in Redis as the ingress writes them, and their runs read back. */
public final class TestTasks {
    private final TaskStore store;

    public TestTasks(UnifiedJedis redis) {
        this.store = new TaskStore(redis);
    }

    public void create(String tenant, String taskId, String name, String cron, Instant now) {
        Map<String, String> task = new HashMap<>(Map.of("id", taskId, "name", name, "tenant", tenant,
                "type", "NOOP", "recurrence", "REPEAT", "cronExpression", cron, "timeZone", "UTC",
                "status", "SCHEDULED", "createdAt", Long.toString(now.toEpochMilli())));
        if (!store.submit(tenant, name, now.getEpochSecond(), task, null).created()) {
            throw new IllegalStateException("task name taken: " + name);
        }
    }

    public List<Map<String, String>> runs(String tenant, String taskId) {
        return store.runIds(tenant, taskId).stream()
                .map(id -> store.run(tenant, id).orElseThrow())
                .toList();
    }

    /** How many runs each fire time (epoch ms) of the task has. */
    public TreeMap<Long, Integer> runsPerFireTime(String tenant, String taskId) {
        TreeMap<Long, Integer> counts = new TreeMap<>();
        for (Map<String, String> run : runs(tenant, taskId)) {
            counts.merge(Long.parseLong(run.get("fireTime")), 1, Integer::sum);
        }
        return counts;
    }

    public Map<String, String> task(String tenant, String taskId) {
        return store.task(tenant, taskId).orElseThrow();
    }
}
