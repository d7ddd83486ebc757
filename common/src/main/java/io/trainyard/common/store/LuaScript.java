package io.trainyard.common.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

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
            return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String sha(UnifiedJedis redis) {
        String known = sha;
        if (known == null) {
            known = redis.scriptLoad(source);
            sha = known;
        }
        return known;
    }

    public Object eval(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha(redis), keys, args);
        } catch (JedisNoScriptException e) {
            // The server restarted or was flushed: load the script again.
            sha = null;
            return redis.evalsha(sha(redis), keys, args);
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
        int n = keys.size();
        List<Object> replies = new ArrayList<>(Collections.nCopies(n, null));
        BitSet todo = new BitSet(n);
        todo.set(0, n);
        // A second round only for entries the server answered NOSCRIPT (restarted or flushed): they never ran.
        for (int round = 0; round < 2 && !todo.isEmpty(); round++) {
            String known = sha(redis);
            List<Response<Object>> responses = new ArrayList<>(n);
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (int i = todo.nextSetBit(0); i >= 0; i = todo.nextSetBit(i + 1)) {
                    responses.add(pipeline.evalsha(known, keys.get(i), args.get(i)));
                }
                if (round == 0) {
                    alongside.accept(pipeline);
                }
                pipeline.sync();
            }
            int r = 0;
            for (int i = todo.nextSetBit(0); i >= 0; i = todo.nextSetBit(i + 1)) {
                try {
                    replies.set(i, responses.get(r++).get());
                    todo.clear(i);
                } catch (JedisNoScriptException e) {
                    sha = null;
                    replies.set(i, e);
                } catch (JedisException e) {
                    replies.set(i, e);
                    todo.clear(i);
                }
            }
        }
        return replies;
    }
}
