package io.trainyard.worker.internal.poll;

import io.trainyard.common.job.Priority;
import io.trainyard.common.kafka.Topics;
import java.util.List;

/**
 * Keeps what a worker's {@link Lane}s hold within its slots while offering every free slot to
 * every topic.
 *
 * <p>A share consumer that polled while holding nothing is <em>armed</em>: its fetch stays open
 * in the background until records arrive. A consumer joins the share group only when it first
 * polls, so every lane polls once when it starts and is armed from then on, until records come.
 * Afterwards a lane arms again only with the gate's leave: when its capacity fits in the free
 * slots and no other lane of its topic armed less than {@link #QUIET_MS} ago. One armed lane per
 * topic takes a topic's records as fast as they come (when records arrive, the next lane of the
 * topic arms at once); a lane that waited {@link #QUIET_MS} in vain lets another ask too, as it
 * may not have the partitions the records are on.
 *
 * <p>Records that arrive are {@link #claim claimed}: as many as there are free slots start, and
 * the rest (possible only when lanes armed at start-up, or of several topics, receive records at
 * the same moment) are handed back to the queue without being run, counted and logged.
 *
 * <p>Priorities: lanes of a higher priority's topic come first. A lane may not arm while a
 * higher priority's topic has no armed lane but a lane waiting to arm (that topic's records wait
 * for a free slot), nor while records of a higher priority found no free slot and were handed
 * back less than {@link #QUIET_MS} ago (they wait in their topic for the next free slot, and a
 * lower lane's fetch open beside the higher one's would race it for that slot), with one
 * exception, so that lower priorities are never starved: once {@code lowShare - 1} lanes of
 * higher priorities armed while a lane of a lower priority waited, the next free slot goes to the
 * lower priority. So of every {@code lowShare} fetches made while priorities compete, at least
 * one is a waiting lower priority's.
 *
 * <p>{@code highReserve} slots more are kept for high-priority jobs alone: lanes of lower
 * priorities fill at most {@code slots}, high ones {@code slots + highReserve}, so a high lane can
 * hold a fetch open while lower jobs fill every other slot, and a high job is picked up as fast as
 * on an idle queue.
 *
 * <p>No lane arms while the worker drains or Redis is out of reach.
 */
final class SlotGate {
    /** What the gate needs of a lane. */
    interface Member {
        String topic();

        int capacity();

        /** Records it holds and jobs of its that still run. */
        int busy();

        /** Whether its consumer has a fetch open. */
        boolean armed();

        /** Since when its fetch has been open, epoch ms (meaningful while {@link #armed}). */
        long armedAt();

        /** Marks it armed at {@code now}; called by the gate only. */
        void arm(long now);

        /** Counts {@code records} more as taken, at once (the gate's decision must see them). */
        void claimed(int records);

        /** Its topic's priority. */
        default Priority priority() {
            return Topics.priorityOf(topic());
        }
    }

    /** The default of {@code lowShare}: one fetch in four goes to a waiting lower priority. */
    static final int DEFAULT_LOW_SHARE = 4;

    /**
     * How long an armed lane that received nothing keeps the other lanes of its topic from arming.
     * With one partition per topic every lane sees every record, and a lane left waiting that long
     * means the topic is empty; with several partitions each lane sees only some of them, and
     * records may wait on partitions the armed lane does not have: after this, another lane asks.
     */
    static final long QUIET_MS = 1_000;

    private final int slots;
    private final int lowShare;
    private final int highReserve;
    /** Per priority: lanes of higher priorities that armed while one of it waited, since it last armed. */
    private final int[] passedOver = new int[Priority.values().length];
    /** Per priority: until when (epoch ms) its records handed back for want of a slot count as waiting. */
    private final long[] crowdedOutUntil = new long[Priority.values().length];
    private List<? extends Member> lanes = List.of();
    private boolean open = true;
    private int lanesWithoutRedis;

    SlotGate(int slots) {
        this(slots, DEFAULT_LOW_SHARE);
    }

    /** @param lowShare of every this many fetches while priorities compete, one goes to a waiting lower priority */
    SlotGate(int slots, int lowShare) {
        this(slots, lowShare, 0);
    }

    /** @param highReserve slots more that only high-priority lanes may take */
    SlotGate(int slots, int lowShare, int highReserve) {
        if (lowShare < 1 || highReserve < 0) {
            throw new IllegalArgumentException("lowShare " + lowShare + " must be at least 1, highReserve "
                    + highReserve + " at least 0");
        }
        this.slots = slots;
        this.lowShare = lowShare;
        this.highReserve = highReserve;
    }

    /** The slots {@code lane}'s priority may fill. */
    private int limit(Member lane) {
        return lane.priority() == Priority.HIGH ? slots + highReserve : slots;
    }

    void lanes(List<? extends Member> all) {
        this.lanes = List.copyOf(all);
    }

    int slots() {
        return slots;
    }

    /** Arms {@code lane} when it may poll for new records; false when it must wait. */
    synchronized boolean tryArm(Member lane, long now) {
        if (!open || lanesWithoutRedis > 0) {
            return false;
        }
        int taken = 0;
        for (Member other : lanes) {
            taken += other.busy();
            if (other.armed() && other.topic().equals(lane.topic()) && now - other.armedAt() < QUIET_MS) {
                return false;
            }
        }
        if (taken + lane.capacity() > limit(lane)) {
            return false;
        }
        int rank = lane.priority().ordinal();
        if ((higherWaits(rank) || higherCrowdedOut(rank, now)) && passedOver[rank] < lowShare - 1) {
            return false;
        }
        passedOver[rank] = 0;
        for (int lower = rank + 1; lower < passedOver.length; lower++) {
            if (waits(lower)) {
                passedOver[lower]++;
            }
        }
        lane.arm(now);
        return true;
    }

    /** Whether a topic of a priority above {@code rank} has no fetch open but a lane waiting to open one. */
    private boolean higherWaits(int rank) {
        for (Member waiting : lanes) {
            if (waiting.priority().ordinal() < rank && idle(waiting) && !topicArmed(waiting.topic())) {
                return true;
            }
        }
        return false;
    }

    /** Whether records of a priority above {@code rank} were handed back for want of a slot lately. */
    private boolean higherCrowdedOut(int rank, long now) {
        for (int higher = 0; higher < rank; higher++) {
            if (crowdedOutUntil[higher] > now) {
                return true;
            }
        }
        return false;
    }

    /** Whether a lane of priority {@code rank} waits to arm. */
    private boolean waits(int rank) {
        for (Member lane : lanes) {
            if (lane.priority().ordinal() == rank && idle(lane)) {
                return true;
            }
        }
        return false;
    }

    private static boolean idle(Member lane) {
        return !lane.armed() && lane.busy() == 0;
    }

    private boolean topicArmed(String topic) {
        for (Member lane : lanes) {
            if (lane.armed() && lane.topic().equals(topic)) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many of {@code records} that arrived for {@code lane} at {@code now} fit in the free
     * slots; those count as taken. The rest go back to their topic, which then counts as waiting
     * for a slot (see the class comment) until its lanes take records again or {@link #QUIET_MS}
     * passes.
     */
    synchronized int claim(Member lane, int records, long now) {
        int taken = 0;
        for (Member other : lanes) {
            taken += other.busy();
        }
        int room = Math.max(0, Math.min(records, limit(lane) - taken));
        lane.claimed(room);
        crowdedOutUntil[lane.priority().ordinal()] = room < records ? now + QUIET_MS : 0;
        return room;
    }

    /** Records were acknowledged or a lane disarmed: waiting lanes look again. */
    synchronized void changed() {
        notifyAll();
    }

    /** Waits up to {@code millis} for {@link #changed}. */
    synchronized void awaitChange(long millis) throws InterruptedException {
        wait(millis);
    }

    /** A lane found Redis out of reach ({@code reachable} false), or reachable again after that. */
    synchronized void redis(boolean reachable) {
        lanesWithoutRedis += reachable ? -1 : 1;
        notifyAll();
    }

    synchronized boolean redisReachable() {
        return lanesWithoutRedis == 0;
    }

    /** Stops every lane from arming (the worker drains). */
    synchronized void close() {
        open = false;
        notifyAll();
    }
}
