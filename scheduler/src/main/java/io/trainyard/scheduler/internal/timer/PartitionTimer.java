package io.trainyard.scheduler.internal.timer;

import io.trainyard.common.schedule.ScheduleDefinition;
import io.trainyard.scheduler.internal.fire.FireLauncher;
import io.trainyard.scheduler.internal.fire.FireOutcome;
import io.trainyard.scheduler.internal.fire.FirePlanner;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schedules of one owned partition, ordered by when each is next due, and the one thread
 * that sleeps until exactly then. Any change (a schedule added, replaced, removed; the clock
 * moved in a test) wakes the thread, which looks at the head of the queue again: fires are on
 * time to the millisecond without polling.
 */
public final class PartitionTimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionTimer.class);
    /** Even with nothing due the thread looks at the clock this often, in case the wall clock jumped. */
    static final Duration LONGEST_SLEEP = Duration.ofMinutes(1);
    /** How soon a step that failed on Redis is tried again. */
    static final Duration RETRY = Duration.ofSeconds(1);
    /** Schedules resumed per round trip to Redis when many start at once (a partition was assigned). */
    static final int RESUMES_PER_ROUND_TRIP = 1_000;

    private final int partition;
    private final FireLauncher launcher;
    private final FirePlanner planner;
    private final InstantSource clock;
    private final Duration holdRecheck;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<TimerEntry> queue = new PriorityQueue<>(Comparator.comparing(TimerEntry::due));
    private final Map<ScheduleKey, TimerEntry> current = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public PartitionTimer(int partition, FireLauncher launcher, FirePlanner planner, InstantSource clock,
                          Duration holdRecheck) {
        this.partition = partition;
        this.launcher = launcher;
        this.planner = planner;
        this.clock = clock;
        this.holdRecheck = holdRecheck;
        this.thread = Thread.ofPlatform().name("schedule-timer-" + partition).daemon().unstarted(this::loop);
    }

    public int partition() {
        return partition;
    }

    public void start() {
        thread.start();
    }

    /** Adds or replaces a schedule; where it goes on is worked out on the timer thread. */
    public void upsert(String key, ScheduleDefinition schedule) {
        put(TimerEntry.resume(ScheduleKey.of(key, schedule), schedule, clock.instant()));
    }

    /** Removes a schedule: it fires no more (a fire already being launched completes). */
    public void remove(String key) {
        lock.lock();
        try {
            current.remove(ScheduleKey.parse(key));
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return current.size();
        } finally {
            lock.unlock();
        }
    }

    /** When the schedule is next due, if this timer holds it. */
    public Optional<Instant> dueOf(String key) {
        lock.lock();
        try {
            return Optional.ofNullable(current.get(ScheduleKey.parse(key))).map(TimerEntry::due);
        } finally {
            lock.unlock();
        }
    }

    /** Look at the clock again now (a test moved its clock). */
    public void wake() {
        lock.lock();
        try {
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void put(TimerEntry entry) {
        lock.lock();
        try {
            current.put(entry.key(), entry);
            queue.add(entry);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Replaces {@code was} by {@code next} (or drops it) unless the schedule changed meanwhile. */
    private void advance(TimerEntry was, TimerEntry next) {
        lock.lock();
        try {
            replace(was, next);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #advance} for many entries under one lock; {@code next} may hold nulls. */
    private void advanceAll(List<TimerEntry> was, List<TimerEntry> next) {
        lock.lock();
        try {
            for (int i = 0; i < was.size(); i++) {
                replace(was.get(i), next.get(i));
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void replace(TimerEntry was, TimerEntry next) {
        if (current.get(was.key()) != was) {
            return;
        }
        if (next == null) {
            current.remove(was.key());
        } else {
            current.put(next.key(), next);
            queue.add(next);
        }
    }

    private void loop() {
        while (running) {
            List<TimerEntry> due = awaitDue();
            if (!due.isEmpty()) {
                try {
                    handle(due);
                } catch (RuntimeException e) {
                    LOG.error("partition {}: a batch of {} fires failed; retrying", partition, due.size(), e);
                    Instant retry = clock.instant().plus(RETRY);
                    due.forEach(entry -> advance(entry, entry.retryAt(retry)));
                }
            }
        }
    }

    /** Sleeps until the head of the queue is due, then takes every entry that is due. */
    private List<TimerEntry> awaitDue() {
        lock.lock();
        try {
            while (running) {
                TimerEntry head = queue.peek();
                if (head != null && current.get(head.key()) != head) {
                    queue.poll();
                    continue;
                }
                Instant now = clock.instant();
                if (head != null && !head.due().isAfter(now)) {
                    List<TimerEntry> due = new ArrayList<>();
                    while (!queue.isEmpty() && !queue.peek().due().isAfter(now)) {
                        TimerEntry entry = queue.poll();
                        if (current.get(entry.key()) == entry) {
                            due.add(entry);
                        }
                    }
                    return due;
                }
                long sleep = head == null ? LONGEST_SLEEP.toNanos()
                        : Math.min(LONGEST_SLEEP.toNanos(), Duration.between(now, head.due()).toNanos());
                changed.awaitNanos(sleep);
            }
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Resumes are looked up here, in one round trip per {@value #RESUMES_PER_ROUND_TRIP}; fires are
     * handed to the launcher and settled when it answers, on its thread: the timer never waits on them.
     */
    private void handle(List<TimerEntry> due) {
        List<TimerEntry> resumes = new ArrayList<>();
        List<TimerEntry> fires = new ArrayList<>();
        List<FireLauncher.Due> batch = new ArrayList<>();
        for (TimerEntry entry : due) {
            if (entry.step() == TimerEntry.Step.RESUME) {
                resumes.add(entry);
            } else {
                fires.add(entry);
                batch.add(new FireLauncher.Due(entry.schedule(), entry.fireTime()));
            }
        }
        if (!fires.isEmpty()) {
            launcher.launch(batch).whenComplete((outcomes, error) -> settle(fires, outcomes, error));
        }
        for (int from = 0; from < resumes.size(); from += RESUMES_PER_ROUND_TRIP) {
            resume(resumes.subList(from, Math.min(resumes.size(), from + RESUMES_PER_ROUND_TRIP)));
        }
    }

    private void resume(List<TimerEntry> entries) {
        List<Instant> after;
        try {
            after = planner.lastHandled(entries.stream().map(TimerEntry::schedule).toList());
        } catch (RuntimeException e) {
            LOG.warn("partition {}: cannot resume {} schedule(s) yet: {}", partition, entries.size(), e.toString());
            Instant retry = clock.instant().plus(RETRY);
            advanceAll(entries, entries.stream().map(entry -> entry.retryAt(retry)).toList());
            return;
        }
        Instant now = clock.instant();
        List<TimerEntry> next = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            TimerEntry entry = entries.get(i);
            try {
                next.add(fireAt(entry, planner.advance(entry.schedule(), after.get(i), now)));
            } catch (RuntimeException e) {
                LOG.warn("schedule {}: cannot resume yet: {}", entry.key(), e.toString());
                next.add(entry.retryAt(now.plus(RETRY)));
            }
        }
        advanceAll(entries, next);
    }

    /** Where each launched fire's schedule goes on; runs on the thread that completed the launch. */
    private void settle(List<TimerEntry> fires, List<FireOutcome> outcomes, Throwable error) {
        Instant now = clock.instant();
        List<TimerEntry> next = new ArrayList<>(fires.size());
        for (int i = 0; i < fires.size(); i++) {
            TimerEntry entry = fires.get(i);
            try {
                next.add(error != null ? entry.retryAt(now.plus(RETRY)) : after(entry, outcomes.get(i), now));
            } catch (RuntimeException e) {
                LOG.warn("schedule {}: cannot plan the fire after {}: {}", entry.key(), entry.fireTime(), e.toString());
                next.add(TimerEntry.resume(entry.key(), entry.schedule(), now.plus(RETRY)));
            }
        }
        if (error != null) {
            LOG.error("partition {}: a batch of {} fires failed; retrying", partition, fires.size(), error);
        }
        advanceAll(fires, next);
    }

    private TimerEntry after(TimerEntry entry, FireOutcome outcome, Instant now) {
        return switch (outcome) {
            case HELD -> entry.holdUntil(now.plus(holdRecheck));
            case ERROR -> entry.retryAt(now.plus(RETRY));
            case LAUNCHED -> entry.step() == TimerEntry.Step.HOLD
                    ? fireAt(entry, planner.afterHold(entry.schedule(), entry.fireTime(), now))
                    : fireAt(entry, planner.advance(entry.schedule(), entry.fireTime(), now));
            default -> fireAt(entry, planner.advance(entry.schedule(), entry.fireTime(), now));
        };
    }

    private static TimerEntry fireAt(TimerEntry entry, Optional<Instant> next) {
        return next.map(fire -> TimerEntry.fire(entry.key(), entry.schedule(), fire)).orElse(null);
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
