package io.trainyard.ingress.internal.ui;

import io.trainyard.common.job.RunRecord;
import io.trainyard.common.store.TenantKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Computes the {@link Overview} of a tenant from the runs of the tasks it submitted in the last
 * hour (at most {@link #MAX_TASKS} of them, newest first, two pipelined round trips), and counts
 * the tenant's waiting dead letters.
 */
final class OverviewStats {
    static final int MAX_TASKS = 5_000;
    private static final int MINUTES = 60;
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final String[] FIELDS = {RunRecord.STATUS, RunRecord.QUEUED_AT, RunRecord.EXECUTED_AT,
            RunRecord.COMPLETED_AT, RunRecord.WORKER_ID};

    /** How long a tenant's dead-letter count is shown before it is counted again. */
    static final Duration DEAD_LETTERS_FRESH = Duration.ofSeconds(15);

    private final UnifiedJedis redis;
    private final ToIntFunction<String> waitingDeadLetters;
    private final InstantSource clock;
    private final Map<String, Counted> deadLetterCounts = new ConcurrentHashMap<>();

    /** {@code waitingDeadLetters}: how many of a tenant's dead letters wait (neither redriven nor discarded). */
    OverviewStats(UnifiedJedis redis, ToIntFunction<String> waitingDeadLetters, InstantSource clock) {
        this.redis = redis;
        this.waitingDeadLetters = waitingDeadLetters;
        this.clock = clock;
    }

    Overview of(String tenant) {
        TenantKeys keys = new TenantKeys(tenant);
        long now = clock.millis();
        long from = (now / 60_000 - (MINUTES - 1)) * 60_000;
        List<String> taskIds = redis.zrevrangeByScore(keys.tasks(), Double.POSITIVE_INFINITY, from, 0, MAX_TASKS);
        List<Response<List<String>>> runLists = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            taskIds.forEach(id -> runLists.add(p.lrange(keys.taskRuns(id), 0, -1)));
            p.sync();
        }
        List<Response<List<String>>> runs = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            runLists.forEach(list -> list.get().forEach(runId -> runs.add(p.hmget(keys.run(runId), FIELDS))));
            p.sync();
        }
        int[] queued = new int[MINUTES];
        int[] started = new int[MINUTES];
        int[] finished = new int[MINUTES];
        int[] failed = new int[MINUTES];
        int queuedNow = 0;
        int runningNow = 0;
        Map<String, Integer> busy = new TreeMap<>();
        for (Response<List<String>> response : runs) {
            List<String> run = response.get();
            String status = run.get(0);
            if (status == null) {
                continue;
            }
            count(queued, run.get(1), from);
            count(started, run.get(2), from);
            if ("COMPLETED".equals(status)) {
                count(finished, run.get(3), from);
            } else if ("FAILED".equals(status)) {
                count(failed, run.get(3), from);
            } else if ("QUEUED".equals(status)) {
                queuedNow++;
            } else if ("RUNNING".equals(status)) {
                runningNow++;
                busy.merge(run.get(4) == null ? "?" : run.get(4), 1, Integer::sum);
            }
        }
        List<String> minutes = new ArrayList<>(MINUTES);
        for (int i = 0; i < MINUTES; i++) {
            minutes.add(HH_MM.format(Instant.ofEpochMilli(from + i * 60_000L)));
        }
        return new Overview(minutes, queued, started, finished, failed, queuedNow, runningNow, busy, deadLetters(tenant),
                taskIds.size(), taskIds.size() == MAX_TASKS, Times.instant(Instant.ofEpochMilli(now)));
    }

    private static void count(int[] buckets, String millis, long from) {
        if (millis == null || millis.isBlank()) {
            return;
        }
        try {
            long at = Long.parseLong(millis);
            int minute = (int) ((at - from) / 60_000);
            if (at >= from && minute < buckets.length) {
                buckets[minute]++;
            }
        } catch (NumberFormatException e) {
            // not a time: nothing to count
        }
    }

    /**
     * The tenant's dead letters still waiting for a redrive or a discard, counted at most every
     * {@link #DEAD_LETTERS_FRESH} (each count reads the dead-letter topic), or a word when the count
     * cannot be had. Only the tenant's own: the topic holds every tenant's records.
     */
    private String deadLetters(String tenant) {
        long now = System.nanoTime();
        Counted counted = deadLetterCounts.get(tenant);
        if (counted != null && now - counted.atNanos() < DEAD_LETTERS_FRESH.toNanos()) {
            return counted.text();
        }
        String text;
        try {
            text = Integer.toString(waitingDeadLetters.applyAsInt(tenant));
        } catch (RuntimeException e) {
            text = "unknown (" + e.getMessage() + ")";
        }
        deadLetterCounts.put(tenant, new Counted(text, now));
        return text;
    }

    private record Counted(String text, long atNanos) {}
}
