package io.trainyard.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Workload 3: NOOP jobs published one by one (no linger) at a fixed rate, open loop; pickup
 * latency is each run's {@code executedAt} (RUNNING, written by the worker) minus the job's
 * {@code createdAt}, both read back from the run record. Milliseconds, as the records hold them.
 */
final class PickupLatency {
    static final String TOPIC = "trainyard.bench.pickup";
    static final String TENANT = "bench-pickup";
    static final String NAME = "pickup";

    /** Seconds of jobs at the measured rate sent first and not measured. */
    static final int LEAD_SECONDS = 5;

    private PickupLatency() {}

    static void run(BenchContext ctx, WorkerPool pool) {
        BenchOptions o = ctx.options();
        int rate = o.pickupRate();
        int n = rate * o.pickupSeconds();
        NoopJobs.warmUp(ctx, pool, TOPIC, TENANT, 500);
        double loadBefore = ProcessMemory.loadAverage();
        long baseline = pool.completed();
        List<String> ids = NoopJobs.ids(ctx, "p", n);
        // The same rate for a few seconds before the measured jobs, not measured: the pickup of a
        // steady stream, not of its first second (the first jobs after an idle spell wait for
        // cold code paths along the way, which held most of the slowest 1% when measured).
        List<String> lead = NoopJobs.ids(ctx, "p-lead", rate * LEAD_SECONDS);
        ctx.say("pickup: " + n + " jobs at " + rate + "/s, after " + LEAD_SECONDS + " s at that rate not measured");
        long sentNanos;
        try (JobPublisher publisher = JobPublisher.immediate(ctx.cluster().bootstrap())) {
            long interval = 1_000_000_000L / rate;
            long leadStart = System.nanoTime() + 50_000_000L;
            for (int i = 0; i < lead.size(); i++) {
                Pause.untilNanos(leadStart + i * interval);
                publisher.send(TOPIC, TENANT, NoopJobs.TASK, lead.get(i));
            }
            long start = leadStart + lead.size() * interval;
            for (int i = 0; i < n; i++) {
                Pause.untilNanos(start + i * interval);
                publisher.send(TOPIC, TENANT, NoopJobs.TASK, ids.get(i));
            }
            publisher.flush();
            sentNanos = System.nanoTime() - start;
        }
        pool.awaitCompleted(baseline + lead.size() + n, Duration.ofSeconds(60));
        double loadAfter = ProcessMemory.loadAverage();
        Latencies pickup = new Latencies();
        long started = 0;
        long firstCreated = Long.MAX_VALUE;
        long lastStarted = 0;
        List<RunRecords.Run> runs = RunRecords.read(ctx.cluster().jedis, TENANT, ids);
        for (RunRecords.Run run : runs) {
            if (run.executedAt() > 0 && run.queuedAt() > 0) {
                pickup.recordMillis(run.executedAt() - run.queuedAt());
                started++;
                firstCreated = Math.min(firstCreated, run.queuedAt());
                lastStarted = Math.max(lastStarted, run.executedAt());
            }
        }
        double achieved = n / (sentNanos / 1e9);
        double startRate = started / (Math.max(1, lastStarted - firstCreated) / 1000.0);
        Report report = ctx.report();
        report.figure(NAME, "jobs", n);
        report.figure(NAME, "targetRate", rate);
        report.figure(NAME, "achievedRate", achieved);
        report.figure(NAME, "started", started);
        report.figure(NAME, "startRate", startRate);
        report.figure(NAME, "p50Millis", pickup.percentileMillis(50));
        report.figure(NAME, "p99Millis", pickup.percentileMillis(99));
        report.figure(NAME, "p999Millis", pickup.percentileMillis(99.9));
        report.figure(NAME, "maxMillis", pickup.maxMillis());
        report.figure(NAME, "load1mBefore", loadBefore);
        report.figure(NAME, "load1mAfter", loadAfter);
        String note = n + " jobs at " + Report.count(achieved) + "/s, " + pool.size() + " workers x " + pool.slots()
                + " slots, " + Report.load(loadBefore, loadAfter) + (started < n ? "; only " + started + " started" : "");
        if (startRate < 0.95 * achieved) {
            note += "; the workers started only " + Report.count(startRate) + "/s, so this is queueing";
        }
        report.row(NAME, "created -> RUNNING p50", Report.millis(pickup.percentileMillis(50)), "< 5 ms", note);
        String tail = tailSeconds(runs, firstCreated, pickup.percentileMillis(99));
        report.figure(NAME, "slowestPercentBySecond", tail);
        report.row(NAME, "created -> RUNNING p99", Report.millis(pickup.percentileMillis(99)), "< 25 ms",
                "p99.9 " + Report.millis(pickup.percentileMillis(99.9)) + ", max " + Report.millis(pickup.maxMillis())
                        + "; the slowest 1% by second of the run: " + tail);
        ctx.say(String.format("pickup: p50 %.1f ms, p99 %.1f ms", pickup.percentileMillis(50), pickup.percentileMillis(99)));
    }

    /**
     * Where in the run the slowest 1% of pickups were created: "second (count)" for the five
     * seconds holding most of them. A tail bunched in a few seconds points at pauses (GC, a
     * rebalance), one spread evenly at per-job queueing.
     */
    private static String tailSeconds(List<RunRecords.Run> runs, long firstCreated, double p99Millis) {
        Map<Long, Integer> bySecond = new TreeMap<>();
        for (RunRecords.Run run : runs) {
            if (run.executedAt() > 0 && run.executedAt() - run.queuedAt() >= p99Millis) {
                bySecond.merge((run.queuedAt() - firstCreated) / 1000, 1, Integer::sum);
            }
        }
        return bySecond.entrySet().stream()
                .sorted(Map.Entry.<Long, Integer>comparingByValue().reversed())
                .limit(5)
                .map(e -> e.getKey() + " s (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }
}
