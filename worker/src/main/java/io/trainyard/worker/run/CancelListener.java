package io.trainyard.worker.run;

import io.trainyard.common.store.TenantKeys;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Listens on {@link TenantKeys#CANCEL_CHANNEL} ("tenant/runId" messages) on a dedicated thread
 * and stops the named run when it runs here. Reconnects after a lost connection; a message missed
 * meanwhile is caught by the runs' heartbeat, which reads the cancel flag.
 */
public final class CancelListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CancelListener.class);
    private static final Duration RECONNECT = Duration.ofSeconds(1);

    private final URI redisUri;
    private final RunRegistry registry;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Subscriber subscriber;
    private volatile boolean subscribed;

    public CancelListener(URI redisUri, RunRegistry registry) {
        this.redisUri = redisUri;
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
            try (Jedis jedis = new Jedis(redisUri)) {
                Subscriber s = new Subscriber();
                subscriber = s;
                jedis.subscribe(s, TenantKeys.CANCEL_CHANNEL);
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
