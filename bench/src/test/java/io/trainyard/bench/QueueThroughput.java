package io.trainyard.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Workload 1: N NOOP jobs from a plain batched producer through the worker processes, each
 * run's record created and taken QUEUED -> RUNNING -> COMPLETED in Redis by a worker. Jobs/s is
 * counted from the first publish to the last {@code completedAt} a worker wrote. Also: what one
 * finished run costs in Redis.
 */
final class QueueThroughput {
    static final String TOPIC = "trainyard.bench.queue";
    static final String TENANT = "bench-queue";
    static final String NAME = "queue";

    private QueueThroughput() {}

    static void run(BenchContext ctx, WorkerPool pool) {
        BenchOptions o = ctx.options();
        Report report = ctx.report();
        int n = o.jobs();
        NoopJobs.warmUp(ctx, pool, TOPIC, TENANT, Math.max(200, Math.min(5_000, n / 20)));
        double loadBefore = ProcessMemory.loadAverage();
        long baseline = pool.completed();
        long memoryBefore = ctx.cluster().redisUsedMemory();
        Map<String, Long> callsBefore = ctx.cluster().redisCommandCalls();
        CpuUse cpu = CpuUse.start(pool);
        List<String> ids = NoopJobs.ids(ctx, "q", n);
        ctx.say("queue: publishing " + n + " NOOP jobs to " + TOPIC);
        long start = System.currentTimeMillis();
        long published;
        try (JobPublisher publisher = JobPublisher.batched(ctx.cluster().bootstrap())) {
            for (String id : ids) {
                publisher.send(TOPIC, TENANT, NoopJobs.TASK, id);
            }
            publisher.flush();
            published = System.currentTimeMillis();
        }
        long reached = pool.awaitCompleted(baseline + n, Duration.ofSeconds(60)) - baseline;
        double loadAfter = ProcessMemory.loadAverage();
        Map<String, Long> cpuUsed = cpu.since();
        Map<String, Double> callsPerJob = perJob(callsBefore, ctx.cluster().redisCommandCalls(), n);
        RunRecords.Summary summary = RunRecords.summarize(RunRecords.read(ctx.cluster().jedis, TENANT, ids));
        long memoryAfter = ctx.cluster().redisUsedMemory();
        double seconds = Math.max(1, summary.lastCompleted() - start) / 1000.0;
        double rate = summary.completed() / seconds;
        double publishRate = n / (Math.max(1, published - start) / 1000.0);
        double bytesPerRun = RunRecords.bytesPerRun(ctx.cluster().jedis, TENANT, ids, 200);
        double usedPerRun = (memoryAfter - memoryBefore) / (double) n;
        long ttl = RunRecords.ttlSeconds(ctx.cluster().jedis, TENANT, ids.get(ids.size() - 1));
        String retention = ttl == -1 ? "kept forever (no TTL)" : ttl >= 0 ? "TTL " + ttl + " s" : "already gone";

        report.figure(NAME, "jobs", n);
        report.figure(NAME, "workers", pool.size());
        report.figure(NAME, "slotsPerWorker", pool.slots());
        report.figure(NAME, "batch", o.batch());
        report.figure(NAME, "completed", summary.completed());
        report.figure(NAME, "seconds", seconds);
        report.figure(NAME, "jobsPerSecond", rate);
        report.figure(NAME, "publishPerSecond", publishRate);
        report.figure(NAME, "redisBytesPerFinishedRun", bytesPerRun);
        report.figure(NAME, "redisUsedMemoryPerRun", usedPerRun);
        report.figure(NAME, "finishedRunTtlSeconds", ttl);
        report.figure(NAME, "cpuMillis", cpuUsed);
        report.figure(NAME, "redisCommandsPerJob", callsPerJob);
        report.figure(NAME, "load1mBefore", loadBefore);
        report.figure(NAME, "load1mAfter", loadAfter);
        String note = n + " jobs, " + pool.size() + " workers x " + pool.slots() + " slots (lanes of " + o.batch()
                + "), " + Report.load(loadBefore, loadAfter);
        if (summary.completed() < n) {
            note += "; ONLY " + summary.completed() + " COMPLETED (metrics saw " + reached + ")";
        }
        report.row(NAME, "NOOP jobs/s, first publish -> last COMPLETED", Report.count(rate) + " jobs/s",
                ">= 2.5x BullMQ best", note);
        report.row(NAME, "publish rate (batched producer, acks=all)", Report.count(publishRate) + " jobs/s", "",
                CpuUse.perThousand(cpuUsed, n));
        report.row(NAME, "Redis commands per job", String.format("%.1f", callsPerJob.values().stream()
                .mapToDouble(Double::doubleValue).sum()), "", commands(callsPerJob));
        report.row(NAME, "Redis bytes per finished run (MEMORY USAGE)", Report.count(bytesPerRun) + " B", "",
                "run + output hash; used_memory delta " + Report.count(usedPerRun) + " B/run; " + retention);
        ctx.say(String.format("queue: %,d of %,d COMPLETED in %.1f s = %,.0f jobs/s", summary.completed(), n, seconds, rate));
        if (summary.completed() < n) {
            // Reported above; failing keeps the services' logs for a look at the jobs that did not end.
            throw new IllegalStateException((n - summary.completed()) + " of " + n + " jobs did not complete");
        }
    }

    /** Commands per job executed in the workload, by name; those under 0.01 per job are left out. */
    private static Map<String, Double> perJob(Map<String, Long> before, Map<String, Long> after, int jobs) {
        Map<String, Double> perJob = new TreeMap<>();
        after.forEach((name, calls) -> {
            double each = (calls - before.getOrDefault(name, 0L)) / (double) jobs;
            if (each >= 0.01) {
                perJob.put(name, each);
            }
        });
        return perJob;
    }

    private static String commands(Map<String, Double> perJob) {
        StringBuilder out = new StringBuilder();
        perJob.forEach((name, each) -> out.append(out.isEmpty() ? "" : ", ").append(name).append(' ')
                .append(String.format("%.2f", each)));
        return out.toString();
    }
}
