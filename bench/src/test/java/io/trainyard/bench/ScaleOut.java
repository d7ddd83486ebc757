package io.trainyard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload 5: jobs that each take {@code --sleep-ms} on a topic with fewer partitions than the
 * largest worker count; workers are added step by step (1, 2, 4, 8 by default) to the same
 * share group, and each step measures jobs/s from first publish to last COMPLETED. Ideal is
 * {@code workers x slots x 1000 / sleep} jobs/s; the fraction of linear compares each step with
 * the one-worker step scaled up.
 */
final class ScaleOut {
    static final String NAME = "scaleout";
    static final String TOPIC = "trainyard.bench.scaleout";
    static final String TENANT = "bench-scale";

    private ScaleOut() {}

    static void run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        Report report = ctx.report();
        ctx.cluster().createTopic(TOPIC, o.scalePartitions());
        double perWorkerIdeal = o.scaleSlots() * 1000.0 / o.sleepMillis();
        double firstRate = -1;
        List<Map<String, Object>> steps = new ArrayList<>();
        try (WorkerPool pool = new WorkerPool(ctx.cluster(), "scale-worker", SleepingWorkerMain.class.getName(), TOPIC,
                o.scaleSlots(), Map.of(SleepingWorkerMain.SLEEP_ENV, Integer.toString(o.sleepMillis())), ctx.logs())) {
            for (int count : o.scaleCounts()) {
                if (count > pool.size()) {
                    ctx.say("scaleout: starting workers up to " + count);
                    pool.grow(count - pool.size(), Duration.ofSeconds(180));
                }
                // Enough warm-up jobs that every worker, new ones included, has joined and taken work.
                NoopJobs.warmUp(ctx, pool, TOPIC, TENANT, count * o.scaleSlots() * 10);
                int n = (int) Math.max(count * o.scaleSlots() * 4L, Math.round(count * perWorkerIdeal * o.scaleSeconds()));
                double loadBefore = ProcessMemory.loadAverage();
                long baseline = pool.completed();
                List<String> ids = NoopJobs.ids(ctx, "s" + count, n);
                long start = System.currentTimeMillis();
                try (JobPublisher publisher = JobPublisher.batched(ctx.cluster().bootstrap())) {
                    for (String id : ids) {
                        publisher.send(TOPIC, TENANT, NoopJobs.TASK, id);
                    }
                    publisher.flush();
                }
                pool.awaitCompleted(baseline + n, Duration.ofSeconds(60));
                double loadAfter = ProcessMemory.loadAverage();
                RunRecords.Summary summary = RunRecords.summarize(RunRecords.read(ctx.cluster().jedis, TENANT, ids));
                double seconds = Math.max(1, summary.lastCompleted() - start) / 1000.0;
                double rate = summary.completed() / seconds;
                if (firstRate < 0) {
                    firstRate = rate / o.scaleCounts().get(0);
                }
                double linear = rate / (firstRate * count);
                double ofIdeal = rate / (perWorkerIdeal * count);
                List<Long> started = pool.startedPerWorker();
                steps.add(Map.of("workers", count, "jobs", n, "completed", summary.completed(), "jobsPerSecond", rate,
                        "fractionOfLinear", linear, "fractionOfIdeal", ofIdeal, "startedPerWorker", started,
                        "load1mBefore", loadBefore, "load1mAfter", loadAfter));
                report.row(NAME, count + " worker(s), " + o.scalePartitions() + " partitions", Report.count(rate)
                                + " jobs/s", count == o.scaleCounts().get(0) ? "" : ">= 0.8 of linear",
                        String.format("%.2f of linear, %.2f of ideal (%s/s); %d jobs; %s", linear, ofIdeal,
                                Report.count(perWorkerIdeal * count), n, Report.load(loadBefore, loadAfter))
                                + (summary.completed() < n ? "; ONLY " + summary.completed() + " COMPLETED" : ""));
                ctx.say(String.format("scaleout: %d workers: %,.0f jobs/s (%.2f of linear)", count, rate, linear));
            }
            report.figure(NAME, "workerRssAfterBytes", pool.rssPerWorker());
        }
        report.figure(NAME, "sleepMillis", o.sleepMillis());
        report.figure(NAME, "slotsPerWorker", o.scaleSlots());
        report.figure(NAME, "partitions", o.scalePartitions());
        report.figure(NAME, "steps", steps);
    }
}
