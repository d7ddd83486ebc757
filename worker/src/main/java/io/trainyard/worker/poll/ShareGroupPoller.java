package io.trainyard.worker.poll;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one polling thread. It owns a {@link Lane} (a share consumer holding at most one
 * record) per slot, so the worker never holds more records than it has free slots. Each record
 * runs on a virtual thread; its acknowledgement comes back through a queue and is applied here:
 * ACCEPT (terminal), RELEASE (retry, shutdown) or REJECT (poison), then committed asynchronously
 * once per loop. A record whose job outlives half the acquisition lock is sent RENEW.
 *
 * <p>Shutdown ({@link #drain}): stop polling, keep acknowledging and renewing while running jobs
 * finish, call the abandon hook when the grace period is over (the jobs then end and return
 * RELEASE), commit, close.
 */
public final class ShareGroupPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShareGroupPoller.class);
    private static final long TICK_MS = 100;
    /**
     * Bounds of one idle lane's poll. The thread polls idle lanes one after another and a fetch
     * takes several milliseconds to come back, so while work flows each lane is polled briefly
     * (a poll much shorter than a couple of milliseconds returns before the consumer's network
     * thread has done anything); when nothing happened for a while, longer polls save CPU.
     */
    private static final long MIN_POLL_MS = 2;
    private static final long MAX_POLL_MS = 10;
    /** How long after the last record or completion the lanes are polled at the shortest interval. */
    private static final long HOT_MS = 1_000;
    /** After the abandon hook, how long jobs have to hand their records back before the consumers close. */
    private static final long ABANDON_WAIT_MS = 10_000;

    /** Runs one record to an acknowledgement; called on a virtual thread. */
    @FunctionalInterface
    public interface RecordHandler {
        AcknowledgeType handle(ConsumerRecord<byte[], byte[]> record) throws Exception;
    }

    private record Completion(int lane, AcknowledgeType ack) {}

    private final IntFunction<ShareConsumer<byte[], byte[]>> consumers;
    private final List<String> topics;
    private final Lane[] lanes;
    private final RecordHandler handler;
    private final InstantSource clock;
    private final long configuredLockMs;
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean taking = true;
    private volatile long graceDeadline = Long.MAX_VALUE;
    private volatile Runnable abandon = () -> {};
    private volatile Lane polling;
    private volatile int busy;
    private long lastActivity;

    /**
     * @param consumers creates lane {@code i}'s consumer (explicit acknowledgement, record limit 1)
     * @param lockMs the acquisition lock the group is configured with, until the broker reports its own
     */
    public ShareGroupPoller(IntFunction<ShareConsumer<byte[], byte[]>> consumers, List<String> topics, int slots,
                            RecordHandler handler, InstantSource clock, long lockMs) {
        this.consumers = consumers;
        this.topics = List.copyOf(topics);
        this.lanes = new Lane[slots];
        this.handler = handler;
        this.clock = clock;
        this.configuredLockMs = lockMs;
        this.thread = Thread.ofPlatform().name("share-poller").unstarted(this::loop);
    }

    public ShareGroupPoller start() {
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i, subscribed(i));
        }
        thread.start();
        return this;
    }

    public int slots() {
        return lanes.length;
    }

    public int busySlots() {
        return busy;
    }

    /** Polling and taking work. */
    public boolean taking() {
        return taking && thread.isAlive();
    }

    /**
     * Stops taking work; running jobs get {@code grace} to finish, then {@code abandonHook} runs
     * (it should make them end soon and hand their records back).
     */
    public void drain(Duration grace, Runnable abandonHook) {
        this.abandon = abandonHook;
        this.graceDeadline = clock.millis() + grace.toMillis();
        this.taking = false;
        wakeup();
    }

    /** Waits until the poll thread committed and closed its consumers. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (taking) {
            drain(Duration.ZERO, abandon);
        }
        try {
            awaitStopped(Duration.ofMillis(ABANDON_WAIT_MS + 20_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobs.shutdown();
    }

    private ShareConsumer<byte[], byte[]> subscribed(int lane) {
        ShareConsumer<byte[], byte[]> consumer = consumers.apply(lane);
        consumer.subscribe(topics);
        return consumer;
    }

    private void loop() {
        boolean abandoned = false;
        try {
            while (true) {
                applyCompletions();
                long now = clock.millis();
                if (!taking) {
                    if (busy == 0) {
                        break;
                    }
                    if (!abandoned && now >= graceDeadline) {
                        abandoned = true;
                        LOG.info("grace period over: handing {} running job(s) back to the queue", busy);
                        abandon.run();
                    }
                    if (abandoned && now >= graceDeadline + ABANDON_WAIT_MS) {
                        LOG.warn("{} job(s) did not end after the grace period; closing anyway", busy);
                        break;
                    }
                }
                int idle = 0;
                for (Lane lane : lanes) {
                    renewIfDue(lane, now);
                    if (lane.state == Lane.State.IDLE) {
                        idle++;
                    }
                }
                for (Lane lane : lanes) {
                    if (lane.state == Lane.State.RENEWING) {
                        pollRenewing(lane, now);
                    }
                }
                commitDirty();
                if (taking && idle > 0) {
                    boolean hot = now - lastActivity < HOT_MS || !completions.isEmpty();
                    long timeout = hot ? MIN_POLL_MS : idlePollMillis(idle);
                    for (Lane lane : lanes) {
                        if (lane.state == Lane.State.IDLE && taking) {
                            pollIdle(lane, timeout);
                        }
                    }
                } else {
                    Completion next = completions.poll(TICK_MS, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        apply(next);
                    }
                }
                busy = countBusy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the poll loop failed; the worker stops taking work", e);
            taking = false;
        } finally {
            closeLanes();
            stopped.countDown();
        }
    }

    private void pollIdle(Lane lane, long timeoutMs) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            polling = lane;
            records = lane.consumer.poll(Duration.ofMillis(timeoutMs));
        } catch (WakeupException e) {
            return;
        } catch (KafkaException | IllegalStateException e) {
            reset(lane, e);
            return;
        } finally {
            polling = null;
        }
        Iterator<ConsumerRecord<byte[], byte[]>> it = records.iterator();
        if (!it.hasNext()) {
            return;
        }
        ConsumerRecord<byte[], byte[]> record = it.next();
        lastActivity = clock.millis();
        lane.held = record;
        lane.state = Lane.State.BUSY;
        lane.lockedAt = clock.millis();
        busy = countBusy();
        // A lane asks for one record; should the broker hand out more, the surplus goes straight back.
        while (it.hasNext()) {
            lane.consumer.acknowledge(it.next(), AcknowledgeType.RELEASE);
            lane.dirty = true;
        }
        int index = lane.index;
        jobs.submit(() -> {
            AcknowledgeType ack;
            try {
                ack = handler.handle(record);
            } catch (Throwable t) {
                LOG.error("record {}-{}@{} failed unexpectedly; releasing it", record.topic(), record.partition(),
                        record.offset(), t);
                ack = AcknowledgeType.RELEASE;
            }
            completions.add(new Completion(index, ack));
            wakeup();
        });
    }

    private void renewIfDue(Lane lane, long now) {
        if (lane.state != Lane.State.BUSY || now - lane.lockedAt < lockMs(lane) / 2) {
            return;
        }
        try {
            lane.consumer.acknowledge(lane.held, AcknowledgeType.RENEW);
            lane.state = Lane.State.RENEWING;
            lane.renewingSince = now;
        } catch (KafkaException | IllegalStateException e) {
            reset(lane, e);
        }
    }

    private void pollRenewing(Lane lane, long now) {
        try {
            polling = lane;
            for (ConsumerRecord<byte[], byte[]> record : lane.consumer.poll(Duration.ZERO)) {
                if (lane.state == Lane.State.RENEWING && lane.holds(record)) {
                    lane.held = record;
                    lane.lockedAt = now;
                    lane.state = Lane.State.BUSY;
                    if (lane.pendingAck != null) {
                        lane.acknowledge(lane.pendingAck);
                    }
                } else {
                    lane.consumer.acknowledge(record, AcknowledgeType.RELEASE);
                    lane.dirty = true;
                }
            }
        } catch (WakeupException e) {
            return;
        } catch (KafkaException | IllegalStateException e) {
            reset(lane, e);
            return;
        } finally {
            polling = null;
        }
        if (lane.state == Lane.State.RENEWING && now - lane.renewingSince > lockMs(lane)) {
            reset(lane, new IllegalStateException("renewal not confirmed within the lock"));
        }
    }

    private void applyCompletions() {
        Completion c;
        while ((c = completions.poll()) != null) {
            apply(c);
        }
    }

    private void apply(Completion c) {
        Lane lane = lanes[c.lane()];
        lastActivity = clock.millis();
        try {
            switch (lane.state) {
                case BUSY -> lane.acknowledge(c.ack());
                case RENEWING -> lane.pendingAck = c.ack();
                case ORPHANED -> {
                    lane.state = Lane.State.IDLE;
                    lane.held = null;
                }
                case IDLE -> LOG.warn("completion for idle lane {}", lane.index);
            }
        } catch (KafkaException | IllegalStateException e) {
            reset(lane, e);
            lane.state = Lane.State.IDLE;
        }
    }

    private void commitDirty() {
        for (Lane lane : lanes) {
            if (lane.dirty) {
                lane.dirty = false;
                try {
                    lane.consumer.commitAsync();
                } catch (KafkaException | IllegalStateException e) {
                    reset(lane, e);
                }
            }
        }
    }

    /** Replaces a lane's consumer after an error; a job still running on it keeps its slot until it ends. */
    private void reset(Lane lane, Exception cause) {
        LOG.warn("lane {}: {}; replacing its consumer", lane.index, cause.toString());
        boolean jobRunning = (lane.state == Lane.State.BUSY || lane.state == Lane.State.RENEWING) && lane.pendingAck == null;
        try {
            lane.consumer.close(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            // Closing a broken consumer may fail too; its records' locks expire on the broker.
        }
        lane.held = null;
        lane.pendingAck = null;
        lane.dirty = false;
        lane.state = jobRunning ? Lane.State.ORPHANED : Lane.State.IDLE;
        lane.consumer = subscribed(lane.index);
    }

    private void closeLanes() {
        for (Lane lane : lanes) {
            if (lane == null) {
                continue;
            }
            try {
                if (lane.state == Lane.State.BUSY) {
                    lane.acknowledge(AcknowledgeType.RELEASE);
                }
                lane.consumer.commitSync(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("lane {}: final commit failed: {}", lane.index, e.toString());
            }
            try {
                lane.consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("lane {}: close failed: {}", lane.index, e.toString());
            }
        }
        busy = 0;
    }

    private static long idlePollMillis(int idleLanes) {
        return Math.max(MIN_POLL_MS, Math.min(MAX_POLL_MS, TICK_MS / idleLanes));
    }

    private long lockMs(Lane lane) {
        return lane.consumer.acquisitionLockTimeoutMs().map(Integer::longValue).orElse(configuredLockMs);
    }

    private int countBusy() {
        int n = 0;
        for (Lane lane : lanes) {
            if (lane != null && lane.state != Lane.State.IDLE) {
                n++;
            }
        }
        return n;
    }

    private void wakeup() {
        Lane lane = polling;
        if (lane != null) {
            lane.consumer.wakeup();
        }
    }
}
