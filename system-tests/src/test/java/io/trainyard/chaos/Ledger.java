package io.trainyard.chaos;

import io.trainyard.common.store.TenantKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What became of a load's accepted submits, read from Redis once the runs ended: each 200's task
 * (with its name lock) and run must exist, the run must have COMPLETED, and the task must hold
 * exactly that one run. Runs that were executed although no client was told about them (a submit
 * answered 503 whose job reached Kafka after all) are ghosts.
 */
record Ledger(List<String> lost, List<String> duplicates, int reexecuted, List<String> ghosts, int rolledBack) {

    static Ledger of(UnifiedJedis redis, String tenant, List<SubmitLoad.Answer> accepted) {
        TenantKeys keys = new TenantKeys(tenant);
        List<String> lost = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        int reexecuted = 0;
        Set<String> known = new HashSet<>();
        for (SubmitLoad.Answer answer : accepted) {
            known.add(answer.runId());
            Map<String, String> task = redis.hgetAll(keys.task(answer.taskId()));
            Map<String, String> run = redis.hgetAll(keys.run(answer.runId()));
            String holder = redis.hget(keys.names(), answer.name());
            if (task.isEmpty() || !answer.taskId().equals(holder)) {
                lost.add(answer.name() + ": task record or name lock missing (task " + task + ", lock " + holder + ")");
            } else if (!"COMPLETED".equals(run.get("status"))) {
                lost.add(answer.name() + ": run " + answer.runId() + " is " + run);
            }
            List<String> runs = redis.lrange(keys.taskRuns(answer.taskId()), 0, -1);
            if (!runs.equals(List.of(answer.runId()))) {
                duplicates.add(answer.name() + ": runs " + runs);
            }
            if (Integer.parseInt(run.getOrDefault("epoch", "0")) > 1) {
                reexecuted++;
            }
        }
        List<String> ghosts = new ArrayList<>();
        int rolledBack = 0;
        for (String runId : runIds(redis, keys)) {
            Map<String, String> run = redis.hgetAll(keys.run(runId));
            // A rolled-back submit leaves its run CANCELLED; it is a ghost only if a worker started it.
            if (!known.contains(runId) && run.containsKey("executedAt")) {
                ghosts.add(runId + " " + run);
            } else if (!known.contains(runId)) {
                rolledBack++;
            }
        }
        return new Ledger(lost, duplicates, reexecuted, ghosts, rolledBack);
    }

    /** Every run record of the tenant; on a cluster, SCAN runs on the node of the tenant's slot. */
    static Set<String> runIds(UnifiedJedis redis, TenantKeys keys) {
        if (redis instanceof JedisCluster cluster) {
            try (Connection connection = cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(keys.names()))) {
                return runIds(new Jedis(connection), keys);
            }
        }
        return runIds((String cursor, ScanParams params) -> redis.scan(cursor, params), keys);
    }

    private static Set<String> runIds(Jedis node, TenantKeys keys) {
        return runIds((String cursor, ScanParams params) -> node.scan(cursor, params), keys);
    }

    private static Set<String> runIds(java.util.function.BiFunction<String, ScanParams, ScanResult<String>> scan,
                                      TenantKeys keys) {
        Set<String> ids = new HashSet<>();
        String prefix = keys.runPrefix();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = scan.apply(cursor, new ScanParams().match(prefix.replace("{", "\\{")
                    .replace("}", "\\}") + "*").count(1000));
            for (String key : page.getResult()) {
                String rest = key.substring(prefix.length());
                if (!rest.contains(":")) {
                    ids.add(rest);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return ids;
    }
}
