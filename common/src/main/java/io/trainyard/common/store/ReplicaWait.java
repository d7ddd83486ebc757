package io.trainyard.common.store;

import redis.clients.jedis.exceptions.JedisException;

/**
 * How many replicas must hold a write before it counts as done (Redis {@code WAIT}), and how long
 * to wait for them. A write they did not all confirm in time may be lost if the primary fails
 * over now; the caller undoes it and reports it as not done.
 */
public record ReplicaWait(int replicas, long timeoutMillis) {
    public static final ReplicaWait NONE = new ReplicaWait(0, 0);

    public ReplicaWait {
        if (replicas < 0 || timeoutMillis < 0 || (replicas > 0 && timeoutMillis == 0)) {
            throw new IllegalArgumentException("replicas " + replicas + ", timeout " + timeoutMillis + " ms");
        }
    }

    public boolean enabled() {
        return replicas > 0;
    }

    /** Fewer replicas than required confirmed a write in time. Retryable: the write was undone. */
    public static final class ShortOfReplicas extends JedisException {
        private final long confirmed;

        public ShortOfReplicas(long confirmed, ReplicaWait wait) {
            super(confirmed + " of " + wait.replicas() + " Redis replicas confirmed the write within "
                    + wait.timeoutMillis() + " ms");
            this.confirmed = confirmed;
        }

        public long confirmed() {
            return confirmed;
        }
    }
}
