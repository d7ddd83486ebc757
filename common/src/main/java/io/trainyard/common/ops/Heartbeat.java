package io.trainyard.common.ops;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * A process's beat in Redis, for the console's Workers and Overview pages: every {@link #EVERY}
 * a hash of what the process reports, under a key of its own that expires after {@link #TTL}
 * (so a process that stopped beating loses it), and its id in an index scored by the time of the
 * beat (so it is still listed, as gone, until {@link #FORGET} after its last beat). Outside every
 * tenant, off the job path: one pipelined round trip per beat. A process reports the same fields
 * at every beat, so each beat overwrites the last one whole.
 */
public final class Heartbeat implements AutoCloseable {
    public static final Duration EVERY = Duration.ofSeconds(2);
    /** Three beats missed: the process is gone. */
    public static final Duration TTL = EVERY.multipliedBy(4);
    public static final Duration FORGET = Duration.ofDays(1);
    /** The hash field every beat carries: when it was written (epoch ms). */
    public static final String BEAT_AT = "beatAt";
    /**
     * Hash of the canary's last queued run ({@code runId}, {@code tenant}, {@code queuedAt},
     * {@code scheduler}), written by the scheduler instance that queued it.
     */
    public static final String CANARY_LAST = "trainyard:canary:last";
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    /** What beats. */
    public enum Kind {
        WORKER, SCHEDULER;

        /** Sorted set of the ids of this kind, scored by their last beat (epoch ms). */
        public String index() {
            return "trainyard:beats:" + name().toLowerCase();
        }

        /** Hash of one process's last beat; expires {@link #TTL} after it. */
        public String key(String id) {
            return "trainyard:beat:" + name().toLowerCase() + ":" + id;
        }
    }

    private final UnifiedJedis redis;
    private final Kind kind;
    private final String id;
    private final Supplier<Map<String, String>> fields;
    private final InstantSource clock;
    private final ScheduledExecutorService timer;

    private Heartbeat(UnifiedJedis redis, Kind kind, String id, Supplier<Map<String, String>> fields,
                      InstantSource clock) {
        this.redis = redis;
        this.kind = kind;
        this.id = id;
        this.fields = fields;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("heartbeat").daemon().factory());
    }

    /** Beats now and every {@link #EVERY} until closed; {@code fields} is asked at each beat. */
    public static Heartbeat start(UnifiedJedis redis, Kind kind, String id, Supplier<Map<String, String>> fields,
                                  InstantSource clock) {
        Heartbeat beat = new Heartbeat(redis, kind, id, fields, clock);
        beat.timer.scheduleWithFixedDelay(beat::beatQuietly, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return beat;
    }

    /** One beat. */
    public void beat() {
        long now = clock.millis();
        Map<String, String> values = new java.util.HashMap<>(fields.get());
        values.put(BEAT_AT, Long.toString(now));
        String key = kind.key(id);
        try (AbstractPipeline p = redis.pipelined()) {
            p.hset(key, values);
            p.pexpire(key, TTL.toMillis());
            p.zadd(kind.index(), now, id);
            p.zremrangeByScore(kind.index(), Double.NEGATIVE_INFINITY, now - FORGET.toMillis());
            p.sync();
        }
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RuntimeException e) {
            // Redis is away: the process's readiness says so; the beat comes back with Redis.
            LOG.debug("heartbeat of {} {} failed: {}", kind, id, e.toString());
        }
    }

    /** Stops beating and removes the beat, so the process shows as gone at once. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
            redis.del(kind.key(id));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Redis away: the beat expires by itself.
        }
    }
}
