package io.trainyard.worker.poll;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's intake: one {@link Lane} per share consumer, each with a poll thread of its own,
 * taking up to its capacity of records per poll. The lanes' capacities add up to the worker's
 * slots, so the worker never holds more records than it has slots. Jobs run on virtual threads.
 *
 * <p>Shutdown ({@link #drain}): the lanes stop polling for new records and keep acknowledging and
 * renewing while running jobs finish; when the grace period is over the abandon hook runs (the
 * jobs then end and hand their records back with RELEASE); each lane commits and closes its
 * consumer.
 */
public final class ShareGroupPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShareGroupPoller.class);
    /** After the abandon hook, how long jobs have to hand their records back before the consumers close. */
    private static final long ABANDON_WAIT_MS = 10_000;

    /** Creates lane {@code lane}'s consumer: explicit acknowledgement, at most {@code maxRecords} per poll. */
    @FunctionalInterface
    public interface ConsumerFactory {
        ShareConsumer<byte[], byte[]> create(int lane, int maxRecords);
    }

    private final ConsumerFactory consumers;
    private final List<String> topics;
    private final List<Lane<?>> lanes = new ArrayList<>();
    private final ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
    private final InstantSource clock;
    private final LongAdder renewals = new LongAdder();
    private final AtomicBoolean abandoned = new AtomicBoolean();
    private volatile boolean taking = true;
    private volatile long graceDeadline = Long.MAX_VALUE;
    private volatile Runnable abandon = () -> {};

    /**
     * @param capacities each lane's record limit (its consumer's max.poll.records); their sum is the slots
     * @param lockMs the acquisition lock the group is configured with, until the broker reports its own
     */
    public <W> ShareGroupPoller(ConsumerFactory consumers, List<String> topics, int[] capacities,
                                RecordHandler<W> handler, InstantSource clock, long lockMs) {
        this.consumers = consumers;
        this.topics = List.copyOf(topics);
        this.clock = clock;
        for (int i = 0; i < capacities.length; i++) {
            lanes.add(new Lane<>(i, capacities[i], this, handler, jobs, clock, lockMs));
        }
    }

    public ShareGroupPoller start() {
        lanes.forEach(Lane::start);
        return this;
    }

    public int slots() {
        return lanes.stream().mapToInt(Lane::capacity).sum();
    }

    public int lanes() {
        return lanes.size();
    }

    public int busySlots() {
        int busy = 0;
        for (Lane<?> lane : lanes) {
            busy += lane.busy();
        }
        return busy;
    }

    /** RENEW acknowledgements sent so far. */
    public long renewals() {
        return renewals.sum();
    }

    /** Polling and taking work: not draining, and every lane's thread alive. */
    public boolean taking() {
        return taking && lanes.stream().allMatch(Lane::alive);
    }

    /** Each lane's current consumer's metrics (thread-safe to read). */
    public List<Map<MetricName, ? extends Metric>> consumerMetrics() {
        List<Map<MetricName, ? extends Metric>> all = new ArrayList<>(lanes.size());
        for (Lane<?> lane : lanes) {
            ShareConsumer<byte[], byte[]> consumer = lane.consumer();
            if (consumer != null) {
                all.add(consumer.metrics());
            }
        }
        return all;
    }

    /**
     * Stops taking work; running jobs get {@code grace} to finish, then {@code abandonHook} runs
     * (it should make them end soon and hand their records back).
     */
    public void drain(Duration grace, Runnable abandonHook) {
        this.abandon = abandonHook;
        this.graceDeadline = clock.millis() + grace.toMillis();
        this.taking = false;
        lanes.forEach(Lane::wakeup);
    }

    /** Waits until every lane committed and closed its consumer. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Lane<?> lane : lanes) {
            lane.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (lane.alive()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (graceDeadline == Long.MAX_VALUE) {
            drain(Duration.ZERO, abandon);
        }
        try {
            awaitStopped(Duration.ofMillis(ABANDON_WAIT_MS + 20_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobs.shutdown();
    }

    ShareConsumer<byte[], byte[]> subscribed(int lane, int maxRecords) {
        ShareConsumer<byte[], byte[]> consumer = consumers.create(lane, maxRecords);
        consumer.subscribe(topics);
        return consumer;
    }

    boolean takingWork() {
        return taking;
    }

    /**
     * Called by draining lanes: runs the abandon hook once the grace period is over; true when
     * even the wait after it is over and the lane should close with jobs still running.
     */
    boolean abandonIfGraceOver(long now) {
        if (now < graceDeadline) {
            return false;
        }
        if (abandoned.compareAndSet(false, true)) {
            LOG.info("grace period over: handing {} running job(s) back to the queue", busySlots());
            abandon.run();
        }
        return now >= graceDeadline + ABANDON_WAIT_MS;
    }

    void renewed() {
        renewals.increment();
    }

    void laneFailed() {
        taking = false;
    }
}
