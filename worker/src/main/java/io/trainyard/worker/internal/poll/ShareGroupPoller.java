package io.trainyard.worker.internal.poll;

import io.trainyard.common.job.Priority;
import io.trainyard.common.kafka.Topics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's intake: for each topic, lanes whose capacities add up to the worker's slots; a
 * {@link Lane} is one share consumer of one topic with a poll thread of its own, taking up to its
 * capacity of records per poll. Every lane of a topic shares all of the topic's partitions with
 * the other workers' lanes (a share group assigns a partition to many consumers), so a job waits
 * only while no worker has a free slot for it. The {@link SlotGate} lets an idle lane ask for
 * records only while the worker has room for them. Jobs run on virtual threads.
 *
 * <p>Shutdown, in order ({@link #drain}, then {@link #close}): the lanes stop taking records and
 * hand back those they hold but never started; running jobs get the grace period to finish; then
 * the abandon hook runs (it stops the jobs, which mark their runs QUEUED again and hand their
 * records back with RELEASE); each lane commits its acknowledgements and closes its consumer.
 * Only then may the caller close Redis and Kafka clients.
 */
public final class ShareGroupPoller implements AutoCloseable, LaneHost {
    private static final Logger LOG = LoggerFactory.getLogger(ShareGroupPoller.class);
    /** After the abandon hook, how long jobs have to hand their records back before the consumers close. */
    static final long ABANDON_WAIT_MS = 10_000;
    /** After that, how long a lane has to commit and close its consumer. */
    static final long CLOSE_WAIT_MS = 5_000;

    /** Creates lane {@code lane}'s consumer: explicit acknowledgement, at most {@code maxRecords} per poll. */
    @FunctionalInterface
    public interface ConsumerFactory {
        ShareConsumer<byte[], byte[]> create(int lane, int maxRecords);
    }

    private final ConsumerFactory consumers;
    private final List<String> topics;
    /** Most lanes a high topic's reserved slots are split over. */
    static final int RESERVE_LANES = 4;

    private final List<Lane<?>> lanes = new ArrayList<>();
    private final ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
    private final InstantSource clock;
    private final SlotGate gate;
    private final LongAdder renewals = new LongAdder();
    private final LongAdder handedBack = new LongAdder();
    private final AtomicBoolean abandoned = new AtomicBoolean();
    private volatile boolean taking = true;
    private volatile long graceDeadline = Long.MAX_VALUE;
    private volatile Runnable abandon = () -> {};

    /**
     * @param capacities each topic's lanes' record limits (their consumers' max.poll.records); their sum is the slots
     * @param lockMs the acquisition lock the group is configured with, until the broker reports its own
     */
    public <W> ShareGroupPoller(ConsumerFactory consumers, List<String> topics, int[] capacities,
                                RecordHandler<W> handler, InstantSource clock, long lockMs) {
        this(consumers, topics, capacities, handler, clock, lockMs, SlotGate.DEFAULT_LOW_SHARE, 0);
    }

    /**
     * @param lowShare of every this many fetches while jobs of several priorities wait, at least one
     *     goes to a waiting lower priority (see {@link SlotGate})
     * @param highReserve slots kept for high-priority jobs; each high-priority topic gets lanes more
     *     of that capacity in all ({@link #reserveCapacities}), which keep a fetch open in them
     */
    public <W> ShareGroupPoller(ConsumerFactory consumers, List<String> topics, int[] capacities,
                                RecordHandler<W> handler, InstantSource clock, long lockMs, int lowShare,
                                int highReserve) {
        this.consumers = consumers;
        this.topics = List.copyOf(topics);
        this.clock = clock;
        int slots = 0;
        for (int capacity : capacities) {
            slots += capacity;
        }
        this.gate = new SlotGate(slots, lowShare, highReserve);
        for (String topic : this.topics) {
            if (highReserve > 0 && Topics.priorityOf(topic) == Priority.HIGH) {
                for (int capacity : reserveCapacities(highReserve)) {
                    lanes.add(new Lane<>(lanes.size(), topic, capacity, this, gate, handler, jobs, clock, lockMs));
                }
            }
            for (int capacity : capacities) {
                lanes.add(new Lane<>(lanes.size(), topic, capacity, this, gate, handler, jobs, clock, lockMs));
            }
        }
        gate.lanes(lanes);
    }

    /**
     * The capacities of a high topic's reserve lanes: {@code highReserve} split over up to
     * {@link #RESERVE_LANES} lanes. A share consumer fetches again only once every record of its
     * last fetch is acknowledged, so a single reserve lane has no fetch open from the moment its
     * records arrive until their jobs ended in Redis; the next high job waited for that (measured:
     * the lane armed 20 to 225 ms after the high record was written, under a low backlog). With
     * several, while one holds its jobs the next keeps the fetch open.
     */
    static int[] reserveCapacities(int highReserve) {
        int n = Math.min(highReserve, RESERVE_LANES);
        int[] capacities = new int[n];
        for (int i = 0; i < n; i++) {
            capacities[i] = highReserve / n + (i < highReserve % n ? 1 : 0);
        }
        return capacities;
    }

    public ShareGroupPoller start() {
        lanes.forEach(Lane::start);
        return this;
    }

    public int slots() {
        return gate.slots();
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

    /** Records given back to the queue without being run (the worker stopped, or could not start them). */
    public long handedBack() {
        return handedBack.sum();
    }

    /** Whether the lanes take work: false while Redis is out of reach (records held wait for it). */
    public boolean redisReachable() {
        return gate.redisReachable();
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
        gate.close();
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

    /**
     * Drains (at once, unless {@link #drain} came first) and waits until every lane handed back
     * its records and closed its consumer: the rest of the grace period, the hand-back, the close.
     */
    @Override
    public void close() {
        if (graceDeadline == Long.MAX_VALUE) {
            drain(Duration.ZERO, abandon);
        }
        long left = Math.max(0, graceDeadline - clock.millis());
        try {
            if (!awaitStopped(Duration.ofMillis(left + ABANDON_WAIT_MS + CLOSE_WAIT_MS))) {
                LOG.warn("a lane did not close within the grace period and the hand-back");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobs.shutdown();
    }

    @Override
    public ShareConsumer<byte[], byte[]> subscribed(int lane, String topic, int maxRecords) {
        ShareConsumer<byte[], byte[]> consumer = consumers.create(lane, maxRecords);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Gives back a record that was never run, counted and logged. */
    @Override
    public AcknowledgeType handBack(RecordHandler<?> handler, ConsumerRecord<byte[], byte[]> record, String reason) {
        AcknowledgeType type = handler.handBack(record, reason);
        handedBack.increment();
        LOG.info("event=handed_back topic={} partition={} offset={} deliveries={} ack={} reason=\"{}\"",
                record.topic(), record.partition(), record.offset(), record.deliveryCount().orElse((short) 0), type, reason);
        return type;
    }

    @Override
    public boolean takingWork() {
        return taking;
    }

    /**
     * Called by draining lanes: runs the abandon hook once the grace period is over; true when
     * even the wait after it is over and the lane should close with jobs still running.
     */
    @Override
    public boolean abandonIfGraceOver(long now) {
        if (now < graceDeadline) {
            return false;
        }
        if (abandoned.compareAndSet(false, true)) {
            LOG.info("grace period over: handing {} running job(s) back to the queue", busySlots());
            abandon.run();
        }
        return now >= graceDeadline + ABANDON_WAIT_MS;
    }

    @Override
    public void renewed() {
        renewals.increment();
    }

    @Override
    public void laneFailed() {
        taking = false;
    }
}
