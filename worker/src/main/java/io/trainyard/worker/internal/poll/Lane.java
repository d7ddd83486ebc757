package io.trainyard.worker.internal.poll;

import io.trainyard.common.job.Priority;
import io.trainyard.worker.internal.poll.HeldRecords.Held;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.TopicIdPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One share consumer of one topic, the thread that alone touches it, and the batch of records it
 * holds (at most {@code capacity}, its consumer's {@code max.poll.records}).
 *
 * <p>In explicit acknowledgement mode a share consumer may not poll again until every record of
 * its last poll is acknowledged; RENEW counts, and a renewed record comes back on the next poll.
 * A poll fetches new records only when the consumer holds nothing and no renewal is unanswered.
 * So a lane works in rounds:
 *
 * <ul>
 *   <li>holding nothing, it asks the {@link SlotGate} whether it may take records (a fetch, once
 *       asked for, stays open until records come, so it counts against the worker's slots), and
 *       polls;
 *   <li>it begins the batch as a whole (a lower priority's in parts, see {@link #chunk}), runs its
 *       jobs, ends what ended together (in parts likewise) and acknowledges
 *       each record as the handler says (ACCEPT, RELEASE or REJECT);
 *   <li>every record still held at half the acquisition lock is renewed with RENEW, sent with a
 *       commit (not a fetch); once the broker confirmed every renewal, a poll takes the renewed
 *       records back without acquiring anything new.
 * </ul>
 *
 * Records whose start or end Redis could not record stay held and renewed, and are tried again
 * every second; meanwhile the gate lets no lane take more. Records handed back without being
 * run are counted and logged by the poller.
 */
final class Lane<W> implements SlotGate.Member {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
    /** Poll of an armed, idle lane; {@link #wakeup()} cuts it short when the worker stops. */
    private static final long IDLE_POLL_MS = 250;
    /** Longest wait for ended work or a free slot. */
    private static final long TICK_MS = 100;
    /** How often starts and ends that wait (for Redis, or for another worker's lease) are tried again. */
    private static final long RETRY_MS = 1_000;
    /** Records of a lower priority's batch started or ended by one Redis script ({@link #chunk}). */
    static final int LOWER_PRIORITY_PART = 100;
    /** Longest wait for the broker to confirm renewals before the consumer is replaced. */
    private static final long RENEW_COMMIT_MS = 5_000;

    private final int index;
    private final String topic;
    private final int capacity;
    private final LaneHost poller;
    private final SlotGate gate;
    private final RecordHandler<W> handler;
    private final Executor jobs;
    private final InstantSource clock;
    private final long configuredLockMs;
    private final Thread thread;
    private final LinkedBlockingQueue<Held<W>> ended = new LinkedBlockingQueue<>();
    private final List<Held<W>> endedNow = new ArrayList<>();
    private final HeldRecords<W> held;
    /** Held records whose start Redis could not record yet. */
    private final List<Held<W>> waiting = new ArrayList<>();
    /** Ended work whose end Redis could not record yet (orphans included). */
    private final List<Held<W>> unsettled = new ArrayList<>();
    private final LaneConsumer consumer;
    private volatile int busy;
    private volatile boolean armed;
    private volatile long armedAt;
    /** Whether its consumer polled once: a share consumer joins the group on its first poll. */
    private boolean joined;
    /** Jobs still running whose records went with a replaced consumer; they keep their slots. */
    private int orphans;
    /** Records of the batch being taken whose start did not go to Redis yet: they count as taken. */
    private int beginning;
    private boolean redisReachable = true;
    private long retryAt = Long.MAX_VALUE;
    /** Counts consumer replacements, so that a loop over records of a replaced consumer stops. */
    private int generation;

    Lane(int index, String topic, int capacity, LaneHost poller, SlotGate gate, RecordHandler<W> handler,
         Executor jobs, InstantSource clock, long configuredLockMs) {
        this.index = index;
        this.topic = topic;
        this.capacity = capacity;
        this.poller = poller;
        this.gate = gate;
        this.handler = handler;
        this.jobs = jobs;
        this.clock = clock;
        this.configuredLockMs = configuredLockMs;
        this.held = new HeldRecords<>(capacity);
        this.consumer = new LaneConsumer(index, this::subscribe, this::replaced);
        this.thread = Thread.ofPlatform().name("share-lane-" + index + "-" + topic).unstarted(this::loop);
    }

    /** Subscribes a first consumer on the caller's thread (so a bad configuration fails the start), then runs. */
    void start() {
        consumer.open();
        thread.start();
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /** Slots taken: records held and orphaned jobs still running. */
    @Override
    public int busy() {
        return busy;
    }

    /** Whether its consumer has a fetch open: records may arrive for it at any moment. */
    @Override
    public boolean armed() {
        return armed;
    }

    @Override
    public long armedAt() {
        return armedAt;
    }

    /** Called by the gate, which counts the lane's capacity as taken from now on. */
    @Override
    public void arm(long now) {
        armedAt = now;
        armed = true;
    }

    @Override
    public void claimed(int records) {
        busy += records;
    }

    boolean alive() {
        return thread.isAlive();
    }

    ShareConsumer<byte[], byte[]> consumer() {
        return consumer.current();
    }

    void wakeup() {
        consumer.wakeup();
    }

    void join(Duration timeout) throws InterruptedException {
        thread.join(timeout);
    }

    private void loop() {
        try {
            while (true) {
                endWork();
                long now = clock.millis();
                if (now >= retryAt) {
                    retryWaiting(now);
                }
                if (!poller.takingWork()) {
                    handBackWaiting("the worker is stopping");
                    if (held.isEmpty() && orphans == 0 && unsettled.isEmpty()) {
                        if (armed) {
                            handBackArmed();
                        }
                        break;
                    }
                    if (poller.abandonIfGraceOver(now)) {
                        LOG.warn("lane {}: {} job(s) did not end after the grace period and the hand-back; closing anyway",
                                index, busy);
                        break;
                    }
                }
                renewDue(now);
                if (held.renewalOverdue(now, lockMs())) {
                    consumer.replace(new IllegalStateException("renewal not confirmed within the lock"));
                } else if (held.isEmpty()) {
                    if (armed || (poller.takingWork() && (!joined || gate.tryArm(this, now)))) {
                        // The first poll of a consumer joins the group: it arms without asking.
                        if (!joined) {
                            joined = true;
                            arm(now);
                        }
                        poll(IDLE_POLL_MS);
                    } else {
                        consumer.commit(!held.renewalsConfirmed());
                        gate.awaitChange(TICK_MS);
                    }
                } else if (held.inFlight() == 0 && held.renewalsConfirmed()) {
                    poll(0);
                } else {
                    consumer.commit(!held.renewalsConfirmed());
                    Held<W> first = ended.poll(waitMillis(now), TimeUnit.MILLISECONDS);
                    if (first != null) {
                        endedNow.add(first);
                    }
                }
                updateBusy();
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
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeoutMs);
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
        int room = poller.takingWork() ? gate.claim(this, fresh.size(), now) : 0;
        if (room < fresh.size()) {
            // Given back, counted, without running them: the worker is stopping, or records of
            // several lanes arrived for the same free slots.
            handBack(fresh.subList(room, fresh.size()), poller.takingWork() ? "no free slot" : "the worker is stopping");
            fresh = fresh.subList(0, room);
            if (fresh.isEmpty()) {
                updateBusy();
                disarm();
                return;
            }
        }
        // The fetch is over and its records count as taken: another lane of the topic may open
        // one while this batch's start goes through Redis.
        beginning = fresh.size();
        int takenBy = generation;
        disarm();
        int chunk = chunk();
        for (int from = 0; from < fresh.size(); from += chunk) {
            int to = Math.min(fresh.size(), from + chunk);
            List<ConsumerRecord<byte[], byte[]>> part = fresh.subList(from, to);
            List<W> works;
            try {
                works = handler.begin(part);
            } catch (RuntimeException e) {
                LOG.error("lane {}: a batch of {} record(s) could not begin; handing it back", index, part.size(), e);
                handBack(part, "its batch could not begin: " + e);
                works = List.of();
            }
            for (int i = 0; i < works.size(); i++) {
                Held<W> h = held.add(part.get(i), works.get(i), now, renewAfter);
                dispatch(h);
            }
            beginning = fresh.size() - to;
            // Parked jobs (and jobs already over) free their slots before the next part begins.
            endWork();
            if (generation != takenBy) {
                // The consumer was replaced: the records not begun went with it.
                beginning = 0;
                updateBusy();
                gate.changed();
                return;
            }
            updateBusy();
            gate.changed();
        }
        scheduleWaiting(now);
    }

    /**
     * How many records of a batch go to Redis at once. Redis runs one script at a time, so a high
     * job's start waits behind any batch's script that came first: a lower priority's batch of 1,000
     * took 100 to 360 ms to start on a loaded box. Lower priorities start and end their batches in
     * parts of {@link #LOWER_PRIORITY_PART}, so that a high job waits at most for one part.
     */
    private int chunk() {
        return priority() == Priority.HIGH ? Integer.MAX_VALUE : LOWER_PRIORITY_PART;
    }

    /** Waiting work is tried again in a second; waiting for Redis also stops the worker taking more. */
    private void scheduleWaiting(long now) {
        if (waiting.isEmpty()) {
            return;
        }
        if (retryAt == Long.MAX_VALUE) {
            retryAt = now + RETRY_MS;
        }
        for (Held<W> h : waiting) {
            if (handler.waitsForRedis(h.work)) {
                redisLost(now);
                return;
            }
        }
    }

    /** Records arrived: the fetch is over (its records already count as taken). */
    private void disarm() {
        armed = false;
        gate.changed();
    }

    /** Runs begun work, keeps waiting work for a retry, ends settled work. */
    private void dispatch(Held<W> h) {
        if (handler.waits(h.work)) {
            waiting.add(h);
        } else if (handler.runs(h.work)) {
            jobs.execute(() -> run(h));
        } else {
            endedNow.add(h);
        }
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
        List<Held<W>> ending = new ArrayList<>(endedNow);
        endedNow.clear();
        int chunk = chunk();
        for (int from = 0; from < ending.size(); from += chunk) {
            settle(ending.subList(from, Math.min(ending.size(), from + chunk)));
        }
    }

    private void settle(List<Held<W>> ending) {
        List<W> works = new ArrayList<>(ending.size());
        for (Held<W> h : ending) {
            works.add(h.work);
        }
        List<AcknowledgeType> acks;
        try {
            acks = handler.end(works);
        } catch (RuntimeException e) {
            LOG.error("lane {}: {} ended job(s) could not be settled; trying again", index, works.size(), e);
            acks = new ArrayList<>(Collections.nCopies(works.size(), (AcknowledgeType) null));
        }
        boolean anyUnsettled = false;
        for (int i = 0; i < ending.size(); i++) {
            Held<W> h = ending.get(i);
            AcknowledgeType ack = acks.get(i);
            if (ack == null) {
                unsettled.add(h);
                anyUnsettled = true;
            } else if (h.orphan) {
                orphans--;
            } else if (h.renewing) {
                h.pendingAck = ack;
            } else {
                acknowledge(h, ack);
            }
        }
        if (anyUnsettled) {
            redisLost(clock.millis());
        }
        updateBusy();
        gate.changed();
    }

    /** Tries again the starts and ends that wait; the gate reopens once none waits for Redis. */
    private void retryWaiting(long now) {
        if (!unsettled.isEmpty()) {
            List<Held<W>> again = new ArrayList<>(unsettled);
            unsettled.clear();
            settle(again);
        }
        if (!waiting.isEmpty()) {
            List<Held<W>> again = new ArrayList<>(waiting);
            waiting.clear();
            List<W> works = new ArrayList<>(again.size());
            for (Held<W> h : again) {
                works.add(h.work);
            }
            try {
                handler.retryBegin(works);
            } catch (RuntimeException e) {
                LOG.warn("lane {}: {} start(s) could not be retried: {}", index, works.size(), e.toString());
            }
            again.forEach(this::dispatch);
        }
        boolean redisWaits = !unsettled.isEmpty() || waiting.stream().anyMatch(h -> handler.waitsForRedis(h.work));
        if (redisWaits && redisReachable) {
            redisLost(now);
        } else if (!redisWaits && !redisReachable) {
            redisReachable = true;
            gate.redis(true);
            LOG.info("lane {}: Redis answers again; taking work", index);
        }
        if (waiting.isEmpty() && unsettled.isEmpty()) {
            retryAt = Long.MAX_VALUE;
        } else {
            retryAt = now + RETRY_MS;
        }
    }

    private void redisLost(long now) {
        if (retryAt == Long.MAX_VALUE) {
            retryAt = now + RETRY_MS;
        }
        if (redisReachable) {
            redisReachable = false;
            gate.redis(false);
            LOG.warn("lane {}: Redis out of reach; keeping {} record(s) and taking no more until it answers", index,
                    held.size());
        }
    }

    /** Work that never started goes back to the queue when the worker stops. */
    private void handBackWaiting(String reason) {
        for (Held<W> h : waiting) {
            if (h.orphan) {
                orphans--;
                continue;
            }
            AcknowledgeType type = poller.handBack(handler, h.record, reason);
            if (h.renewing) {
                h.pendingAck = type;
            } else {
                acknowledge(h, type);
            }
        }
        waiting.clear();
    }

    /** An armed consumer may have records already on their way: take them and give them back. */
    private void handBackArmed() {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        consumer.takeArrived().forEach(all::add);
        handBack(all, "the worker is stopping");
        armed = false;
    }

    private void handBack(List<ConsumerRecord<byte[], byte[]>> records, String reason) {
        List<AcknowledgeType> types = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            types.add(poller.handBack(handler, record, reason));
        }
        consumer.acknowledge(records, types);
    }

    private void acknowledge(Held<W> h, AcknowledgeType type) {
        held.acknowledged(h);
        consumer.acknowledge(h.record, type);
    }

    /**
     * Sends RENEW for every record due and waits for the broker's answer (a commit, not a fetch);
     * a renewal unanswered for a whole lock replaces the consumer.
     */
    private void renewDue(long now) {
        List<ConsumerRecord<byte[], byte[]>> due = new ArrayList<>();
        held.renewDue(now, lockMs() / 2, h -> {
            due.add(h.record);
            poller.renewed();
        });
        consumer.renew(due, Math.min(RENEW_COMMIT_MS, lockMs() / 4));
    }

    /**
     * The consumer's report of acknowledgements the broker answered (on this thread, inside a
     * consumer call): confirms renewals, and lets go of records whose renewal was refused.
     */
    void acknowledgementsAnswered(Map<TopicIdPartition, Set<Long>> offsets, Exception failure) {
        for (Map.Entry<TopicIdPartition, Set<Long>> entry : offsets.entrySet()) {
            TopicIdPartition tip = entry.getKey();
            for (long offset : entry.getValue()) {
                Held<W> h = held.renewalAnswered(tip.topic(), tip.partition(), offset, failure == null);
                if (h != null && failure != null) {
                    LOG.warn("lane {}: renewal of {}-{}@{} refused ({}); the record is no longer the lane's",
                            index, tip.topic(), tip.partition(), offset, failure.toString());
                    if (waiting.remove(h)) {
                        // Never started: nothing of it runs here, and its record goes back to the queue.
                        continue;
                    }
                    if (h.pendingAck == null) {
                        h.orphan = true;
                        orphans++;
                    }
                }
            }
        }
    }

    private long waitMillis(long now) {
        long checkAt = Math.min(held.renewCheckAt(), retryAt);
        long wait = checkAt == Long.MAX_VALUE ? TICK_MS : Math.min(TICK_MS, checkAt - now);
        return Math.max(1, wait);
    }

    private void updateBusy() {
        busy = held.size() + orphans + beginning;
    }

    /** Its consumer was replaced after an error; jobs still running keep their slots until they end. */
    private void replaced(Exception cause) {
        for (Held<W> h : waiting) {
            // Never started: its record goes with the consumer; nothing of it is left to end.
            h.orphan = true;
        }
        orphans += held.orphanAll();
        orphans -= waiting.size();
        waiting.clear();
        armed = false;
        joined = false;
        generation++;
        updateBusy();
        gate.changed();
    }

    private ShareConsumer<byte[], byte[]> subscribe() {
        ShareConsumer<byte[], byte[]> fresh = poller.subscribed(index, topic, capacity);
        fresh.setAcknowledgementCommitCallback(this::acknowledgementsAnswered);
        return fresh;
    }

    private void close() {
        consumer.close(held.inFlightRecords());
        armed = false;
        busy = 0;
        if (!redisReachable) {
            redisReachable = true;
            gate.redis(true);
        }
        gate.changed();
    }

    private long lockMs() {
        return consumer.lockMs(configuredLockMs);
    }
}
