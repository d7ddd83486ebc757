package io.trainyard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Bursts of NOOP jobs for a worker pool, and the warm-up every measurement starts with. */
final class NoopJobs {
    static final String TASK = "bench-task";
    private static final AtomicInteger WARM_UPS = new AtomicInteger();

    private NoopJobs() {}

    /** {@code count} run ids, unique to this run of the benchmark and to {@code label}. */
    static List<String> ids(BenchContext ctx, String label, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(label + "-" + ctx.nonce() + "-" + i);
        }
        return ids;
    }

    /**
     * Publishes {@code count} jobs as fast as the batched producer takes them and waits until the
     * pool finished them: the share group has joined, the JIT has compiled the hot path.
     */
    static void warmUp(BenchContext ctx, WorkerPool pool, String topic, String tenant, int count) {
        long before = pool.completed();
        try (JobPublisher publisher = JobPublisher.batched(ctx.cluster().bootstrap())) {
            for (String id : ids(ctx, "warm" + WARM_UPS.incrementAndGet(), count)) {
                publisher.send(topic, tenant, TASK, id);
            }
            publisher.flush();
        }
        long reached = pool.awaitCompleted(before + count, Duration.ofSeconds(90));
        if (reached < before + count) {
            throw new IllegalStateException("warm-up on " + topic + ": only " + (reached - before) + " of " + count
                    + " jobs completed; see the worker logs in " + ctx.logs());
        }
    }
}
