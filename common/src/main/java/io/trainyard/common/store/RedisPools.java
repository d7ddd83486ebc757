package io.trainyard.common.store;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.config.ConfigTable;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.function.Supplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Redis clients for services that call Redis from many virtual threads at once, in any of the
 * three topologies of {@link RedisEndpoint}.
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
    /**
     * On a cluster, how long a command may keep following redirects and retrying while slots move
     * to a promoted replica; then it fails (retryable) and the caller answers 503 or tries later.
     */
    public static final Duration CLUSTER_RETRIES = Duration.ofSeconds(2);
    static final int CLUSTER_ATTEMPTS = 5;
    /**
     * How often a cluster client re-reads the slot table on its own. Pipelines do not follow a
     * MOVED (single commands do, and re-read it then), so after a failover this bounds how long
     * a pipeline keeps going to the old node.
     */
    public static final Duration CLUSTER_TOPOLOGY_REFRESH = Duration.ofSeconds(2);

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

    /**
     * The client of the Redis the service's settings name ({@link CommonSettings#REDIS_URI} and
     * {@link CommonSettings#REDIS_TLS_CA_FILE}), checked with a PING: a wrong password or a
     * missing permission fails here, naming the setting.
     */
    public static UnifiedJedis open(ConfigTable config, int maxConnections) {
        RedisEndpoint endpoint = endpoint(config);
        JedisClientConfig client = clientConfig(config, endpoint);
        return checked(endpoint, client, () -> open(endpoint, client, maxConnections));
    }

    /** The endpoint of {@link CommonSettings#REDIS_URI}, or a start-up error naming the setting. */
    public static RedisEndpoint endpoint(ConfigTable config) {
        try {
            return RedisEndpoint.parse(config.get(CommonSettings.REDIS_URI));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(CommonSettings.REDIS_URI.env() + ": " + e.getMessage(), e);
        }
    }

    /** How to connect to each node of the endpoint (credentials, TLS trusting the configured CA). */
    public static JedisClientConfig clientConfig(ConfigTable config, RedisEndpoint endpoint) {
        return RedisTls.clientConfig(endpoint, config.get(CommonSettings.REDIS_TLS_CA_FILE));
    }

    /** A client of {@code endpoint}, not checked. */
    public static UnifiedJedis open(RedisEndpoint endpoint, JedisClientConfig client, int maxConnections) {
        ConnectionPoolConfig pool = config(maxConnections);
        return switch (endpoint.topology()) {
            case SINGLE -> new JedisPooled(endpoint.nodes().getFirst(), client, pool);
            case CLUSTER -> new JedisCluster(new LinkedHashSet<>(endpoint.nodes()), client, pool,
                    CLUSTER_TOPOLOGY_REFRESH, CLUSTER_ATTEMPTS, CLUSTER_RETRIES);
            case SENTINEL -> new JedisSentineled(endpoint.master(), client, pool,
                    new LinkedHashSet<>(endpoint.nodes()), sentinelConfig(client));
        };
    }

    /** The Sentinels take the data nodes' credentials and TLS, but no database. */
    private static JedisClientConfig sentinelConfig(JedisClientConfig client) {
        return DefaultJedisClientConfig.builder()
                .user(client.getUser()).password(client.getPassword())
                .ssl(client.isSsl()).sslSocketFactory(client.getSslSocketFactory())
                .sslParameters(client.getSslParameters())
                .connectionTimeoutMillis(client.getConnectionTimeoutMillis())
                .socketTimeoutMillis(client.getSocketTimeoutMillis())
                .build();
    }

    /** A pooled single-server client of {@code uri} with {@link #config} (tests and tools). */
    public static JedisPooled pooled(java.net.URI uri, int maxConnections) {
        return new JedisPooled(config(maxConnections), uri);
    }

    /** Opens a client and PINGs it; a refusal becomes a start-up error that says what to fix. */
    public static <T extends UnifiedJedis> T checked(RedisEndpoint endpoint, JedisClientConfig client,
                                                     Supplier<T> opening) {
        T redis;
        try {
            redis = opening.get();
        } catch (JedisException e) {
            throw RedisStartupException.of(endpoint, withSentinelsAnswer(endpoint, client, e));
        }
        try {
            // A cluster client logged in to the seeds when it loaded the slot table; a PING would go
            // to every node, and fail a start while one of them is down (a failover under way).
            if (endpoint.topology() != RedisEndpoint.Topology.CLUSTER) {
                redis.ping();
            }
            return redis;
        } catch (JedisException e) {
            redis.close();
            throw RedisStartupException.of(endpoint, e);
        }
    }

    /**
     * The Sentinel client reports any failure to ask the Sentinels as "all sentinels down"; ask
     * one directly, so that a refused login shows as such.
     */
    private static JedisException withSentinelsAnswer(RedisEndpoint endpoint, JedisClientConfig client,
                                                      JedisException e) {
        if (endpoint.topology() == RedisEndpoint.Topology.SENTINEL) {
            for (HostAndPort sentinel : endpoint.nodes()) {
                try (Connection probe = new Connection(sentinel, sentinelConfig(client))) {
                    probe.ping();
                } catch (JedisException answer) {
                    e.addSuppressed(answer);
                }
            }
        }
        return e;
    }
}
