package io.trainyard.common.store;

import java.net.URI;
import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;

/**
 * Redis connection pools for services that call Redis from many virtual threads at once.
 *
 * <p>The pool must wait for a free connection a bounded time. With the default (wait forever),
 * commons-pool2's {@code create()} re-checks in a busy loop while other threads are opening
 * connections; virtual threads never yield in that loop, so on a machine with few cores the
 * spinners can occupy every carrier thread and the threads opening the connections never run
 * again: a burst of callers hangs the service. With a bounded wait the pool really waits, and a
 * caller that found no connection in time fails with a {@code JedisException} (retryable; the
 * ingress answers 503).
 */
public final class RedisPools {
    /** How long a caller waits for a free connection before its call fails. */
    public static final Duration BORROW_WAIT = Duration.ofSeconds(5);

    private RedisPools() {}

    /** A pool of at most {@code maxConnections}, all kept when idle, that waits at most {@link #BORROW_WAIT}. */
    public static ConnectionPoolConfig config(int maxConnections) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMaxWait(BORROW_WAIT);
        pool.setJmxEnabled(false);
        return pool;
    }

    /** A pooled client of the Redis at {@code uri} with {@link #config}. */
    public static JedisPooled pooled(URI uri, int maxConnections) {
        return new JedisPooled(config(maxConnections), uri);
    }
}
