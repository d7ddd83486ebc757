package io.trainyard.worker.internal.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bubblewrap sandboxes started ahead of their jobs, so that a job does not wait for a sandbox and
 * an interpreter to start, nor for its imports. Each {@link WarmProfile} has its number of
 * {@link WarmSandbox}es waiting; a job whose spec names a profile takes one, runs in it, and the
 * sandbox dies with the job. A background thread starts replacements one at a time, and only
 * while the resident memory of the waiting sandboxes, with the next one's, stays within the
 * budget. With none waiting (or a job the waiting ones cannot serve) the job starts cold, as
 * without a pool.
 *
 * <p>A replacement yields to the job that took a sandbox: starting one (bubblewrap, an
 * interpreter, its imports) costs tens of milliseconds of CPU, which on a small machine a short
 * job would otherwise wait for. The refill starts once a job served from the pool exits, or
 * {@link #REFILL_YIELD_MS} after it was taken, whichever comes first.
 */
public final class WarmPool implements Sandbox, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final long FIRST_BACKOFF_MS = 1_000;
    private static final long MAX_BACKOFF_MS = 60_000;
    /** How long a refill waits for the job that took a sandbox to exit before it starts anyway. */
    static final long REFILL_YIELD_MS = 200;

    private final BubblewrapSandbox bwrap;
    private final String python;
    private final Path slotRoot;
    private final SandboxLimits limits;
    private final long memoryBytes;
    private final List<WarmProfile> profiles;
    private final Map<String, Deque<WarmSandbox>> idle = new HashMap<>();
    private final Map<String, Long> measuredRss = new HashMap<>();
    private final Map<String, Long> backoffMs = new HashMap<>();
    private final Map<String, Long> retryAtNanos = new HashMap<>();
    /** The refill waits until then (System.nanoTime), unless a served job exits first. */
    private long refillAfterNanos = System.nanoTime();
    /** The processes that ran in a warm sandbox, for {@link #describe}; they leave with their Process. */
    private final Set<Process> served = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final AtomicLong started = new AtomicLong();
    private final Thread refiller;
    private volatile boolean closed;

    /**
     * @param limits what every warm sandbox starts with; a job takes one only when its own limits
     *               are the same but for a CPU time no larger (the launcher lowers it to the job's)
     * @param memoryBytes the most resident memory the waiting sandboxes hold together
     */
    public WarmPool(BubblewrapSandbox bwrap, String python, Path slotRoot, SandboxLimits limits, long memoryBytes,
                    List<WarmProfile> profiles) {
        this.bwrap = bwrap;
        this.python = python;
        this.slotRoot = slotRoot;
        this.limits = limits;
        this.memoryBytes = memoryBytes;
        this.profiles = List.copyOf(profiles);
        for (WarmProfile p : this.profiles) {
            idle.put(p.name(), new ArrayDeque<>());
        }
        this.refiller = Thread.ofPlatform().daemon().name("warm-sandboxes").unstarted(this::refill);
    }

    public WarmPool start() {
        refiller.start();
        return this;
    }

    @Override
    public String name() {
        return bwrap.name();
    }

    @Override
    public String describe(Process process) {
        return served.contains(process) ? name() + "-warm" : name();
    }

    @Override
    public Process start(SandboxSpec spec) throws IOException {
        WarmSandbox warm = spec.warmProfile() == null ? null : take(spec);
        if (warm == null) {
            return bwrap.start(spec);
        }
        try {
            Process process = warm.hand(spec);
            served.add(process);
            process.onExit().thenRun(this::servedJobExited);
            return process;
        } catch (IOException | RuntimeException e) {
            // The job's files may be half moved: the run fails this attempt rather than start on them.
            warm.discard();
            throw e;
        }
    }

    /** Sandboxes of {@code profile} waiting now. */
    public synchronized int waiting(String profile) {
        Deque<WarmSandbox> queue = idle.get(profile);
        return queue == null ? 0 : (int) queue.stream().filter(WarmSandbox::alive).count();
    }

    /** The resident memory of the waiting sandboxes, as measured when each became ready. */
    public synchronized long heldBytes() {
        return idle.values().stream().flatMap(Deque::stream).mapToLong(WarmSandbox::rssBytes).sum();
    }

    /** The resident memory one sandbox of {@code profile} had when ready; -1 before any was. */
    public synchronized long rssBytes(String profile) {
        return measuredRss.getOrDefault(profile, -1L);
    }

    @Override
    public void close() {
        closed = true;
        refiller.interrupt();
        try {
            refiller.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            idle.values().forEach(queue -> queue.forEach(WarmSandbox::discard));
            idle.values().forEach(Deque::clear);
        }
    }

    private synchronized WarmSandbox take(SandboxSpec spec) {
        Deque<WarmSandbox> queue = idle.get(spec.warmProfile());
        if (queue == null) {
            return null;
        }
        WarmSandbox warm;
        while ((warm = queue.pollFirst()) != null) {
            if (!warm.alive()) {
                warm.discard();
            } else if (!warm.fits(spec)) {
                queue.addFirst(warm);
                return null;
            } else {
                refillAfterNanos = System.nanoTime() + REFILL_YIELD_MS * 1_000_000L;
                notifyAll();
                return warm;
            }
        }
        return null;
    }

    private synchronized void servedJobExited() {
        refillAfterNanos = System.nanoTime();
        notifyAll();
    }

    private void refill() {
        while (!closed) {
            WarmProfile next;
            synchronized (this) {
                long yieldNanos = refillAfterNanos - System.nanoTime();
                if (yieldNanos > 0) {
                    try {
                        wait(Math.max(1, yieldNanos / 1_000_000L));
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                next = nextToStart();
                if (next == null) {
                    try {
                        wait(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
            }
            startOne(next);
        }
    }

    /** The first profile short of its count whose next sandbox fits the memory budget. */
    private WarmProfile nextToStart() {
        long now = System.nanoTime();
        for (WarmProfile p : profiles) {
            Deque<WarmSandbox> queue = idle.get(p.name());
            queue.removeIf(w -> {
                if (!w.alive()) {
                    w.discard();
                    return true;
                }
                return false;
            });
            boolean due = now - retryAtNanos.getOrDefault(p.name(), now) >= 0;
            long expected = measuredRss.getOrDefault(p.name(), p.rssGuessBytes());
            if (queue.size() < p.count() && due && heldBytes() + expected <= memoryBytes) {
                return p;
            }
        }
        return null;
    }

    private void startOne(WarmProfile profile) {
        Path slot = slotRoot.resolve("warm-" + profile.name() + "-" + started.incrementAndGet());
        WarmSandbox warm = null;
        try {
            warm = WarmSandbox.start(bwrap, profile, python, slot, limits);
            warm.awaitReady(READY_WITHIN);
        } catch (IOException | RuntimeException e) {
            discard(warm, slot);
            failed(profile, e.getMessage());
            return;
        } catch (InterruptedException e) {
            discard(warm, slot);
            return;
        }
        boolean kept;
        synchronized (this) {
            measuredRss.merge(profile.name(), warm.rssBytes(), Math::max);
            kept = !closed && heldBytes() + warm.rssBytes() <= memoryBytes;
            if (kept) {
                idle.get(profile.name()).addLast(warm);
                backoffMs.remove(profile.name());
            }
        }
        if (!kept) {
            warm.discard();
            if (!closed) {
                failed(profile, "one holds " + (warm.rssBytes() >> 20) + " MiB, more than the budget has left");
            }
        }
    }

    private void discard(WarmSandbox warm, Path slot) {
        if (warm != null) {
            warm.discard();
        } else {
            try {
                Files.deleteIfExists(slot);
            } catch (IOException ignored) {
                // Goes with the worker's run root.
            }
        }
    }

    /** Waits longer after each failure in a row, so a broken interpreter does not spin the refiller. */
    private synchronized void failed(WarmProfile profile, String why) {
        long backoff = Math.min(MAX_BACKOFF_MS, backoffMs.getOrDefault(profile.name(), FIRST_BACKOFF_MS / 2) * 2);
        backoffMs.put(profile.name(), backoff);
        retryAtNanos.put(profile.name(), System.nanoTime() + backoff * 1_000_000L);
        LOG.warn("warm sandbox ({}) not kept, next try in {} ms: {}", profile.name(), backoff, why);
    }
}
