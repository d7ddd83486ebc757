package io.trainyard.common.store;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A burst of virtual threads calling Redis through one small pool, as a program of its own, so
 * {@link RedisPoolsIT} can run it on a single carrier thread. Exits 0 once every call ended.
 *
 * <p>Usage: {@code PoolBurst <redis port> <callers> <bounded|default>}
 */
public final class PoolBurst {
    private PoolBurst() {}

    public static void main(String[] args) throws InterruptedException {
        URI uri = URI.create("redis://127.0.0.1:" + args[0]);
        int callers = Integer.parseInt(args[1]);
        JedisPooled redis = args[2].equals("bounded") ? RedisPools.pooled(uri, 4) : new JedisPooled(uri);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(callers);
        for (int i = 0; i < callers; i++) {
            Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    redis.ping();
                } catch (JedisException | InterruptedException e) {
                    // Refused (no connection within the wait) still counts as ended.
                } finally {
                    done.countDown();
                }
            });
        }
        go.countDown();
        done.await();
        System.out.println("every call ended");
        System.exit(0);
    }
}
