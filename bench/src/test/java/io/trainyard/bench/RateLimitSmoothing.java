package io.trainyard.bench;

import io.trainyard.common.flow.FlowKeys;
import io.trainyard.common.flow.FlowLimits;
import io.trainyard.common.flow.FlowStore;
import io.trainyard.common.kafka.Topics;
import io.trainyard.devtools.FreePort;
import io.trainyard.scheduler.SchedulerSettings;
import io.trainyard.worker.WorkerSettings;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload: a tenant's rate limit over a minute. The tenant's rate is set to {@code --rate} jobs/s,
 * then a minute's worth of NOOP jobs (and one second's more) is published at once; workers park
 * what is over the rate and the scheduler's flow sweep hands it back when due (to the high topic;
 * the workers keep one slot in a hundred for high jobs, as in the priority workload, so that jobs
 * handed back start on time while the burst is being parked). Measured from the
 * run records: the start rate from the first start to the last, and the most starts in any one
 * second after the first (the bucket lets the first second's worth start at once).
 */
final class RateLimitSmoothing {
    static final String TENANT = "bench-rate";
    static final String NAME = "ratelimit";

    private RateLimitSmoothing() {}

    static void run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        int rate = o.rate();
        int seconds = o.rateSeconds();
        int n = rate * (seconds + 1);
        int port = FreePort.pick();
        Map<String, String> env = new HashMap<>(ctx.cluster().serviceEnv());
        env.put(SchedulerSettings.OPS_PORT.env(), Integer.toString(port));
        env.put(SchedulerSettings.INSTANCE_ID.env(), "bench-rate-scheduler");
        env.put(SchedulerSettings.FLOW_SWEEP_MS.env(), "50");
        try (JavaService scheduler = JavaService.start("rate-scheduler", "io.trainyard.scheduler.SchedulerMain", "512m",
                env, ctx.logs());
             WorkerPool pool = new WorkerPool(ctx.cluster(), "rate-worker", "io.trainyard.worker.WorkerMain",
                     Topics.SCRIPT_JOBS, o.slots(), Map.of(WorkerSettings.BATCH.env(), Integer.toString(o.batch()),
                             WorkerSettings.HIGH_PRIORITY_SLOTS.env(), Integer.toString(Math.max(1, o.slots() / 100))),
                     ctx.logs())) {
            pool.grow(o.workers(), Duration.ofSeconds(180));
            scheduler.awaitReady(port, Duration.ofSeconds(120));
            FlowStore flows = new FlowStore(ctx.cluster().jedis, FlowLimits.handBackOnly(30_000), InstantSource.system());
            flows.rate(TENANT, FlowKeys.WHOLE_QUEUE, (double) rate);
            List<String> ids = NoopJobs.ids(ctx, "rate", n);
            ctx.say("ratelimit: " + n + " jobs at once for a tenant limited to " + rate + " jobs/s");
            long baseline = pool.completed();
            try (JobPublisher publisher = JobPublisher.batched(ctx.cluster().bootstrap())) {
                for (String id : ids) {
                    publisher.send(Topics.SCRIPT_JOBS, TENANT, NoopJobs.TASK, id);
                }
                publisher.flush();
            }
            long reached = pool.awaitCompleted(baseline + n, Duration.ofSeconds(30));
            flows.rate(TENANT, FlowKeys.WHOLE_QUEUE, null);
            long[] starts = RunRecords.read(ctx.cluster().jedis, TENANT, ids).stream()
                    .mapToLong(RunRecords.Run::executedAt).filter(t -> t > 0).sorted().toArray();
            if (starts.length < 2) {
                throw new IllegalStateException("only " + starts.length + " of " + n + " jobs started");
            }
            double spanSeconds = (starts[starts.length - 1] - starts[0]) / 1000.0;
            // After the first second (the bucket's burst), the rate the workers kept to.
            int afterBurst = Math.min(rate, starts.length - 1);
            double steady = (starts.length - 1 - afterBurst) / ((starts[starts.length - 1] - starts[afterBurst]) / 1000.0);
            int busiest = busiestSecond(Arrays.copyOfRange(starts, afterBurst, starts.length));
            Report report = ctx.report();
            report.figure(NAME, "limitPerSecond", rate);
            report.figure(NAME, "jobs", n);
            report.figure(NAME, "started", starts.length);
            report.figure(NAME, "completed", reached - baseline);
            report.figure(NAME, "spanSeconds", spanSeconds);
            report.figure(NAME, "steadyRate", steady);
            report.figure(NAME, "busiestSecondAfterBurst", busiest);
            report.row(NAME, "start rate after the first second", Report.count(steady) + "/s", "= " + rate + "/s",
                    starts.length + " of " + n + " jobs started over " + String.format("%.1f s", spanSeconds)
                            + "; busiest second after the burst: " + busiest + " starts");
            ctx.say("ratelimit: starts per second from the first: " + perSecond(starts));
            ctx.say(String.format("ratelimit: limit %d/s, steady %.1f/s over %.1f s, busiest second %d, %d of %d started",
                    rate, steady, spanSeconds, busiest, starts.length, n));
        }
    }

    /** How many of {@code sortedStarts} (epoch ms) fell in each second from the first. */
    static List<Integer> perSecond(long[] sortedStarts) {
        List<Integer> counts = new java.util.ArrayList<>();
        for (long start : sortedStarts) {
            int second = (int) ((start - sortedStarts[0]) / 1_000);
            while (counts.size() <= second) {
                counts.add(0);
            }
            counts.set(second, counts.get(second) + 1);
        }
        return counts;
    }

    /** The most of {@code sortedStarts} (epoch ms) inside any window of one second. */
    static int busiestSecond(long[] sortedStarts) {
        int most = 0;
        int from = 0;
        for (int to = 0; to < sortedStarts.length; to++) {
            while (sortedStarts[to] - sortedStarts[from] >= 1_000) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }
}
