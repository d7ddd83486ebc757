package io.trainyard.ingress.internal.ui;

import io.trainyard.common.job.RunRecord;
import io.trainyard.common.store.TenantKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * The Tasks page's query: a tenant's tasks newest first, filtered, one page at a time by keyset
 * (the creation score and id of the last task shown), so page 1,000 costs what page 1 does. Each
 * batch of candidates is read in two pipelined round trips. A page reads at most
 * {@link #MAX_SCANNED} candidates: a filter that matches rarely answers with fewer rows and a
 * cursor to go on from, instead of reading the whole tenant in one request.
 */
final class TaskIndex {
    static final int PAGE_SIZE = 50;
    static final int MAX_SCANNED = 5_000;
    private static final int BATCH = 200;

    private final UnifiedJedis redis;

    TaskIndex(UnifiedJedis redis) {
        this.redis = redis;
    }

    TaskPage page(String tenant, TaskFilter filter, String cursor) {
        TenantKeys keys = new TenantKeys(tenant);
        double maxScore = Double.POSITIVE_INFINITY;
        String afterId = null;
        if (cursor != null && cursor.contains(":")) {
            int colon = cursor.indexOf(':');
            try {
                maxScore = Double.parseDouble(cursor.substring(0, colon));
                afterId = cursor.substring(colon + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a cursor of the Tasks page: " + cursor);
            }
        }
        List<TaskRow> rows = new ArrayList<>();
        int scanned = 0;
        int tieOffset = 0;
        String lastScore = null;
        String lastId = null;
        while (rows.size() < PAGE_SIZE && scanned < MAX_SCANNED) {
            List<Tuple> batch = redis.zrevrangeByScoreWithScores(keys.tasks(), maxScore, Double.NEGATIVE_INFINITY,
                    tieOffset, BATCH);
            if (batch.isEmpty()) {
                return new TaskPage(rows, null, redis.zcard(keys.tasks()), scanned);
            }
            List<Tuple> fresh = new ArrayList<>();
            for (Tuple t : batch) {
                // Same score as the cursor: REV order lists those ids descending; skip up to the cursor's.
                if (afterId != null && t.getScore() == maxScore && t.getElement().compareTo(afterId) >= 0) {
                    continue;
                }
                fresh.add(t);
            }
            if (fresh.isEmpty()) {
                tieOffset += batch.size();
                continue;
            }
            for (Loaded loaded : load(keys, fresh)) {
                scanned++;
                lastScore = formatScore(loaded.score());
                lastId = loaded.row().id();
                if (filter.test(loaded.row(), loaded.projectId())) {
                    rows.add(loaded.row());
                    if (rows.size() == PAGE_SIZE) {
                        break;
                    }
                }
            }
            Tuple last = fresh.get(fresh.size() - 1);
            maxScore = last.getScore();
            afterId = lastId != null && rows.size() == PAGE_SIZE ? lastId : last.getElement();
            tieOffset = 0;
        }
        return new TaskPage(rows, lastScore + ":" + lastId, redis.zcard(keys.tasks()), scanned);
    }

    private record Loaded(TaskRow row, String projectId, double score) {}

    private List<Loaded> load(TenantKeys keys, List<Tuple> ids) {
        List<Response<Map<String, String>>> tasks = new ArrayList<>();
        List<Response<String>> latest = new ArrayList<>();
        List<Response<Long>> counts = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (Tuple t : ids) {
                tasks.add(p.hgetAll(keys.task(t.getElement())));
                latest.add(p.lindex(keys.taskRuns(t.getElement()), -1));
                counts.add(p.llen(keys.taskRuns(t.getElement())));
            }
            p.sync();
        }
        List<Response<String>> statuses = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (Response<String> runId : latest) {
                statuses.add(runId.get() == null ? null : p.hget(keys.run(runId.get()), RunRecord.STATUS));
            }
            p.sync();
        }
        List<Loaded> loaded = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> task = tasks.get(i).get();
            if (task.isEmpty()) {
                continue; // removed between the index read and this one
            }
            String status = statuses.get(i) == null ? null : statuses.get(i).get();
            loaded.add(new Loaded(TaskRow.of(task, status, counts.get(i).get()), task.get("projectID"),
                    ids.get(i).getScore()));
        }
        return loaded;
    }

    private static String formatScore(double score) {
        return Long.toString((long) score);
    }
}
