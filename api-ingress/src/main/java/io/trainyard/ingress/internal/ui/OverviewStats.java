package io.trainyard.ingress.internal.ui;

import io.trainyard.common.job.RunRecord;
import io.trainyard.common.kafka.Topics;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Computes the {@link Overview} of a tenant from the runs of the tasks it submitted in the last
 * hour (at most {@link #MAX_TASKS} of them, newest first, two pipelined round trips), and counts
 * the dead letters from the DLQ topic's offsets.
 */
final class OverviewStats {
    static final int MAX_TASKS = 5_000;
    private static final int MINUTES = 60;
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final String[] FIELDS = {RunRecord.STATUS, RunRecord.QUEUED_AT, RunRecord.EXECUTED_AT,
            RunRecord.COMPLETED_AT, RunRecord.WORKER_ID};

    private final UnifiedJedis redis;
    private final Admin admin;
    private final InstantSource clock;

    OverviewStats(UnifiedJedis redis, Admin admin, InstantSource clock) {
        this.redis = redis;
        this.admin = admin;
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
        return new Overview(minutes, queued, started, finished, failed, queuedNow, runningNow, busy, deadLetters(),
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

    /** Records in the DLQ topic (end minus start offsets), or a word when Kafka does not answer soon. */
    private String deadLetters() {
        try {
            TopicDescription topic = admin.describeTopics(List.of(Topics.DLQ)).allTopicNames()
                    .get(2, TimeUnit.SECONDS).get(Topics.DLQ);
            Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            topic.partitions().forEach(p -> {
                earliest.put(new TopicPartition(Topics.DLQ, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(Topics.DLQ, p.partition()), OffsetSpec.latest());
            });
            var start = admin.listOffsets(earliest).all().get(2, TimeUnit.SECONDS);
            var end = admin.listOffsets(latest).all().get(2, TimeUnit.SECONDS);
            long total = 0;
            for (var e : end.entrySet()) {
                total += e.getValue().offset() - start.get(e.getKey()).offset();
            }
            return Long.toString(total);
        } catch (Exception e) {
            return "unknown (Kafka did not answer within " + Duration.ofSeconds(2).toSeconds() + " s)";
        }
    }
}
