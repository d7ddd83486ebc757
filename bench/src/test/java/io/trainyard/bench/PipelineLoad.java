package io.trainyard.bench;

import io.trainyard.common.json.Json;
import io.trainyard.common.kafka.Topics;
import io.trainyard.common.pipeline.PipelineKeys;
import io.trainyard.devtools.FreePort;
import io.trainyard.worker.WorkerSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.JedisPooled;

/**
 * The pipeline workload: a fan-out/fan-in pipeline of {@code STEPS} no-op steps (one root, its
 * children, one join of them all) submitted over MLW, timed from the submit to its last step's
 * end, beside the same number of independent no-op jobs (published straight to Kafka, timed from
 * the first send to the last end) and the same number of independent steps in one pipeline
 * document. One worker process, no sandbox (NOOP runs nothing).
 */
final class PipelineLoad {
    static final String NAME = "pipeline";
    static final String TENANT = "bench-pipeline";
    static final int STEPS = 1_000;

    private PipelineLoad() {}

    static void run(BenchContext ctx) throws IOException, InterruptedException {
        int opsPort = FreePort.pick();
        Map<String, String> env = new HashMap<>(ctx.cluster().serviceEnv());
        env.putAll(Map.of(WorkerSettings.WORKER_ID.env(), "pipeline-worker", WorkerSettings.OPS_PORT.env(), Integer.toString(opsPort),
                WorkerSettings.SANDBOX.env(), "none", WorkerSettings.SLOTS.env(), Integer.toString(ctx.options().slots()),
                WorkerSettings.BATCH.env(), Integer.toString(ctx.options().batch())));
        ctx.say("pipeline: the worker group skips " + ctx.cluster().skipQueuedJobs() + " earlier record(s) on the job topics");
        try (BenchIngress ingress = BenchIngress.start(ctx, "pipeline-ingress", TENANT);
             JavaService worker = JavaService.start("pipeline-worker", "io.trainyard.worker.WorkerMain", "1g", env,
                     ctx.logs());
             JedisPooled redis = new JedisPooled(ctx.cluster().redisUri())) {
            BenchIngress.awaitReady(worker::requireAlive, opsPort);
            // Not measured: the share group joins and the hot paths compile.
            pipeline(ctx, ingress.mlw(), redis, "warm-" + ctx.nonce(), fanOutFanIn(100));
            long fan = pipeline(ctx, ingress.mlw(), redis, "fan-" + ctx.nonce(), fanOutFanIn(STEPS));
            long flat = pipeline(ctx, ingress.mlw(), redis, "flat-" + ctx.nonce(), independent(STEPS));
            long jobs = independentJobs(ctx, redis);
            ctx.report().row(NAME, STEPS + "-step fan-out/fan-in pipeline, submit -> last step", fan + " ms", "",
                    "1 -> " + (STEPS - 2) + " -> 1 NOOP steps, one worker");
            ctx.report().row(NAME, STEPS + " independent steps in one pipeline, submit -> last", flat + " ms", "", "");
            ctx.report().row(NAME, STEPS + " independent jobs over Kafka, first send -> last", jobs + " ms", "",
                    "the same work without dependencies");
            ctx.report().figure(NAME, "fanOutFanInMs", fan);
            ctx.report().figure(NAME, "independentStepsMs", flat);
            ctx.report().figure(NAME, "independentJobsMs", jobs);
        }
    }

    /** One root, {@code steps - 2} children of it, one join of them all. */
    static List<Map<String, Object>> fanOutFanIn(int steps) {
        List<Map<String, Object>> out = new ArrayList<>(steps);
        out.add(Map.of("name", "root", "type", "NOOP"));
        List<String> middle = new ArrayList<>();
        for (int i = 0; i < steps - 2; i++) {
            middle.add("s" + i);
            out.add(Map.of("name", "s" + i, "type", "NOOP", "dependsOn", List.of("root")));
        }
        out.add(Map.of("name", "join", "type", "NOOP", "dependsOn", middle));
        return out;
    }

    static List<Map<String, Object>> independent(int steps) {
        List<Map<String, Object>> out = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            out.add(Map.of("name", "s" + i, "type", "NOOP"));
        }
        return out;
    }

    /** Submits, waits for the pipeline's end; milliseconds from the submit to it. */
    private static long pipeline(BenchContext ctx, BenchIngress.Mlw mlw, JedisPooled redis, String name,
                                 List<Map<String, Object>> steps) throws IOException, InterruptedException {
        ctx.say("pipeline: " + name + ", " + steps.size() + " steps");
        String body = new String(Json.write(Map.of("pipelineName", name, "steps", steps)),
                java.nio.charset.StandardCharsets.UTF_8);
        long submitted = System.currentTimeMillis();
        String id = mlw.id(mlw.post("/pipelines", body));
        String key = new PipelineKeys(TENANT).pipeline(id);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!"COMPLETED".equals(redis.hget(key, "status"))) {
            String status = redis.hget(key, "status");
            if (!"RUNNING".equals(status) || System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline " + name + " is " + status + "; see " + ctx.logs());
            }
            Pause.millis(5);
        }
        return Long.parseLong(redis.hget(key, "endedAt")) - submitted;
    }

    private static long independentJobs(BenchContext ctx, JedisPooled redis) {
        List<String> ids = NoopJobs.ids(ctx, "pipeline-jobs", STEPS);
        ctx.say("pipeline: " + STEPS + " independent jobs");
        long first = System.currentTimeMillis();
        try (JobPublisher publisher = JobPublisher.immediate(ctx.cluster().bootstrap())) {
            for (String id : ids) {
                publisher.send(Topics.SCRIPT_JOBS, TENANT, NoopJobs.TASK, id);
            }
            publisher.flush();
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            RunRecords.Summary s = RunRecords.summarize(RunRecords.read(redis, TENANT, ids));
            if (s.completed() == STEPS) {
                return s.lastCompleted() - first;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + s.completed() + " of " + STEPS + " jobs completed");
            }
            Pause.millis(20);
        }
    }
}
