package io.trainyard.bench;

import io.trainyard.devtools.FreePort;
import io.trainyard.worker.WorkerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Worker processes ({@code WorkerMain}, or a benchmark variant of it) consuming given topics in
 * the workers' share group, each with its operations port known, so that the benchmark counts
 * finished runs from their metrics instead of asking Redis while they work.
 */
final class WorkerPool implements AutoCloseable {
    private static final String FINISHED = "trainyard_worker_runs_finished_total";
    private static final String STARTED = "trainyard_worker_runs_started_total";

    private record Member(JavaService process, int opsPort) {}

    private final BenchCluster cluster;
    private final String mainClass;
    private final String topics;
    private final int slots;
    private final Map<String, String> extraEnv;
    private final Path logs;
    private final String label;
    private final List<Member> members = new ArrayList<>();

    WorkerPool(BenchCluster cluster, String label, String mainClass, String topics, int slots,
               Map<String, String> extraEnv, Path logs) {
        this.cluster = cluster;
        this.label = label;
        this.mainClass = mainClass;
        this.topics = topics;
        this.slots = slots;
        this.extraEnv = Map.copyOf(extraEnv);
        this.logs = logs;
    }

    int size() {
        return members.size();
    }

    int slots() {
        return slots;
    }

    /** Starts {@code count} more workers and waits until every worker reports ready. */
    void grow(int count, Duration within) {
        for (int i = 0; i < count; i++) {
            int port = FreePort.pick();
            String id = label + "-" + (members.size() + 1);
            Map<String, String> env = new HashMap<>(cluster.serviceEnv());
            env.putAll(Map.of(WorkerSettings.WORKER_ID.env(), id, WorkerSettings.OPS_PORT.env(), Integer.toString(port),
                    WorkerSettings.SANDBOX.env(), "none", WorkerSettings.SLOTS.env(), Integer.toString(slots),
                    WorkerSettings.TOPICS.env(), topics));
            env.putAll(extraEnv);
            members.add(new Member(JavaService.start(id, mainClass, "512m", env, logs), port));
        }
        long deadline = System.nanoTime() + within.toNanos();
        for (Member m : members) {
            while (!Scrape.ready(m.opsPort())) {
                m.process().requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(m.process().name + " not ready within " + within);
                }
                Pause.millis(100);
            }
        }
    }

    /** Runs these workers have finished COMPLETED, all together. */
    long completed() {
        long total = 0;
        for (Member m : members) {
            total += (long) Math.max(0, Scrape.sum(m.opsPort(), FINISHED, "status=\"COMPLETED\""));
        }
        return total;
    }

    /** Runs started by each worker, in start order. */
    List<Long> startedPerWorker() {
        List<Long> started = new ArrayList<>();
        for (Member m : members) {
            started.add((long) Math.max(0, Scrape.sum(m.opsPort(), STARTED)));
        }
        return started;
    }

    /**
     * Waits until {@code completed()} reaches {@code target}; gives up when it has not moved for
     * {@code stall}. Returns the count reached. Scrapes once a second: a worker's exposition is
     * tens of kilobytes (latency histograms), and measured times come from the run records, not
     * from when this loop noticed.
     */
    long awaitCompleted(long target, Duration stall) {
        long seen = completed();
        long movedAt = System.nanoTime();
        while (seen < target) {
            Pause.millis(1_000);
            for (Member m : members) {
                m.process().requireAlive();
            }
            long now = completed();
            if (now > seen) {
                seen = now;
                movedAt = System.nanoTime();
            } else if (System.nanoTime() - movedAt > stall.toNanos()) {
                break;
            }
        }
        return seen;
    }

    List<Long> pids() {
        return members.stream().map(m -> m.process().pid()).toList();
    }

    List<Long> rssPerWorker() {
        return members.stream().map(m -> m.process().rssBytes()).toList();
    }

    @Override
    public void close() {
        members.forEach(m -> m.process().terminate());
        members.forEach(m -> m.process().close());
        members.clear();
    }
}
