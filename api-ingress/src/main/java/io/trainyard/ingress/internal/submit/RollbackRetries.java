package io.trainyard.ingress.internal.submit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollbacks that Redis did not take before their submit's answer was due (Redis failed while
 * Kafka did), retried in the background until it takes them. Each rollback has a virtual thread
 * that pauses, tries once with {@link #ATTEMPT_WAIT} for Redis's reply, and pauses twice as long
 * after each failure, up to a maximum. Repeating a rollback that did reach Redis is harmless: it
 * frees the name only while the task still holds it, and ends runs that are ended already.
 */
public final class RollbackRetries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RollbackRetries.class);
    static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    static final Duration MAX_PAUSE = Duration.ofSeconds(5);
    static final Duration ATTEMPT_WAIT = Duration.ofSeconds(5);

    /** One submit to undo. */
    record Rollback(String tenant, String name, String taskId) {}

    private final BoundedTaskStore stores;
    private final Duration firstPause;
    private final Duration maxPause;
    private final Map<Rollback, Thread> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public RollbackRetries(BoundedTaskStore stores) {
        this(stores, FIRST_PAUSE, MAX_PAUSE);
    }

    RollbackRetries(BoundedTaskStore stores, Duration firstPause, Duration maxPause) {
        this.stores = stores;
        this.firstPause = firstPause;
        this.maxPause = maxPause;
    }

    /** Retries the rollback of a submit until Redis takes it. */
    public void add(String tenant, String name, String taskId) {
        Rollback rollback = new Rollback(tenant, name, taskId);
        Thread thread = Thread.ofVirtual().name("rollback-" + taskId).unstarted(() -> retry(rollback));
        if (pending.putIfAbsent(rollback, thread) == null) {
            thread.start();
        }
    }

    /** Rollbacks Redis has not taken yet. */
    public int pending() {
        return pending.size();
    }

    private void retry(Rollback rollback) {
        Duration pause = firstPause;
        while (!closed) {
            try {
                Thread.sleep(pause);
                stores.until(System.nanoTime() + ATTEMPT_WAIT.toNanos())
                        .unsubmit(rollback.tenant(), rollback.name(), rollback.taskId());
                pending.remove(rollback);
                LOG.info("rolled back task {} of tenant {} after its 503", rollback.taskId(), rollback.tenant());
                return;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Duration doubled = pause.multipliedBy(2);
                pause = doubled.compareTo(maxPause) > 0 ? maxPause : doubled;
            }
        }
    }

    /** Stops retrying; rollbacks still pending are logged, their names stay taken. */
    @Override
    public void close() {
        closed = true;
        pending.forEach((rollback, thread) -> {
            thread.interrupt();
            LOG.error("task {} of tenant {} was answered 503 but never rolled back: its name stays taken and a late "
                    + "job of it would run", rollback.taskId(), rollback.tenant());
        });
    }
}
