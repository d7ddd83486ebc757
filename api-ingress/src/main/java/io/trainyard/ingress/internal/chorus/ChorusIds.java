package io.trainyard.ingress.internal.chorus;

import io.trainyard.common.store.LuaScript;
import io.trainyard.common.store.TenantKeys;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Chorus's integer ids over Trainyard's string ids. Chorus clients parse ids as integers, so
 * every entity Chorus shows gets one the first time it is shown, counted per kind and tenant
 * from {@value #FIRST} (as Chorus's own numbering starts), and keeps it: a map each way in Redis
 * ({@code ty:{tenant}:chorus:<kind>:ids} and {@code :uuids}), allocated atomically by
 * {@code chorus_id.lua}. Trainyard keeps its own ids everywhere else.
 */
final class ChorusIds {
    static final long FIRST = 1_000_000;
    private static final LuaScript ALLOCATE = LuaScript.load("chorus_id");

    /** What is numbered; each kind counts on its own. */
    enum Kind {
        WORKFILE, WORKSPACE, USER, JOB, TASK, EXECUTION_LOCATION;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final UnifiedJedis redis;

    ChorusIds(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** The integer id of {@code trainyardId}, allocated on first use. */
    long of(String tenant, Kind kind, String trainyardId) {
        String prefix = prefix(tenant, kind);
        Object id = ALLOCATE.eval(redis, List.of(prefix + "ids", prefix + "uuids", prefix + "next"),
                List.of(trainyardId, Long.toString(FIRST)));
        return Long.parseLong(String.valueOf(id));
    }

    /** The Trainyard id behind a Chorus integer id, if one was handed out. */
    Optional<String> trainyardId(String tenant, Kind kind, long chorusId) {
        return Optional.ofNullable(redis.hget(prefix(tenant, kind) + "uuids", Long.toString(chorusId)));
    }

    /** Forgets an entity's id (it was deleted); its number is never handed out again. */
    void forget(String tenant, Kind kind, String trainyardId, long chorusId) {
        String prefix = prefix(tenant, kind);
        redis.hdel(prefix + "ids", trainyardId);
        redis.hdel(prefix + "uuids", Long.toString(chorusId));
    }

    /** A path's id as a Chorus integer, or empty when it is not one (then it may be a Trainyard id). */
    static Optional<Long> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }

    private static String prefix(String tenant, Kind kind) {
        new TenantKeys(tenant); // same tenant rules as every other key
        return "ty:{" + tenant + "}:chorus:" + kind.key() + ":";
    }
}
