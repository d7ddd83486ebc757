package io.trainyard.chaos;

import static org.awaitility.Awaitility.await;

import io.trainyard.common.job.RunStatus;
import io.trainyard.common.store.TenantKeys;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** Reads run records straight from Redis: what the workers wrote, without the ingress in between. */
final class Runs {
    /** The longest {@link #awaitEnded} waits, however steadily runs end. */
    private static final Duration LONGEST_DRAIN = Duration.ofMinutes(3);

    private final UnifiedJedis redis;
    private final TenantKeys keys;

    Runs(UnifiedJedis redis, String tenant) {
        this.redis = redis;
        this.keys = new TenantKeys(tenant);
    }

    Map<String, String> run(String runId) {
        return redis.hgetAll(keys.run(runId));
    }

    Map<String, String> output(String runId) {
        return redis.hgetAll(keys.runOutput(runId));
    }

    static boolean ended(Map<String, String> run) {
        String status = run.get("status");
        return status != null && RunStatus.valueOf(status).isTerminal();
    }

    /** Runs among {@code runIds} that have not reached a terminal status (Redis errors count as not ended). */
    List<String> notEnded(Collection<String> runIds) {
        return runIds.stream().filter(id -> {
            try {
                return !ended(run(id));
            } catch (JedisException e) {
                return true;
            }
        }).toList();
    }

    /**
     * Waits until every run ended, or no run ended for {@code stalled}; never fails: the caller
     * counts what did not end as lost and prints its figures before it asserts.
     */
    void awaitEnded(Collection<String> runIds, Duration stalled) {
        // A backlog a busy box drains slowly is not a stuck run: wait while runs keep ending, and
        // give up once none ended for `stalled` (or after LONGEST_DRAIN in all).
        long[] lastProgress = {System.nanoTime(), Long.MAX_VALUE};
        try {
            await().atMost(LONGEST_DRAIN).pollInterval(Duration.ofMillis(250)).until(() -> {
                int open = notEnded(runIds).size();
                if (open < lastProgress[1]) {
                    lastProgress[0] = System.nanoTime();
                    lastProgress[1] = open;
                }
                return open == 0 || System.nanoTime() - lastProgress[0] > stalled.toNanos();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Reported by the caller.
        }
    }

    /** The statuses of {@code runIds}, counted. */
    Map<String, Integer> statusCounts(Collection<String> runIds) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String id : runIds) {
            counts.merge(run(id).getOrDefault("status", "MISSING"), 1, Integer::sum);
        }
        return counts;
    }
}
