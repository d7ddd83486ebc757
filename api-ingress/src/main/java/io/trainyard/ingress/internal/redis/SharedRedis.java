package io.trainyard.ingress.internal.redis;

import io.trainyard.common.store.RedisPools;
import java.net.URI;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.executors.CommandExecutor;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The ingress's Redis client. Commands and pipelines go through a few shared, pipelined
 * connections ({@link PipelineLanes}), so concurrent requests share round trips; transactions
 * ({@code multi()}) and anything else that needs a connection of its own take one from a small
 * pool.
 */
public final class SharedRedis extends UnifiedJedis {
    /** Connections for transactions and the like: rare, short, and never on the submit path. */
    static final int OWN_CONNECTIONS = 16;

    private final PipelineLanes lanes;
    private final CommandObjects commands;

    private SharedRedis(PipelineLanes lanes, PooledConnectionProvider pool, CommandObjects commands) {
        super(new ClosingBoth(lanes, pool), pool, commands);
        this.lanes = lanes;
        this.commands = commands;
    }

    /** A client of the Redis at {@code uri} (redis:// or rediss://; user, password and db as Jedis reads them). */
    public static SharedRedis connect(URI uri, int lanes) {
        JedisClientConfig client = DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .protocol(JedisURIHelper.getRedisProtocol(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .build();
        return connect(new HostAndPort(uri.getHost(), uri.getPort()), client, lanes);
    }

    /** A client of the one Redis server at {@code address}, connecting as {@code client} says. */
    public static SharedRedis connect(HostAndPort address, JedisClientConfig client, int lanes) {
        // A bounded wait for a free connection: callers are virtual threads (see RedisPools).
        ConnectionPoolConfig own = RedisPools.config(OWN_CONNECTIONS);
        return new SharedRedis(new PipelineLanes(lanes, () -> new Connection(address, client)),
                new PooledConnectionProvider(address, client, own), new CommandObjects());
    }

    @Override
    public AbstractPipeline pipelined() {
        return new LanePipeline(lanes, commands);
    }

    /**
     * A client over the same lanes for a caller with a deadline ({@link System#nanoTime()}): a
     * reply not in by then fails its call with a {@link JedisConnectionException}, although the
     * command still travels and Redis may still run it. Single commands and scripts only (no
     * pipelines or transactions); closing it closes nothing.
     */
    public UnifiedJedis until(long deadlineNanos) {
        return new UnifiedJedis(new Until(lanes, deadlineNanos), null, commands);
    }

    /** The lanes, with every reply waited for until one deadline at most. */
    private record Until(PipelineLanes lanes, long deadlineNanos) implements CommandExecutor {
        @Override
        public <T> T executeCommand(CommandObject<T> command) {
            return lanes.executeCommand(command, deadlineNanos);
        }

        @Override
        public void close() {
            // The lanes belong to the SharedRedis.
        }
    }

    /** Closes the lanes, then the pool, whatever the lanes' closing threw. */
    private record ClosingBoth(PipelineLanes lanes, PooledConnectionProvider pool)
            implements CommandExecutor {
        @Override
        public <T> T executeCommand(CommandObject<T> command) {
            return lanes.executeCommand(command);
        }

        @Override
        public void close() {
            try {
                lanes.close();
            } finally {
                pool.close();
            }
        }
    }
}
