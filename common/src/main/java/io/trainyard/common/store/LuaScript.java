package io.trainyard.common.store;

import io.trainyard.common.job.RunStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.SafeEncoder;

/** One of the Lua scripts under {@code trainyard/lua}, run by its SHA and loaded on demand. */
public final class LuaScript {
    private final String name;
    private final String source;
    private volatile String sha;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
    }

    public static LuaScript load(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream("/trainyard/lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script " + name);
            }
            return new LuaScript(name, generated(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The script as sent to Redis: placeholders filled from the Java side (see {@link RunStatus}). */
    static String generated(String source) {
        return source.replace(ENDED_PLACEHOLDER, RunStatus.endedAsLuaTable());
    }

    /** Where a script needs the set of statuses that end a run. */
    public static final String ENDED_PLACEHOLDER = "__ENDED_STATUSES__";

    /** The source as sent to Redis (placeholders filled). */
    public String source() {
        return source;
    }

    public String name() {
        return name;
    }

    /**
     * The script's SHA1, as Redis names it. Computed here rather than asked for: on a cluster a
     * SCRIPT LOAD without a key goes to every node and fails while one is down.
     */
    public String sha(UnifiedJedis redis) {
        String known = sha;
        if (known == null) {
            try {
                known = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            sha = known;
        }
        return known;
    }

    /** Loads the script into {@code redis} (which compiles it) and returns the SHA1 Redis names it by. */
    public String loadInto(UnifiedJedis redis) {
        return redis.scriptLoad(source);
    }

    /** Loads the script on the node that serves {@code sampleKey} (every node, one by one, as needed). */
    private void load(UnifiedJedis redis, String sampleKey) {
        redis.scriptLoad(source, sampleKey);
    }

    /**
     * Refuses keys of more than one hash slot, in every topology: a Redis Cluster would refuse
     * them (CROSSSLOT), so a test against one server already catches such a call.
     */
    static void requireOneSlot(String script, List<String> keys) {
        requireOneSlot(script, Encoding.TEXT, keys);
    }

    private static <K> void requireOneSlot(String script, Encoding<K> encoding, List<K> keys) {
        if (keys.size() < 2) {
            return;
        }
        int slot = encoding.slot(keys.getFirst());
        for (int i = 1; i < keys.size(); i++) {
            if (encoding.slot(keys.get(i)) != slot) {
                throw new IllegalArgumentException("Lua script " + script + ": keys " + encoding.text(keys.getFirst())
                        + " and " + encoding.text(keys.get(i)) + " lie in different hash slots; a Redis Cluster refuses that");
            }
        }
    }

    public Object eval(UnifiedJedis redis, List<String> keys, List<String> args) {
        requireOneSlot(name, keys);
        try {
            return redis.evalsha(sha(redis), keys, args);
        } catch (JedisNoScriptException e) {
            // The server restarted, was flushed, or is a promoted replica: load the script there.
            load(redis, keys.isEmpty() ? "" : keys.getFirst());
            return redis.evalsha(sha(redis), keys, args);
        }
    }

    /** A script's reply, and how many replicas had confirmed its writes when it came. */
    public record Waited(Object reply, long confirmed) {}

    /**
     * Runs the script, then {@code WAIT}s for {@code wait}'s replicas on the same connection (one
     * pipeline; on a cluster, the connection to the node of the first key), so the count covers
     * this script's writes.
     */
    public Waited evalAndWait(UnifiedJedis redis, List<String> keys, List<String> args, ReplicaWait wait) {
        requireOneSlot(name, keys);
        for (int round = 0; ; round++) {
            Response<Object> reply;
            Response<Long> confirmed;
            String known = sha(redis);
            try (AbstractPipeline pipeline = redis.pipelined()) {
                reply = pipeline.evalsha(known, keys, args);
                confirmed = pipeline.waitReplicas(keys.getFirst(), wait.replicas(), wait.timeoutMillis());
                pipeline.sync();
            }
            try {
                return new Waited(reply.get(), confirmed.get());
            } catch (JedisNoScriptException e) {
                if (round > 0) {
                    throw e;
                }
                load(redis, keys.getFirst()); // the script never ran: load it and run it again
            } catch (JedisMovedDataException e) {
                // The slot moved (a failover) and a pipeline does not follow: a single command does,
                // and renews the client's slot table; the script never ran, so run it again.
                if (round > 0) {
                    throw e;
                }
                redis.exists(keys.getFirst());
            } catch (IllegalStateException e) {
                if (LostReply.is(e)) {
                    throw new JedisConnectionException("no reply from Redis for " + name, e);
                }
                throw e;
            }
        }
    }

    private static void followMove(UnifiedJedis redis, String key) {
        if (key == null) {
            return;
        }
        try {
            redis.exists(key);
        } catch (JedisException e) {
            // The next round (or the caller's retry) meets the same outage and reports it.
        }
    }

    /**
     * Runs the script once per entry of {@code keys} and {@code args}, all in one pipeline (one
     * round trip). Each entry's reply, in order; an entry the server refused (a script error)
     * gets its {@link JedisException} instead of a reply. A lost connection fails the whole call.
     */
    public List<Object> evalAll(UnifiedJedis redis, List<List<String>> keys, List<List<String>> args) {
        return evalAll(redis, keys, args, pipeline -> {});
    }

    /**
     * As {@link #evalAll(UnifiedJedis, List, List)}, and {@code alongside} adds commands of its
     * own to the same round trip, after the script calls (their replies are not read).
     */
    public List<Object> evalAll(UnifiedJedis redis, List<List<String>> keys, List<List<String>> args,
                                Consumer<AbstractPipeline> alongside) {
        return evalAll(redis, Encoding.TEXT, keys, args, alongside);
    }

    /**
     * How a call's keys and arguments travel: as text, or as bytes a hot path encoded once (a
     * busy second of the scheduler claims thousands of fires; less garbage, fewer GC pauses).
     */
    public interface Encoding<K> {
        Encoding<String> TEXT = new Encoding<>() {
            @Override
            public Response<Object> evalsha(AbstractPipeline pipeline, String sha, List<String> keys, List<String> args) {
                return pipeline.evalsha(sha, keys, args);
            }

            @Override
            public String encode(String text) {
                return text;
            }

            @Override
            public String text(String key) {
                return key;
            }

            @Override
            public int slot(String key) {
                return JedisClusterCRC16.getSlot(key);
            }
        };

        Encoding<byte[]> BINARY = new Encoding<>() {
            @Override
            public Response<Object> evalsha(AbstractPipeline pipeline, String sha, List<byte[]> keys, List<byte[]> args) {
                return pipeline.evalsha(SafeEncoder.encode(sha), keys, args);
            }

            @Override
            public byte[] encode(String text) {
                return SafeEncoder.encode(text);
            }

            @Override
            public String text(byte[] key) {
                return SafeEncoder.encode(key);
            }

            @Override
            public int slot(byte[] key) {
                return JedisClusterCRC16.getSlot(key);
            }
        };

        Response<Object> evalsha(AbstractPipeline pipeline, String sha, List<K> keys, List<K> args);

        K encode(String text);

        String text(K key);

        /** The Redis Cluster hash slot of a key. */
        int slot(K key);
    }

    /** As {@link #evalAll(UnifiedJedis, List, List, Consumer)}, with keys and arguments in {@code encoding}. */
    public <K> List<Object> evalAll(UnifiedJedis redis, Encoding<K> encoding, List<List<K>> keys, List<List<K>> args,
                                    Consumer<AbstractPipeline> alongside) {
        int n = keys.size();
        keys.forEach(k -> requireOneSlot(name, encoding, k));
        List<Object> replies = new ArrayList<>(Collections.nCopies(n, null));
        BitSet todo = new BitSet(n);
        todo.set(0, n);
        JedisDataException moving = null;
        // Another round only for entries that never ran: the server answered NOSCRIPT (restarted or
        // flushed), or, on a cluster, MOVED, ASK or CLUSTERDOWN (a failover is under way).
        for (int round = 0; round < 3 && !todo.isEmpty(); round++) {
            String known = sha(redis);
            List<Response<Object>> responses = new ArrayList<>(n);
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (int i = todo.nextSetBit(0); i >= 0; i = todo.nextSetBit(i + 1)) {
                    responses.add(encoding.evalsha(pipeline, known, keys.get(i), args.get(i)));
                }
                if (round == 0) {
                    alongside.accept(pipeline);
                }
                pipeline.sync();
            } catch (JedisClusterOperationException | NullPointerException e) {
                // A cluster node that just died: the cluster pipeline has no connection to it (Jedis
                // 7.2 then fails with a NullPointerException). Scripts on other nodes may have run,
                // as with a lost reply; the callers' scripts are safe to repeat.
                throw new JedisConnectionException("a Redis Cluster node is out of reach for " + name, e);
            }
            moving = null;
            int r = 0;
            for (int i = todo.nextSetBit(0); i >= 0; i = todo.nextSetBit(i + 1)) {
                try {
                    replies.set(i, responses.get(r++).get());
                    todo.clear(i);
                } catch (JedisNoScriptException e) {
                    load(redis, keys.get(i).isEmpty() ? "" : encoding.text(keys.get(i).getFirst()));
                    replies.set(i, e);
                } catch (JedisRedirectionException | JedisClusterException e) {
                    // A pipeline does not follow a moved slot; a single command does, and renews the
                    // client's slot table. The script never ran, so it runs again next round.
                    moving = e;
                    followMove(redis, keys.get(i).isEmpty() ? null : encoding.text(keys.get(i).getFirst()));
                    replies.set(i, e);
                } catch (JedisException e) {
                    replies.set(i, e);
                    todo.clear(i);
                } catch (IllegalStateException e) {
                    if (!LostReply.is(e)) {
                        throw e;
                    }
                    replies.set(i, new JedisConnectionException("no reply from Redis for " + name, e));
                    todo.clear(i);
                }
            }
        }
        if (moving != null) {
            // Still moving after the rounds: an outage to wait out, not a refusal of the script.
            throw new JedisConnectionException("Redis Cluster slots are moving for " + name, moving);
        }
        return replies;
    }
}
