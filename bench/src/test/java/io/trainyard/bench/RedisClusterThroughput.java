package io.trainyard.bench;

import io.trainyard.common.config.CommonSettings;
import io.trainyard.common.kafka.TopicLayout;
import io.trainyard.devtools.RedisCluster;
import io.trainyard.worker.WorkerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Workload "redis": the queue workload's NOOP jobs through the same worker processes, once with
 * the one redis-server and once with a Redis Cluster of 3 primaries and 3 replicas, the jobs'
 * tenants spread over the slots (and so over the primaries). Jobs/s is counted from the first
 * publish until the workers' metrics (read once a second) report every job COMPLETED.
 */
final class RedisClusterThroughput {
    static final String TOPIC = "trainyard.bench.redis";
    static final String NAME = "redis";
    /** Tenants of the jobs: enough that each primary holds about a third of them. */
    static final int TENANTS = 64;

    private RedisClusterThroughput() {}

    static void run(BenchContext ctx) {
        ctx.cluster().createTopic(TOPIC, TopicLayout.local().jobPartitions());
        double single = measure(ctx, "one redis-server", ctx.cluster().redisUri());
        double clustered;
        try (RedisCluster cluster = RedisCluster.start(ctx.cluster().dir.resolve("redis-cluster"), 3, null)) {
            clustered = measure(ctx, "Redis Cluster, 3 primaries + 3 replicas", cluster.uri());
        }
        ctx.report().figure(NAME, "singleJobsPerSecond", single);
        ctx.report().figure(NAME, "clusterJobsPerSecond", clustered);
        ctx.report().row(NAME, "NOOP jobs/s, Redis Cluster (3 primaries) vs one Redis",
                Report.count(clustered) + " vs " + Report.count(single) + " jobs/s", "",
                String.format("x%.2f; %d tenants over the slots", clustered / single, TENANTS));
    }

    private static double measure(BenchContext ctx, String label, String redisUri) {
        BenchOptions o = ctx.options();
        int n = o.jobs();
        try (WorkerPool pool = new WorkerPool(ctx.cluster(), "redis-" + (label.startsWith("one") ? "single" : "cluster"),
                "io.trainyard.worker.WorkerMain", TOPIC, o.slots(),
                Map.of(WorkerSettings.BATCH.env(), Integer.toString(o.batch()), CommonSettings.REDIS_URI.env(), redisUri),
                ctx.logs())) {
            pool.grow(o.workers(), Duration.ofSeconds(180));
            NoopJobs.warmUp(ctx, pool, TOPIC, "bench-redis-warm", Math.max(200, Math.min(5_000, n / 20)));
            long baseline = pool.completed();
            List<String> ids = NoopJobs.ids(ctx, "redis-" + pool.size() + "-" + label.length(), n);
            ctx.say("redis: publishing " + n + " NOOP jobs of " + TENANTS + " tenants, " + label);
            long start = System.nanoTime();
            try (JobPublisher publisher = JobPublisher.batched(ctx.cluster().bootstrap())) {
                for (int i = 0; i < n; i++) {
                    publisher.send(TOPIC, "bench-redis-" + (i % TENANTS), NoopJobs.TASK, ids.get(i));
                }
                publisher.flush();
            }
            long reached = pool.awaitCompleted(baseline + n, Duration.ofSeconds(60)) - baseline;
            double seconds = (System.nanoTime() - start) / 1e9;
            if (reached < n) {
                throw new IllegalStateException(label + ": only " + reached + " of " + n + " jobs completed");
            }
            double rate = n / seconds;
            ctx.say(String.format("redis: %,d jobs in %.1f s = %,.0f jobs/s, %s", n, seconds, rate, label));
            return rate;
        }
    }
}
