package io.trainyard.ingress.internal.redis;

import io.trainyard.common.config.ConfigTable;
import io.trainyard.common.store.RedisEndpoint;
import io.trainyard.common.store.RedisPools;
import io.trainyard.common.store.ReplicaWait;
import io.trainyard.ingress.IngressSettings;
import io.trainyard.ingress.TaskStore;
import io.trainyard.ingress.internal.submit.BoundedTaskStore;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.UnifiedJedis;

/**
 * The ingress's Redis client as the settings choose it. One server, no replica wait: the
 * {@link SharedRedis} lanes, whose calls a submit bounds by its deadline. A Redis Cluster, a
 * Sentinel-managed primary, or a wait for replicas (which needs the write and its {@code WAIT}
 * on one connection, so a pipeline): a pooled client of that topology, whose calls are bounded
 * by its socket timeout and, on a cluster, {@link RedisPools#CLUSTER_RETRIES}.
 */
public record IngressRedis(UnifiedJedis client, ReplicaWait replicaWait, BoundedTaskStore taskStores) {
    /** Connections of the pooled client: requests are virtual threads, each holding one per call. */
    static final int POOLED_CONNECTIONS = 64;

    public static IngressRedis connect(ConfigTable config) {
        RedisEndpoint endpoint = RedisPools.endpoint(config);
        JedisClientConfig client = RedisPools.clientConfig(config, endpoint);
        ReplicaWait wait = new ReplicaWait(config.get(IngressSettings.REDIS_WAIT_REPLICAS),
                config.get(IngressSettings.REDIS_WAIT_TIMEOUT_MS));
        if (endpoint.topology() == RedisEndpoint.Topology.SINGLE && !wait.enabled()) {
            SharedRedis shared = RedisPools.checked(endpoint, client, () -> SharedRedis.connect(endpoint.nodes().getFirst(),
                    client, config.get(IngressSettings.REDIS_LANES)));
            return new IngressRedis(shared, wait, deadline -> new TaskStore(shared.until(deadline)));
        }
        UnifiedJedis pooled = RedisPools.checked(endpoint, client,
                () -> RedisPools.open(endpoint, client, POOLED_CONNECTIONS));
        TaskStore store = new TaskStore(pooled, wait);
        return new IngressRedis(pooled, wait, deadline -> store);
    }

    /** The task store without a deadline; its submits (a recorded training) wait for the replicas too. */
    public TaskStore taskStore() {
        return new TaskStore(client, replicaWait);
    }
}
