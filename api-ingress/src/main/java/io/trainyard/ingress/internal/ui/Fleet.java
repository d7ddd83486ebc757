package io.trainyard.ingress.internal.ui;

import io.trainyard.common.job.RunRecord;
import io.trainyard.common.ops.BeatFields;
import io.trainyard.common.ops.Heartbeat;
import io.trainyard.common.store.TenantKeys;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * Reads the processes' {@link Heartbeat}s: every worker and scheduler instance that beat in the
 * last {@link Heartbeat#FORGET}, live or gone, and the canary's last run. Two round trips.
 */
public final class Fleet {
    /** At most this many of a kind are listed (the most recent beats). */
    static final int MAX_LISTED = 500;

    /** A process as its last beat described it; {@code gone} when its beat expired. */
    public record Member(String id, long beatAt, boolean gone, Map<String, String> fields, long now) {
        public String field(String name) {
            return fields.getOrDefault(name, "");
        }

        public int slots() {
            return number(BeatFields.SLOTS);
        }

        public int busy() {
            return number(BeatFields.BUSY);
        }

        public int free() {
            return Math.max(0, slots() - busy());
        }

        public String lastBeat() {
            return Times.epoch(beatAt) + " (" + Math.max(0, (now - beatAt) / 1000) + " s ago)";
        }

        public String startedAt() {
            return Times.millis(field(BeatFields.STARTED_AT));
        }

        private int number(String name) {
            try {
                return Integer.parseInt(field(name));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    /** The canary's last run: when it was queued, by which scheduler, and how it went (status, worker). */
    public record Canary(String runId, String queuedAt, String scheduler, String status, String worker, String endedAt) {}

    /** Workers, scheduler instances, the canary (null when it has not beaten in the last hour). */
    public record View(List<Member> workers, List<Member> schedulers, Canary canary) {
        public long workersLive() {
            return workers.stream().filter(m -> !m.gone()).count();
        }
    }

    private final UnifiedJedis redis;
    private final InstantSource clock;

    Fleet(UnifiedJedis redis, InstantSource clock) {
        this.redis = redis;
        this.clock = clock;
    }

    View read() {
        long now = clock.millis();
        List<Tuple> workerIds;
        List<Tuple> schedulerIds;
        Response<Map<String, String>> canary;
        try (AbstractPipeline p = redis.pipelined()) {
            Response<List<Tuple>> w = p.zrevrangeWithScores(Heartbeat.Kind.WORKER.index(), 0, MAX_LISTED - 1);
            Response<List<Tuple>> s = p.zrevrangeWithScores(Heartbeat.Kind.SCHEDULER.index(), 0, MAX_LISTED - 1);
            canary = p.hgetAll(Heartbeat.CANARY_LAST);
            p.sync();
            workerIds = w.get();
            schedulerIds = s.get();
        }
        List<Response<Map<String, String>>> workerBeats = new ArrayList<>();
        List<Response<Map<String, String>>> schedulerBeats = new ArrayList<>();
        Map<String, String> last = canary.get();
        Response<List<String>> canaryRun = null;
        try (AbstractPipeline p = redis.pipelined()) {
            workerIds.forEach(t -> workerBeats.add(p.hgetAll(Heartbeat.Kind.WORKER.key(t.getElement()))));
            schedulerIds.forEach(t -> schedulerBeats.add(p.hgetAll(Heartbeat.Kind.SCHEDULER.key(t.getElement()))));
            if (last.containsKey("runId") && last.containsKey("tenant")) {
                canaryRun = p.hmget(new TenantKeys(last.get("tenant")).run(last.get("runId")),
                        RunRecord.STATUS, RunRecord.WORKER_ID, RunRecord.COMPLETED_AT);
            }
            p.sync();
        }
        Canary canaryView = null;
        if (canaryRun != null) {
            List<String> run = canaryRun.get();
            canaryView = new Canary(last.get("runId"), Times.millis(last.get("queuedAt")), last.get("scheduler"),
                    run.get(0) == null ? "expired" : run.get(0), run.get(1) == null ? "" : run.get(1),
                    Times.millis(run.get(2)));
        }
        return new View(members(workerIds, workerBeats, now), members(schedulerIds, schedulerBeats, now), canaryView);
    }

    private static List<Member> members(List<Tuple> ids, List<Response<Map<String, String>>> beats, long now) {
        List<Member> members = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> fields = beats.get(i).get();
            long beatAt = (long) ids.get(i).getScore();
            members.add(new Member(ids.get(i).getElement(), beatAt, fields.isEmpty(), fields, now));
        }
        return members;
    }
}
