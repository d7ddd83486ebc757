package io.trainyard.worker.internal.run;

import io.trainyard.common.store.TenantKeys;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Listens on {@link TenantKeys#CANCEL_CHANNEL} ("tenant/runId" messages) on a dedicated thread
 * and stops the named run when it runs here. Reconnects after a lost connection; a message missed
 * meanwhile is caught by the runs' heartbeat, which reads the cancel flag. The subscription holds
 * one connection of the worker's client: on a Redis Cluster that is any node's (a PUBLISH reaches
 * every node), under Sentinel the current primary's, so a failover only costs a reconnect.
 */
public final class CancelListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CancelListener.class);
    private static final Duration RECONNECT = Duration.ofSeconds(1);

    private final UnifiedJedis redis;
    private final RunRegistry registry;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Subscriber subscriber;
    private volatile boolean subscribed;

    public CancelListener(UnifiedJedis redis, RunRegistry registry) {
        this.redis = redis;
        this.registry = registry;
        this.thread = Thread.ofPlatform().name("cancel-listener").daemon().unstarted(this::listen);
    }

    public CancelListener start() {
        thread.start();
        return this;
    }

    /** True while subscribed (the readiness check uses it). */
    public boolean subscribed() {
        return subscribed;
    }

    private void listen() {
        while (!closed) {
            try {
                Subscriber s = new Subscriber();
                subscriber = s;
                redis.subscribe(s, TenantKeys.CANCEL_CHANNEL);
            } catch (JedisException e) {
                if (!closed) {
                    LOG.warn("cancel channel lost ({}); reconnecting", e.getMessage());
                }
            } finally {
                subscribed = false;
            }
            if (!closed) {
                try {
                    Thread.sleep(RECONNECT);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private final class Subscriber extends JedisPubSub {
        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            subscribed = true;
        }

        @Override
        public void onMessage(String channel, String message) {
            if (registry.cancel(message)) {
                LOG.info("cancelling run {}", message);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Subscriber s = subscriber;
        if (s != null && s.isSubscribed()) {
            try {
                s.unsubscribe();
            } catch (JedisException | IllegalStateException ignored) {
                // The connection is gone already.
            }
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
