package io.trainyard.bench;

import io.trainyard.common.job.JobType;
import io.trainyard.common.job.Priority;
import io.trainyard.common.kafka.Topics;
import io.trainyard.worker.WorkerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload: pickup of high-priority jobs under a backlog of low ones. A backlog of NOOP jobs is
 * published to the low topic at once; while the workers drain it, a high job is published every
 * {@link #HIGH_EVERY_MS} ms, one by one; its pickup is its run's {@code executedAt} minus its
 * {@code createdAt}. Only high jobs published while at least a tenth of the backlog was still
 * queued are measured. Compare with the pickup workload's idle-queue figures. The workers keep
 * one slot in a hundred for high jobs ({@code TRAINYARD_WORKER_HIGH_PRIORITY_SLOTS}).
 */
final class PriorityPickup {
    static final String TENANT = "bench-priority";
    static final String NAME = "priority";
    static final long HIGH_EVERY_MS = 20;

    private PriorityPickup() {}

    static void run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        String low = Topics.jobsTopicFor(JobType.NOOP, Priority.LOW);
        String high = Topics.jobsTopicFor(JobType.NOOP, Priority.HIGH);
        int reserve = Math.max(1, o.slots() / 100);
        try (WorkerPool pool = new WorkerPool(ctx.cluster(), "prio-worker", "io.trainyard.worker.WorkerMain",
                Topics.SCRIPT_JOBS, o.slots(), Map.of(WorkerSettings.BATCH.env(), Integer.toString(o.batch()),
                        WorkerSettings.HIGH_PRIORITY_SLOTS.env(), Integer.toString(reserve)), ctx.logs())) {
            pool.grow(o.workers(), Duration.ofSeconds(180));
            NoopJobs.warmUp(ctx, pool, low, TENANT, 500);
            NoopJobs.warmUp(ctx, pool, high, TENANT, 500);
            int backlog = o.backlog();
            long baseline = pool.completed();
            ctx.say("priority: " + backlog + " low jobs, then a high job every " + HIGH_EVERY_MS + " ms while they drain");
            List<String> lows = NoopJobs.ids(ctx, "low", backlog);
            List<String> highs = new ArrayList<>();
            long publishedAt;
            try (JobPublisher batched = JobPublisher.batched(ctx.cluster().bootstrap());
                 JobPublisher immediate = JobPublisher.immediate(ctx.cluster().bootstrap())) {
                for (String id : lows) {
                    batched.send(low, TENANT, NoopJobs.TASK, id);
                }
                batched.flush();
                publishedAt = System.nanoTime();
                long checkAt = 0;
                long remaining = backlog;
                int n = 0;
                while (remaining > backlog / 10 && System.nanoTime() - publishedAt < Duration.ofMinutes(10).toNanos()) {
                    String id = "high-" + ctx.nonce() + "-" + n++;
                    immediate.send(high, TENANT, NoopJobs.TASK, id);
                    highs.add(id);
                    Pause.millis(HIGH_EVERY_MS);
                    if (System.nanoTime() > checkAt) {
                        remaining = backlog - (pool.completed() - baseline - highs.size());
                        checkAt = System.nanoTime() + 1_000_000_000L;
                    }
                }
                immediate.flush();
            }
            pool.awaitCompleted(baseline + backlog + highs.size(), Duration.ofSeconds(60));
            double drainSeconds = (System.nanoTime() - publishedAt) / 1e9;
            Latencies pickup = new Latencies();
            for (RunRecords.Run run : RunRecords.read(ctx.cluster().jedis, TENANT, highs)) {
                if (run.executedAt() > 0 && run.queuedAt() > 0) {
                    pickup.recordMillis(run.executedAt() - run.queuedAt());
                }
            }
            Report report = ctx.report();
            report.figure(NAME, "backlog", backlog);
            report.figure(NAME, "highJobs", highs.size());
            report.figure(NAME, "drainSeconds", drainSeconds);
            report.figure(NAME, "p50Millis", pickup.percentileMillis(50));
            report.figure(NAME, "p99Millis", pickup.percentileMillis(99));
            report.figure(NAME, "maxMillis", pickup.maxMillis());
            String note = highs.size() + " high jobs while " + backlog + " low ones drained in "
                    + String.format("%.1f s", drainSeconds) + ", " + pool.size() + " workers x " + pool.slots() + " slots, "
                    + reserve + " kept for high jobs";
            report.row(NAME, "high job created -> RUNNING p50", Report.millis(pickup.percentileMillis(50)),
                    "idle pickup p50", note);
            report.row(NAME, "high job created -> RUNNING p99", Report.millis(pickup.percentileMillis(99)),
                    "idle pickup p99", "max " + Report.millis(pickup.maxMillis()));
            ctx.say(String.format("priority: high p50 %.1f ms, p99 %.1f ms (%d high jobs, backlog drained in %.1f s)",
                    pickup.percentileMillis(50), pickup.percentileMillis(99), highs.size(), drainSeconds));
        }
    }
}
