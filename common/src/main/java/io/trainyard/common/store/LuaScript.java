package io.trainyard.common.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
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
}
