package io.trainyard.scheduler.internal.fire;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fires handed to {@link QueuedRunLauncher} and not yet claimed, in the order they came.
 * Each claim thread takes the next round trip's worth: a big batch is cut into several round
 * trips (claimed side by side), small batches are gathered into one.
 */
final class ClaimQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition handedIn = lock.newCondition();
    private final ArrayDeque<LaunchBatch> batches = new ArrayDeque<>();
    /** How many fires of the head batch were taken already. */
    private int headTaken;
    /** Fires handed in and not yet taken. */
    private long waiting;
    private boolean closed;

    /** The fires of one round trip: fire {@code k} is {@code batches[k].due(indexes[k])}. */
    record Trip(LaunchBatch[] batches, int[] indexes) {
        int size() {
            return batches.length;
        }
    }

    /** Queues every fire of the batch; false once closed (the batch was not taken). */
    boolean add(LaunchBatch batch) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (batch.size() > 0) {
                batches.add(batch);
                waiting += batch.size();
                handedIn.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next (at most {@code max}) fires, waiting for some; null once closed and empty. Every
     * fire handed in before {@link #close} is taken.
     */
    Trip take(int max) throws InterruptedException {
        return next(max, max, 1, true);
    }

    /** The next (at most {@code max}) fires, or null if none is waiting. */
    Trip poll(int max) {
        return poll(max, max, 1);
    }

    /**
     * As {@link #poll(int)}, but a backlog makes round trips bigger: up to {@code burst} fires, a
     * {@code share}-th of what is waiting, never fewer than {@code max} when that many wait. Fires
     * that are late already are better claimed in fewer, longer round trips: the fixed cost of a
     * round trip (two thread switches, the network, the wait behind the other trip in flight)
     * then no longer caps the rate at which a backlog drains.
     */
    Trip poll(int max, int burst, int share) {
        try {
            return next(max, burst, share, false);
        } catch (InterruptedException e) {
            throw new IllegalStateException("a poll does not wait", e);
        }
    }

    /** Fires handed in and not yet taken. */
    long waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    private Trip next(int least, int burst, int share, boolean wait) throws InterruptedException {
        LaunchBatch[] tripBatches;
        int[] tripIndexes;
        int n = 0;
        lock.lock();
        try {
            while (batches.isEmpty()) {
                if (closed || !wait) {
                    return null;
                }
                handedIn.await();
            }
            int max = (int) Math.max(least, Math.min(burst, waiting / share));
            tripBatches = new LaunchBatch[max];
            tripIndexes = new int[max];
            while (n < max && !batches.isEmpty()) {
                LaunchBatch head = batches.peek();
                tripBatches[n] = head;
                tripIndexes[n++] = headTaken++;
                waiting--;
                if (headTaken == head.size()) {
                    batches.poll();
                    headTaken = 0;
                }
            }
            if (!batches.isEmpty()) {
                // More is waiting: another claim thread can send it while this trip is under way.
                handedIn.signal();
            }
        } finally {
            lock.unlock();
        }
        return n == tripBatches.length ? new Trip(tripBatches, tripIndexes)
                : new Trip(Arrays.copyOf(tripBatches, n), Arrays.copyOf(tripIndexes, n));
    }

    /** Takes no more batches; the claim threads finish what was handed in, then {@link #take} answers null. */
    void close() {
        lock.lock();
        try {
            closed = true;
            handedIn.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
