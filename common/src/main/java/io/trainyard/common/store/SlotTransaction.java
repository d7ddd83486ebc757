package io.trainyard.common.store;

import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * MULTI/EXEC over the keys of one slot (one tenant's keys), in every topology. A cluster client
 * has no {@code multi()}: the transaction runs on a connection to the node that serves the slot,
 * which is valid because every key in it hashes to that slot.
 */
public final class SlotTransaction {
    private SlotTransaction() {}

    /** A transaction for keys of {@code sampleKey}'s slot; close it to give the connection back. */
    public static AbstractTransaction on(UnifiedJedis redis, String sampleKey) {
        if (redis instanceof JedisCluster cluster) {
            return new Transaction(cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(sampleKey)), true, true);
        }
        return redis.multi();
    }
}
