package io.trainyard.bench;

import io.trainyard.common.store.TenantKeys;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Reads run records back from Redis once a workload is over (never while workers are being
 * measured): status and the times the workers wrote, pipelined in chunks.
 */
final class RunRecords {
    private static final int CHUNK = 2_000;

    /** One run as Redis holds it; times are epoch milliseconds, -1 when absent. */
    record Run(String id, String status, long queuedAt, long executedAt, long completedAt, long fireTime) {}

    /** A summary of many runs. */
    record Summary(long completed, long missing, long firstQueued, long lastCompleted) {}

    private RunRecords() {}

    static List<Run> read(JedisPooled redis, String tenant, List<String> runIds) {
        TenantKeys keys = new TenantKeys(tenant);
        List<Run> runs = new ArrayList<>(runIds.size());
        for (int from = 0; from < runIds.size(); from += CHUNK) {
            List<String> chunk = runIds.subList(from, Math.min(runIds.size(), from + CHUNK));
            List<Response<List<String>>> replies = new ArrayList<>(chunk.size());
            try (Pipeline p = redis.pipelined()) {
                for (String id : chunk) {
                    replies.add(p.hmget(keys.run(id), "status", "queuedAt", "executedAt", "completedAt", "fireTime"));
                }
                p.sync();
            }
            for (int i = 0; i < chunk.size(); i++) {
                List<String> f = replies.get(i).get();
                runs.add(new Run(chunk.get(i), f.get(0), number(f.get(1)), number(f.get(2)), number(f.get(3)),
                        number(f.get(4))));
            }
        }
        return runs;
    }

    static Summary summarize(List<Run> runs) {
        long completed = 0;
        long missing = 0;
        long firstQueued = Long.MAX_VALUE;
        long lastCompleted = -1;
        for (Run run : runs) {
            if (run.status() == null) {
                missing++;
                continue;
            }
            if (run.queuedAt() > 0) {
                firstQueued = Math.min(firstQueued, run.queuedAt());
            }
            if ("COMPLETED".equals(run.status())) {
                completed++;
                lastCompleted = Math.max(lastCompleted, run.completedAt());
            }
        }
        return new Summary(completed, missing, firstQueued == Long.MAX_VALUE ? -1 : firstQueued, lastCompleted);
    }

    /**
     * Bytes Redis spends on one finished run: {@code MEMORY USAGE} of its record and of its
     * output hash, averaged over up to {@code sample} runs spread over the list.
     */
    static double bytesPerRun(JedisPooled redis, String tenant, List<String> runIds, int sample) {
        if (runIds.isEmpty()) {
            return -1;
        }
        TenantKeys keys = new TenantKeys(tenant);
        int n = Math.min(sample, runIds.size());
        long total = 0;
        for (int i = 0; i < n; i++) {
            String id = runIds.get((int) ((long) i * runIds.size() / n));
            total += usage(redis, keys.run(id)) + usage(redis, keys.runOutput(id));
        }
        return (double) total / n;
    }

    /** Seconds until a run's record expires: -1 when it never does, -2 when it is gone. */
    static long ttlSeconds(JedisPooled redis, String tenant, String runId) {
        return redis.ttl(new TenantKeys(tenant).run(runId));
    }

    private static long usage(JedisPooled redis, String key) {
        Long bytes = redis.memoryUsage(key, 0);
        return bytes == null ? 0 : bytes;
    }

    private static long number(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
