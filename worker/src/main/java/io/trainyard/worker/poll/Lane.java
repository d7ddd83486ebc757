package io.trainyard.worker.poll;

import io.trainyard.worker.poll.HeldRecords.Held;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One share consumer, the thread that alone touches it, and the batch of records it holds (at
 * most {@code capacity}, its consumer's {@code max.poll.records}).
 *
 * <p>In explicit acknowledgement mode a share consumer may not poll again until every record of
 * its last poll is acknowledged; RENEW counts, but a renewed record comes back on the next poll
 * and nothing new comes with it. So a lane works in rounds: poll a batch, begin it as a whole,
 * run its jobs, end what ended as a whole and acknowledge each record as the handler says
 * (ACCEPT, RELEASE or REJECT), RENEW those still running at half the acquisition lock, and poll
 * for new records once none is left in flight. Acknowledgements are committed asynchronously once
 * per loop while jobs run, or ride on the next poll when the lane is about to poll anyway.
 */
final class Lane<W> {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
    /** Poll of an idle lane; {@link #wakeup()} cuts it short when the worker stops. */
    private static final long IDLE_POLL_MS = 1_000;
    /** Longest wait for ended work, and the poll while renewed records are on their way back. */
    private static final long TICK_MS = 100;

    private final int index;
    private final int capacity;
    private final ShareGroupPoller poller;
    private final RecordHandler<W> handler;
    private final Executor jobs;
    private final InstantSource clock;
    private final long configuredLockMs;
    private final Thread thread;
    private final LinkedBlockingQueue<Held<W>> ended = new LinkedBlockingQueue<>();
    private final List<Held<W>> endedNow = new ArrayList<>();
    private final HeldRecords<W> held;
    private volatile ShareConsumer<byte[], byte[]> consumer;
    private volatile int busy;
    /** Jobs still running whose records went with a replaced consumer; they keep their slots. */
    private int orphans;
    private boolean dirty;
    /** Counts consumer replacements, so that a loop over records of a replaced consumer stops. */
    private int generation;

    Lane(int index, int capacity, ShareGroupPoller poller, RecordHandler<W> handler, Executor jobs,
         InstantSource clock, long configuredLockMs) {
        this.index = index;
        this.capacity = capacity;
        this.poller = poller;
        this.handler = handler;
        this.jobs = jobs;
        this.clock = clock;
        this.configuredLockMs = configuredLockMs;
        this.held = new HeldRecords<>(capacity);
        this.thread = Thread.ofPlatform().name("share-lane-" + index).unstarted(this::loop);
    }

    /** Subscribes a first consumer on the caller's thread (so a bad configuration fails the start), then runs. */
    void start() {
        consumer = poller.subscribed(index, capacity);
        thread.start();
    }

    int capacity() {
        return capacity;
    }

    /** Slots taken: records held and orphaned jobs still running. */
    int busy() {
        return busy;
    }

    boolean alive() {
        return thread.isAlive();
    }

    ShareConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    void wakeup() {
        ShareConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    void join(Duration timeout) throws InterruptedException {
        thread.join(timeout);
    }

    private void loop() {
        try {
            while (true) {
                endWork();
                long now = clock.millis();
                if (!poller.takingWork()) {
                    if (held.isEmpty() && orphans == 0) {
                        break;
                    }
                    if (poller.abandonIfGraceOver(now)) {
                        LOG.warn("lane {}: {} job(s) did not end after the grace period; closing anyway", index, busy);
                        break;
                    }
                }
                renewDue(now);
                if (held.renewalOverdue(now, lockMs())) {
                    reset(new IllegalStateException("renewal not confirmed within the lock"));
                } else if (held.inFlight() == 0 && orphans == 0) {
                    poll(held.isEmpty() ? IDLE_POLL_MS : TICK_MS);
                } else {
                    commitIfDirty();
                    Held<W> first = ended.poll(waitMillis(now), TimeUnit.MILLISECONDS);
                    if (first != null) {
                        endedNow.add(first);
                    }
                }
                busy = held.size() + orphans;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("lane {}: the poll loop failed; the worker stops taking work", index, e);
            poller.laneFailed();
        } finally {
            close();
        }
    }

    private void poll(long timeoutMs) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(Duration.ofMillis(timeoutMs));
        } catch (WakeupException e) {
            return;
        } catch (KafkaException | IllegalStateException e) {
            reset(e);
            return;
        }
        if (records.isEmpty()) {
            return;
        }
        long now = clock.millis();
        long renewAfter = lockMs() / 2;
        int polledBy = generation;
        List<ConsumerRecord<byte[], byte[]>> fresh = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Held<W> back = held.renewed(record, now, renewAfter);
            if (back == null) {
                fresh.add(record);
            } else if (back.pendingAck != null) {
                // Its job ended while the renewal was on its way: acknowledge it now.
                acknowledge(back, back.pendingAck);
                if (generation != polledBy) {
                    return;
                }
            }
        }
        if (!fresh.isEmpty()) {
            take(fresh, now, renewAfter);
        }
    }

    private void take(List<ConsumerRecord<byte[], byte[]>> fresh, long now, long renewAfter) {
        int room = poller.takingWork() ? capacity - held.size() - orphans : 0;
        if (fresh.size() > room) {
            // Not expected (the consumer asks for at most `capacity`), but a worker never holds more than its slots.
            if (!release(fresh.subList(Math.max(0, room), fresh.size()))) {
                return;
            }
            fresh = fresh.subList(0, Math.max(0, room));
            if (fresh.isEmpty()) {
                return;
            }
        }
        List<W> works;
        try {
            works = handler.begin(fresh);
        } catch (RuntimeException e) {
            LOG.error("lane {}: a batch of {} record(s) could not begin; releasing it", index, fresh.size(), e);
            release(fresh);
            return;
        }
        for (int i = 0; i < works.size(); i++) {
            Held<W> h = held.add(fresh.get(i), works.get(i), now, renewAfter);
            if (handler.runs(h.work)) {
                jobs.execute(() -> run(h));
            } else {
                endedNow.add(h);
            }
        }
        busy = held.size() + orphans;
    }

    private void run(Held<W> h) {
        try {
            handler.run(h.work);
        } catch (Throwable t) {
            LOG.error("lane {}: record {}-{}@{} failed unexpectedly", index, h.record.topic(), h.record.partition(),
                    h.record.offset(), t);
        } finally {
            ended.add(h);
        }
    }

    /** Ends the work that ended since the last call, in one go, and acknowledges its records. */
    private void endWork() {
        ended.drainTo(endedNow);
        if (endedNow.isEmpty()) {
            return;
        }
        List<W> works = new ArrayList<>(endedNow.size());
        for (Held<W> h : endedNow) {
            works.add(h.work);
        }
        List<AcknowledgeType> acks;
        try {
            acks = handler.end(works);
        } catch (RuntimeException e) {
            LOG.error("lane {}: {} ended job(s) could not be settled; releasing them", index, works.size(), e);
            acks = Collections.nCopies(works.size(), AcknowledgeType.RELEASE);
        }
        for (int i = 0; i < endedNow.size(); i++) {
            Held<W> h = endedNow.get(i);
            if (h.orphan) {
                orphans--;
            } else if (h.renewing) {
                h.pendingAck = acks.get(i);
            } else {
                acknowledge(h, acks.get(i));
            }
        }
        endedNow.clear();
    }

    private void acknowledge(Held<W> h, AcknowledgeType type) {
        held.acknowledged(h);
        try {
            consumer.acknowledge(h.record, type);
            dirty = true;
        } catch (KafkaException | IllegalStateException e) {
            reset(e);
        }
    }

    private void renewDue(long now) {
        try {
            held.renewDue(now, lockMs() / 2, h -> {
                consumer.acknowledge(h.record, AcknowledgeType.RENEW);
                dirty = true;
                poller.renewed();
            });
        } catch (KafkaException | IllegalStateException e) {
            reset(e);
        }
    }

    /** Hands records straight back; false when that failed and the consumer was replaced. */
    private boolean release(List<ConsumerRecord<byte[], byte[]>> records) {
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                consumer.acknowledge(record, AcknowledgeType.RELEASE);
            }
            dirty = true;
            return true;
        } catch (KafkaException | IllegalStateException e) {
            reset(e);
            return false;
        }
    }

    private void commitIfDirty() {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            consumer.commitAsync();
        } catch (KafkaException | IllegalStateException e) {
            reset(e);
        }
    }

    private long waitMillis(long now) {
        long checkAt = held.renewCheckAt();
        long wait = checkAt == Long.MAX_VALUE ? TICK_MS : Math.min(TICK_MS, checkAt - now);
        return Math.max(1, wait);
    }

    /** Replaces the consumer after an error; jobs still running keep their slots until they end. */
    private void reset(Exception cause) {
        LOG.warn("lane {}: {}; replacing its consumer", index, cause.toString());
        try {
            consumer.close(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            // Closing a broken consumer may fail too; its records' locks expire on the broker.
        }
        orphans += held.orphanAll();
        dirty = false;
        generation++;
        consumer = poller.subscribed(index, capacity);
    }

    private void close() {
        try {
            for (ConsumerRecord<byte[], byte[]> record : held.inFlightRecords()) {
                consumer.acknowledge(record, AcknowledgeType.RELEASE);
            }
            try {
                consumer.commitSync(Duration.ofSeconds(5));
            } catch (WakeupException e) {
                // The stop's wakeup, meant for a poll, met the commit instead: once more.
                consumer.commitSync(Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            LOG.warn("lane {}: final commit failed: {}", index, e.toString());
        }
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("lane {}: close failed: {}", index, e.toString());
        }
        busy = 0;
    }

    private long lockMs() {
        return consumer.acquisitionLockTimeoutMs().map(Integer::longValue).orElse(configuredLockMs);
    }
}
